"""Data flow: from the Keras call that receives a setting back to the statement that sets it."""

from __future__ import annotations

from deepfd_ci.records import StaticFacts
from tests.localization.localization_helpers import line_of, locate, script

HEADER = """
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

rng = np.random.default_rng(0)
x_train = rng.normal(size=(512, 20))
y_train = rng.integers(0, 3, size=512)
"""


def model_lines(optimizer: str = "keras.optimizers.SGD(learning_rate=0.01)") -> str:
    return f"""
model = keras.Sequential([
    layers.Input((20,)),
    layers.Dense(32, activation="relu"),
    layers.Dense(3, activation="softmax"),
])
model.compile(optimizer={optimizer}, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
"""


def test_name_points_at_last_assignment_not_at_fit():
    src = script(
        HEADER
        + """
n_epochs = 50
n_epochs = 2
"""
        + model_lines()
        + """
model.fit(x_train, y_train, epochs=n_epochs, batch_size=32)
"""
    )
    finding, patched = locate(src, "epochs", {"suggested": 30})
    assert finding.primary_line == line_of(src, "n_epochs = 2")
    assert finding.localization == "dataflow" and finding.note is None
    assert line_of(src, "model.fit(") in finding.lines
    assert line_of(src, "n_epochs = 50") not in finding.lines  # overwritten, cannot reach fit
    assert "n_epochs = 30" in patched and "n_epochs = 50" in patched
    assert any(f"line {finding.primary_line}" in e for e in finding.evidence[1:])


def test_conditional_assignments_are_told_apart_by_the_observed_value():
    src = script(
        HEADER
        + """
import sys
if "--quick" in sys.argv:
    EPOCHS = 2
else:
    EPOCHS = 100
"""
        + model_lines()
        + """
model.fit(x_train, y_train, epochs=EPOCHS)
"""
    )
    finding, _ = locate(src, "epochs", facts=StaticFacts(epochs_requested=2))
    assert finding.primary_line == line_of(src, "EPOCHS = 2")
    assert line_of(src, "EPOCHS = 100") in finding.lines
    unobserved, _ = locate(src, "epochs")
    assert unobserved.note and "may also be set at line" in unobserved.note


def test_multi_line_call_reports_the_keyword_line():
    src = script(
        HEADER
        + model_lines()
        + """
history = model.fit(
    x_train,
    y_train,
    epochs=3,
    batch_size=4096,
    verbose=0,
)
"""
    )
    finding, patched = locate(src, "batch_size", {"direction": "high", "suggested": 32})
    assert finding.primary_line == line_of(src, "batch_size=4096")
    assert finding.suggestion.line == finding.suggestion.end_line == finding.primary_line
    assert finding.suggestion.replacement == "    batch_size=32,"
    assert finding.snippet == "batch_size=4096,"


def test_function_parameter_default_and_call_site_override():
    src = script(
        HEADER
        + """
def build_model(hidden=32, lr=0.01):
    model = keras.Sequential([layers.Input((20,)), layers.Dense(hidden, activation="relu"),
                              layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="sparse_categorical_crossentropy")
    return model


def train(model, epochs=1):
    model.fit(x_train, y_train, epochs=epochs, batch_size=32)


model = build_model(lr=10.0)
train(model)
"""
    )
    lr, patched = locate(src, "learning_rate", {"direction": "high", "suggested": 1e-3})
    assert lr.primary_line == line_of(src, "model = build_model(lr=10.0)")
    assert "model = build_model(lr=1e-3)" in patched
    assert line_of(src, "def build_model") in lr.lines
    epochs, patched = locate(src, "epochs", {"suggested": 20})
    assert epochs.primary_line == line_of(src, "def train(model, epochs=1)")
    assert "def train(model, epochs=20):" in patched


def test_positional_call_site_argument():
    src = script(
        HEADER
        + """
def build_model(units, rate):
    model = keras.Sequential([layers.Input((20,)), layers.Dense(units, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(rate), loss="sparse_categorical_crossentropy")
    return model


model = build_model(3, 5.0)
model.fit(x_train, y_train, epochs=5)
"""
    )
    finding, patched = locate(src, "learning_rate", {"suggested": 1e-3})
    assert finding.primary_line == line_of(src, "model = build_model(3, 5.0)")
    assert "model = build_model(3, 1e-3)" in patched


def test_dict_config_lookup_points_at_the_key_in_a_multi_line_dict():
    src = script(
        HEADER
        + """
CONFIG = {
    "hidden": 32,
    "lr": 3.0,
    "epochs": 5,
}
"""
        + model_lines('keras.optimizers.SGD(learning_rate=CONFIG["lr"])')
        + """
model.fit(x_train, y_train, epochs=CONFIG["epochs"])
"""
    )
    finding, patched = locate(src, "learning_rate", {"suggested": 1e-2})
    assert finding.primary_line == line_of(src, '"lr": 3.0')
    assert '    "lr": 0.01,' in patched


def test_dict_call_config_and_get_with_default():
    src = script(
        HEADER
        + """
params = dict(lr=0.5, epochs=2)
"""
        + model_lines('keras.optimizers.SGD(learning_rate=params.get("lr", 0.01))')
        + """
model.fit(x_train, y_train, epochs=params.get("epochs", 30), batch_size=params.get("batch", 16))
"""
    )
    lr, _ = locate(src, "learning_rate")
    assert lr.primary_line == line_of(src, "params = dict(lr=0.5")
    epochs, patched = locate(src, "epochs", {"suggested": 40})
    assert epochs.primary_line == line_of(src, "params = dict(")
    assert "params = dict(lr=0.5, epochs=40)" in patched
    batch, patched = locate(src, "batch_size", {"suggested": 32})
    assert batch.primary_line == line_of(src, "model.fit(")  # key absent: the default is used
    assert 'params.get("batch", 32)' in patched


def test_subscript_assignment_overrides_the_dict_literal():
    src = script(
        HEADER
        + """
cfg = {"epochs": 50}
cfg["epochs"] = 1
"""
        + model_lines()
        + """
model.fit(x_train, y_train, epochs=cfg["epochs"])
"""
    )
    finding, _ = locate(src, "epochs")
    assert finding.primary_line == line_of(src, 'cfg["epochs"] = 1')


def test_dataclass_defaults_and_constructor_keywords():
    src = script(
        HEADER
        + """
from dataclasses import dataclass, field


@dataclass
class TrainConfig:
    lr: float = 0.01
    epochs: int = 2
    batch_size: int = field(default=8192)


config = TrainConfig(lr=7.5)
"""
        + model_lines("keras.optimizers.SGD(learning_rate=config.lr)")
        + """
model.fit(x_train, y_train, epochs=config.epochs, batch_size=config.batch_size)
"""
    )
    lr, patched = locate(src, "learning_rate")
    assert lr.primary_line == line_of(src, "config = TrainConfig(lr=7.5)")
    epochs, patched = locate(src, "epochs", {"suggested": 20})
    assert epochs.primary_line == line_of(src, "    epochs: int = 2")
    assert "    epochs: int = 20" in patched
    batch, patched = locate(src, "batch_size", {"suggested": 32})
    assert batch.primary_line == line_of(src, "field(default=8192)")
    assert "field(default=32)" in patched


def test_namedtuple_fields_and_attribute_reassignment():
    src = script(
        HEADER
        + """
from collections import namedtuple

Hyper = namedtuple("Hyper", "lr epochs")
hp = Hyper(0.01, 40)
hp2 = Hyper(lr=9.0, epochs=3)
"""
        + model_lines("keras.optimizers.SGD(learning_rate=hp2.lr)")
        + """
model.fit(x_train, y_train, epochs=hp.epochs)
"""
    )
    lr, _ = locate(src, "learning_rate")
    assert lr.primary_line == line_of(src, "hp2 = Hyper(lr=9.0")
    epochs, patched = locate(src, "epochs", {"suggested": 80})
    assert epochs.primary_line == line_of(src, "hp = Hyper(0.01, 40)")
    assert "hp = Hyper(0.01, 80)" in patched

    reassigned = script(
        HEADER
        + """
from types import SimpleNamespace

opts = SimpleNamespace(epochs=30)
opts.epochs = 1
"""
        + model_lines()
        + """
model.fit(x_train, y_train, epochs=opts.epochs)
"""
    )
    finding, _ = locate(reassigned, "epochs")
    assert finding.primary_line == line_of(reassigned, "opts.epochs = 1")


def test_class_attribute_and_self_attribute():
    src = script(
        HEADER
        + """
class Settings:
    LEARNING_RATE = 4.0


class Trainer:
    def __init__(self, model, epochs=1):
        self.model = model
        self.epochs = epochs

    def run(self):
        self.model.fit(x_train, y_train, epochs=self.epochs)


"""
        + model_lines("keras.optimizers.SGD(learning_rate=Settings.LEARNING_RATE)")
        + """
Trainer(model).run()
"""
    )
    lr, _ = locate(src, "learning_rate")
    assert lr.primary_line == line_of(src, "LEARNING_RATE = 4.0")
    epochs, patched = locate(src, "epochs", {"suggested": 25})
    assert epochs.primary_line == line_of(src, "def __init__(self, model, epochs=1)")
    assert "epochs=25):" in patched


def test_argparse_default():
    src = script(
        HEADER
        + """
import argparse

parser = argparse.ArgumentParser()
parser.add_argument("--learning-rate", type=float, default=2.0)
parser.add_argument("--epochs", type=int, required=True)
parser.add_argument("-b", "--batch", dest="bs", type=int, default=2)
args = parser.parse_args()
"""
        + model_lines("keras.optimizers.SGD(learning_rate=args.learning_rate)")
        + """
model.fit(x_train, y_train, epochs=args.epochs, batch_size=args.bs)
"""
    )
    lr, patched = locate(src, "learning_rate", {"suggested": 1e-2})
    assert lr.primary_line == line_of(src, '"--learning-rate"')
    assert 'parser.add_argument("--learning-rate", type=float, default=0.01)' in patched
    batch, _ = locate(src, "batch_size")
    assert batch.primary_line == line_of(src, '"--batch"')
    epochs, patched = locate(src, "epochs")
    assert epochs.primary_line == line_of(src, '"--epochs"')
    assert epochs.localization == "fallback" and "command line" in epochs.note
    assert patched is None  # nothing in the source holds the value


def test_constant_imported_from_a_sibling_module(tmp_path):
    (tmp_path / "settings.py").write_text('"""Shared settings."""\n\nLEARNING_RATE = 12.0\nEPOCHS = 2\n')
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "hparams.py").write_text("BATCH = 1\n")
    src = script(
        HEADER
        + """
import settings
from settings import LEARNING_RATE as LR
from pkg.hparams import BATCH
"""
        + model_lines("keras.optimizers.SGD(learning_rate=LR)")
        + """
model.fit(x_train, y_train, epochs=settings.EPOCHS, batch_size=BATCH)
"""
    )
    (tmp_path / "train.py").write_text(src)
    settings = (tmp_path / "settings.py").read_text()
    lr, patched = locate(
        src, "learning_rate", {"suggested": 1e-2}, repo_root=str(tmp_path), other_source=settings
    )
    assert lr.primary_line == 3 and lr.lines == [3]
    assert lr.note.startswith("lines refer to settings.py")
    assert "LEARNING_RATE = 0.01" in patched
    assert any("used at line" in e and "train.py" in e for e in lr.evidence)
    epochs, _ = locate(src, "epochs", repo_root=str(tmp_path), other_source=settings)
    assert epochs.primary_line == 4 and "settings.py" in epochs.note
    batch, _ = locate(src, "batch_size", repo_root=str(tmp_path), other_source="BATCH = 1\n")
    assert batch.primary_line == 1 and "pkg/hparams.py" in batch.note


def test_sibling_module_outside_the_repository_is_not_read(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text("LR = 3.0\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    src = script(
        HEADER
        + """
from ..outside.secret import LR
"""
        + model_lines("keras.optimizers.SGD(learning_rate=LR)")
        + """
model.fit(x_train, y_train)
"""
    )
    finding, _ = locate(src, "learning_rate", repo_root=str(repo))
    assert finding.primary_line == line_of(src, "learning_rate=LR")
    assert finding.localization == "fallback"


def test_tuple_unpacking_and_helper_function_returns():
    src = script(
        HEADER
        + """
def pick_learning_rate():
    return 25.0


lr, epochs = pick_learning_rate(), 2
"""
        + model_lines("keras.optimizers.SGD(learning_rate=lr)")
        + """
model.fit(x_train, y_train, epochs=epochs)
"""
    )
    lr, patched = locate(src, "learning_rate", {"suggested": 1e-2})
    assert lr.primary_line == line_of(src, "return 25.0")
    epochs, patched = locate(src, "epochs", {"suggested": 20})
    assert epochs.primary_line == line_of(src, "lr, epochs = ")
    assert "lr, epochs = pick_learning_rate(), 20" in patched


def test_augmented_assignment_and_schedule():
    src = script(
        HEADER
        + """
base_lr = 0.001
base_lr *= 5000
schedule = keras.optimizers.schedules.ExponentialDecay(
    initial_learning_rate=base_lr, decay_steps=100, decay_rate=0.9
)
"""
        + model_lines("keras.optimizers.SGD(learning_rate=schedule)")
        + """
model.fit(x_train, y_train)
"""
    )
    finding, patched = locate(src, "learning_rate", {"suggested": 1e-2})
    assert finding.primary_line == line_of(src, "base_lr *= 5000")
    assert "base_lr = 0.01" in patched


def test_kwargs_dict_is_followed():
    src = script(
        HEADER
        + """
opt_kwargs = {"learning_rate": 8.0, "momentum": 0.9}
fit_kwargs = dict(epochs=1, verbose=0)
"""
        + model_lines("keras.optimizers.SGD(**opt_kwargs)")
        + """
model.fit(x_train, y_train, **fit_kwargs)
"""
    )
    lr, patched = locate(src, "learning_rate", {"suggested": 1e-2})
    assert lr.primary_line == line_of(src, "opt_kwargs = {")
    assert '"learning_rate": 0.01' in patched
    epochs, patched = locate(src, "epochs", {"suggested": 20})
    assert epochs.primary_line == line_of(src, "fit_kwargs = dict(")
    assert "dict(epochs=20, verbose=0)" in patched


def test_kwargs_parameter_filled_at_the_call_site():
    src = script(
        HEADER
        + """
def make_optimizer(**kw):
    return keras.optimizers.SGD(learning_rate=kw.get("lr", 0.01))


"""
        + model_lines("make_optimizer(lr=6.0)")
        + """
model.fit(x_train, y_train)
"""
    )
    finding, patched = locate(src, "learning_rate", {"suggested": 1e-2})
    assert finding.primary_line == line_of(src, "model.compile(")
    assert "make_optimizer(lr=0.01)" in patched


def test_training_code_in_an_imported_module(tmp_path):
    trainer = script("""
from tensorflow import keras


def train(x, y):
    model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=2)
""")
    (tmp_path / "trainer.py").write_text(trainer)
    src = script("""
import numpy as np
from trainer import train

train(np.zeros((10, 4)), np.zeros(10))
""")
    finding, patched = locate(src, "epochs", {"suggested": 20}, repo_root=str(tmp_path), other_source=trainer)
    assert finding.primary_line == line_of(trainer, "model.fit(x, y, epochs=2)")
    assert finding.note == "lines refer to trainer.py"
    assert "epochs=20" in patched

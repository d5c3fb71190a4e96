"""Scripts whose structure defeats the analysis: the best line available, and a note saying so.

Never a wrong line presented as certain: every finding here must be `fallback` or `keyword`.
"""

from __future__ import annotations

from deepfd_ci.localization import localize
from deepfd_ci.records import Fault
from tests.localization.localization_helpers import line_of, locate, script


def test_name_defined_by_exec():
    src = script("""
from tensorflow import keras

exec(open("hyper.txt").read())
model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=LR), loss="sparse_categorical_crossentropy")
model.fit(x, y, epochs=EPOCHS)
""")
    finding, patched = locate(src, "learning_rate", {"suggested": 1e-2})
    assert finding.localization == "fallback"
    assert finding.primary_line == line_of(src, "learning_rate=LR")
    assert line_of(src, "exec(") in finding.lines
    assert "exec" in finding.note and "line 3" in finding.note
    # The only fix that works whatever exec defines: the value Keras receives, here.
    assert "SGD(learning_rate=0.01)" in patched


def test_optimizer_class_chosen_by_getattr_from_json():
    src = script("""
import json
import keras

with open("config.json") as handle:
    config = json.load(handle)

optimizer_class = getattr(keras.optimizers, config["optimizer"])
model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer=optimizer_class(**config["optimizer_args"]), loss=config["loss"])
model.fit(x, y, **config["fit"])
""")
    findings = localize(
        src, "train.py", [Fault(t, 0.8) for t in ("optimizer", "learning_rate", "loss", "epochs")], None
    )
    by_type = {f.type: f for f in findings}
    for finding in findings:
        assert finding.localization == "fallback", finding
        assert finding.note
    assert by_type["optimizer"].primary_line == line_of(src, "optimizer_class = getattr(")
    assert "config.json" in by_type["optimizer"].note
    assert line_of(src, "json.load(") in by_type["optimizer"].lines
    assert by_type["learning_rate"].primary_line == line_of(src, "model.compile(")
    assert by_type["learning_rate"].suggestion is None
    assert by_type["loss"].primary_line == line_of(src, "model.compile(")
    assert by_type["epochs"].primary_line == line_of(src, "model.fit(")


def test_dynamic_attribute_name():
    src = script("""
import sys
import keras

name = sys.argv[1]
optimizer_class = getattr(keras.optimizers, name.upper())
model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer=optimizer_class(), loss="sparse_categorical_crossentropy")
model.fit(x, y)
""")
    finding, patched = locate(src, "optimizer")
    assert finding.localization == "fallback"
    assert finding.primary_line == line_of(src, "name.upper()")
    assert patched is None


def test_kwargs_from_json_through_a_helper():
    src = script("""
import json
from tensorflow import keras


def train(model, **fit_args):
    model.fit(x, y, **fit_args)


model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
train(model, **json.loads(open("fit.json").read()))
""")
    finding, _ = locate(src, "batch_size")
    assert finding.localization == "fallback"
    assert finding.primary_line == line_of(src, "model.fit(")
    assert finding.note


def test_environment_variable_with_default():
    src = script("""
import os
from tensorflow import keras

model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x, y, epochs=int(os.environ.get("EPOCHS", "1")))
""")
    finding, patched = locate(src, "epochs", {"suggested": 20})
    assert finding.localization == "fallback"
    assert "environment variable" in finding.note
    assert finding.primary_line == line_of(src, "model.fit(")
    assert 'os.environ.get("EPOCHS", 20)' in patched


def test_unknown_name_without_any_dynamic_construct():
    src = script("""
from tensorflow import keras
from mystery import *

model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=RATE), loss="sparse_categorical_crossentropy")
model.fit(x, y)
""")
    finding, _ = locate(src, "learning_rate")
    assert finding.localization == "fallback"
    assert "import *" in finding.note
    assert finding.primary_line == line_of(src, "learning_rate=RATE")


def test_no_training_call_falls_back_to_ranked_keywords():
    src = script("""
import mylib

lr = 0.5  # tuned by hand
trainer = mylib.Trainer(lr=lr)
trainer.go()
""")
    finding, _ = locate(src, "learning_rate")
    assert finding.localization == "keyword"
    assert finding.lines[0] == line_of(src, "lr = 0.5")
    assert finding.note and "matched by name" in finding.note
    assert finding.suggestion is None


def test_unparsable_source_and_empty_source_never_raise():
    broken = "model.fit(x, y, epochs=2\nlr = 0.1\n"
    findings = localize(broken, "train.py", [Fault("epochs", 0.7), Fault("learning_rate", 0.7)], None)
    assert [f.localization for f in findings] == ["keyword", "keyword"]
    assert findings[0].primary_line == 1 and findings[1].primary_line == 2
    assert all("could not be parsed" in f.note for f in findings)

    [empty] = localize("", "train.py", [Fault("loss", 0.7)], None)
    assert empty.localization == "fallback" and empty.primary_line is None and empty.lines == []


def test_unknown_fault_type_and_order_is_kept():
    src = script("""
from tensorflow import keras

model = keras.Sequential([keras.layers.Dense(1)])
model.compile(optimizer="sgd", loss="mse")
model.fit(x, y, epochs=2)
""")
    faults = [Fault("epochs", 0.9), Fault("something_new", 0.6), Fault("loss", 0.8)]
    findings = localize(src, "train.py", faults, None)
    assert [f.type for f in findings] == ["epochs", "something_new", "loss"]
    assert findings[1].localization == "fallback" and findings[1].lines == []
    assert findings[0].confidence == 0.9 and findings[2].confidence == 0.8


def test_recursive_and_cyclic_definitions_terminate():
    src = script("""
from tensorflow import keras


def halve(value, depth):
    return value if depth == 0 else halve(value / 2, depth - 1)


a = b = 1
a, b = b, a
model = keras.Sequential([keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=halve(a, 3)), loss="mse")
model.fit(x, y, epochs=(lambda n: n)(a))
""")
    findings = localize(src, "train.py", [Fault("learning_rate", 0.9), Fault("epochs", 0.9)], None)
    assert all(f.primary_line is not None for f in findings)

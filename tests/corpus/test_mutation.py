"""Mutation operators: targets found through data flow, values in DeepFD's ranges, honest lines."""

from __future__ import annotations

import ast
import difflib
import random
import textwrap
from pathlib import Path

import pytest

from deepfd_ci.corpus.mutation import (
    OPERATORS_BY_NAME,
    generate_mutants,
    mutate,
    read_manifest,
    write_mutants,
)
from deepfd_ci.corpus.mutation.edits import carry_lines, changed_lines
from deepfd_ci.corpus.mutation.operators.loss import PROBABILISTIC, REGRESSION
from deepfd_ci.records import FAULT_TYPES

SEEDS = sorted((Path(__file__).resolve().parents[2] / "corpus" / "seeds").glob("*.py"))


def one(source: str, operator: str, seed: int = 0):
    """Apply one operator to an inline script; returns (mutant source, fault) or None."""
    mutant = mutate("t", textwrap.dedent(source), [OPERATORS_BY_NAME[operator]], random.Random(seed), "t__m00")
    return (mutant.source, mutant.faults[0]) if mutant else None


def lines_of(source: str, fault) -> list[str]:
    text = source.splitlines()
    return [text[n - 1] for n in fault.lines]


MLP = """
import keras
from sklearn.datasets import load_digits

EPOCHS = 50
LEARNING_RATE = 0.001

digits = load_digits()
x = digits.data / 16.0
y = digits.target
model = keras.Sequential([
    keras.Input(shape=(64,)),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=EPOCHS, batch_size=32, validation_split=0.2)
"""


# -- data flow ----------------------------------------------------------------------------------


def test_epochs_follow_a_constant_to_its_assignment():
    source, fault = one(MLP, "epochs")
    assert lines_of(source, fault)[0].startswith("EPOCHS = ")
    new = int(lines_of(source, fault)[0].split("=")[1])
    assert 1 <= new <= 50 // 10 and new != 50
    assert "epochs=EPOCHS" in source  # the call is untouched


def test_learning_rate_follows_a_config_dict_entry():
    script = """
    import keras
    CONFIG = {"lr": 0.01, "epochs": 20}
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=CONFIG["lr"]), loss="categorical_crossentropy")
    model.fit(x, y, epochs=CONFIG["epochs"])
    """
    source, fault = one(script, "learning_rate_up")
    (line,) = lines_of(source, fault)
    assert line.strip().startswith("CONFIG = {")
    value = ast.literal_eval(line.split("=", 1)[1].strip())["lr"]
    assert 1.0 <= value <= 10.0


def test_learning_rate_follows_an_argparse_default():
    script = """
    import argparse
    import keras
    parser = argparse.ArgumentParser()
    parser.add_argument("--learning-rate", type=float, default=0.003)
    args = parser.parse_args()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.RMSprop(args.learning_rate), loss="binary_crossentropy")
    model.fit(x, y, epochs=30)
    """
    source, fault = one(script, "learning_rate_down")
    (line,) = lines_of(source, fault)
    assert 'add_argument("--learning-rate"' in line
    value = float(line.split("default=")[1].rstrip(")"))
    assert 1e-15 <= value <= 1e-10 * 5


def test_parameter_default_and_dataclass_field_are_followed():
    script = """
    from dataclasses import dataclass
    import keras

    @dataclass
    class Config:
        batch_size: int = 64

    def build(units=32):
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(units, activation="relu"),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy")
        return model

    cfg = Config()
    model = build()
    model.fit(x, y, epochs=30, batch_size=cfg.batch_size)
    """
    source, fault = one(script, "bottleneck")
    assert lines_of(source, fault) == ["def build(units=1):"]
    source, fault = one(script, "batch_size_tiny")
    assert lines_of(source, fault) == ["    batch_size: int = 1"]


# -- DeepFD's five ------------------------------------------------------------------------------


def test_string_optimizer_becomes_an_object_with_the_faulty_rate():
    script = MLP.replace("keras.optimizers.Adam(learning_rate=LEARNING_RATE)", '"adam"')
    source, fault = one(script, "learning_rate_up")
    (line,) = lines_of(source, fault)
    assert "optimizer=keras.optimizers.Adam(learning_rate=" in line
    assert fault.new_text in line


def test_learning_rate_values_stay_in_deepfds_ranges():
    for seed in range(25):
        _, up = one(MLP, "learning_rate_up", seed)
        _, down = one(MLP, "learning_rate_down", seed)
        assert 1.0 <= float(up.new_text) <= 10.0
        assert 1e-15 <= float(down.new_text) <= 5e-10


def test_optimizer_is_replaced_with_default_settings():
    source, fault = one(MLP, "optimizer")
    (line,) = lines_of(source, fault)
    new_class = fault.new_text.rsplit(".", 1)[1]
    assert new_class in {"SGD", "RMSprop", "Adadelta", "Adagrad"}  # never the original Adam
    assert f"optimizer=keras.optimizers.{new_class}()," in line


def test_loss_swaps_across_families_but_never_to_a_crashing_pair():
    onehot = MLP.replace('"sparse_categorical_crossentropy"', '"categorical_crossentropy"')
    seen = {one(onehot, "loss", s)[1].new_text for s in range(40)}
    assert seen == {*REGRESSION, "binary_crossentropy", "keras.losses.CategoricalCrossentropy(from_logits=True)"}
    regression = MLP.replace('"sparse_categorical_crossentropy"', '"mse"')
    seen = {one(regression, "loss", s)[1].new_text for s in range(30)}
    assert seen == set(PROBABILISTIC) - {"sparse_categorical_crossentropy"}


def test_sparse_labels_get_the_from_logits_mismatch_instead():
    # Keras 3 rejects (n,) class ids with every regression loss: only the logits mismatch runs.
    seen = {one(MLP, "loss", s)[1].new_text for s in range(10)}
    assert seen == {"keras.losses.SparseCategoricalCrossentropy(from_logits=True)"}
    logits = MLP.replace(
        '"sparse_categorical_crossentropy"', "keras.losses.SparseCategoricalCrossentropy(from_logits=True)"
    )
    source, fault = one(logits, "loss")
    assert fault.new_text == "sparse_categorical_crossentropy" and "from_logits" not in source


def test_last_layer_activation_changes_only_the_output_layer():
    source, fault = one(MLP, "last_activation")
    (line,) = lines_of(source, fault)
    assert "Dense(10," in line and '"softmax"' not in line
    assert source.count('activation="relu"') == 2


def test_epochs_mutant_is_skipped_when_it_would_not_change_anything():
    assert one(MLP.replace("EPOCHS = 50", "EPOCHS = 1"), "epochs") is None


# -- ours ---------------------------------------------------------------------------------------


def test_hidden_activations_become_saturating_and_need_depth():
    source, fault = one(MLP, "hidden_activation")
    assert fault.new_text in ("sigmoid", "tanh")
    assert all(fault.new_text in line and "Dense(10" not in line for line in lines_of(source, fault))
    assert len(fault.lines) == 2
    shallow = MLP.replace('    keras.layers.Dense(32, activation="relu"),\n', "")
    assert one(shallow, "hidden_activation") is None


def test_batch_size_extremes_and_tf_data_batches():
    _, tiny = one(MLP, "batch_size_tiny")
    _, huge = one(MLP, "batch_size_huge")
    assert tiny.new_text == "1" and int(huge.new_text) >= 4096
    script = """
    import tensorflow as tf
    import keras
    BATCH = 32
    train = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(100).batch(BATCH)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(train, epochs=30)
    """
    source, fault = one(script, "batch_size_tiny")
    assert lines_of(source, fault) == ["BATCH = 1"]
    recurrent = script.replace("keras.layers.Dense(1", "keras.layers.LSTM(8), keras.layers.Dense(1")
    assert one(recurrent, "batch_size_tiny") is None  # ~100 s a run: not worth the probe budget
    assert one(recurrent, "batch_size_huge") is not None


def test_initializer_is_set_on_every_kernel_layer():
    source, fault = one(MLP, "init_zeros")
    assert source.count('kernel_initializer="zeros"') == 3
    assert len(fault.lines) == 3
    source, fault = one(MLP, "init_huge")
    assert "keras.initializers.RandomNormal(stddev=" in source


def test_layer_removal_in_sequential_functional_subclassed_and_loops():
    source, fault = one(MLP, "layer_removed")
    assert source.count("keras.layers.Dense(") == 2 and ast.parse(source)
    functional = """
    import keras
    inputs = keras.Input((8,))
    x = keras.layers.Dense(16, activation="relu")(inputs)
    x = keras.layers.Dense(16, activation="relu")(x)
    outputs = keras.layers.Dense(1)(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse")
    model.fit(a, b, epochs=30)
    """
    source, fault = one(functional, "layer_removed")
    assert source.count("Dense(16") == 1 and fault.new_text is None
    assert lines_of(source, fault) == ['x = keras.layers.Dense(16, activation="relu")(inputs)']
    subclassed = """
    import keras
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.a = keras.layers.Dense(16, activation="relu")
            self.b = keras.layers.Dense(16, activation="relu")
            self.out = keras.layers.Dense(1)
        def call(self, x):
            x = self.a(x)
            x = self.b(x)
            return self.out(x)
    model = Net()
    model.compile(optimizer="adam", loss="mse")
    model.fit(a, b, epochs=30)
    """
    source, _ = one(subclassed, "layer_removed")
    assert "x = self.b(x)" not in source and "self.b = " in source
    looped = """
    import keras
    HIDDEN = (64, 32)
    model = keras.Sequential([keras.Input((8,))])
    for units in HIDDEN:
        model.add(keras.layers.Dense(units, activation="relu"))
    model.add(keras.layers.Dense(1))
    model.compile(optimizer="adam", loss="mse")
    model.fit(a, b, epochs=30)
    """
    source, _ = one(looped, "layer_removed")
    assert "HIDDEN = (64,)" in source  # still a tuple


def test_bottleneck_squeezes_a_hidden_layer_only():
    source, fault = one(MLP, "bottleneck")
    (line,) = lines_of(source, fault)
    assert 'Dense(1, activation="relu")' in line and "Dense(10," in source


def test_preprocessing_finds_input_and_target_normalization_by_data_flow():
    script = """
    import keras
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler
    X, y = load()
    y = (y - y.mean()) / y.std()
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2)
    scaler = StandardScaler()
    X_train = scaler.fit_transform(X_train)
    X_val = scaler.transform(X_val)
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(X_train, y_train, epochs=30, validation_data=(X_val, y_val))
    """
    source, fault = one(script, "inputs_unscaled")
    assert "fit_transform" not in source and "scaler.transform" not in source
    assert "y = (y - y.mean()) / y.std()" in source
    source, fault = one(script, "inputs_scaled_up")
    assert "X_train = scaler.fit_transform(X_train) * 255.0" in source
    assert "X_val = scaler.transform(X_val) * 255.0" in source and len(fault.lines) == 2
    source, fault = one(script, "targets_unscaled")
    assert "y.std()" not in source and "fit_transform" in source
    source, fault = one(script, "targets_scaled_up")
    assert lines_of(source, fault) == ["y = ((y - y.mean()) / y.std()) * 1000.0"]


def test_division_by_a_constant_is_turned_into_a_multiplication():
    source, fault = one(MLP, "inputs_scaled_up")
    assert lines_of(source, fault) == ["x = digits.data * 16.0"]
    assert one(MLP, "targets_unscaled") is None  # class labels are never "normalized"


# -- lines and generation -----------------------------------------------------------------------


def test_changed_lines_of_a_deletion_point_at_the_statement_above():
    before = "a = f(\n    1,\n)\nb = 2\nc = 3\n"
    after = "a = f(\n    1,\n)\nc = 3\n"
    assert changed_lines(before, after) == [1]
    assert changed_lines("a = 1\nb = 2\n", "a = 1\nb = 3\n") == [2]


def test_earlier_faults_lines_move_with_later_deletions():
    before = "a = 1\nb = 2\nc = 3\nd = 4\n"
    after = "a = 1\nc = 3\nd = 4\n"
    assert carry_lines([3, 4], before, after) == [2, 3]
    assert carry_lines([2], before, after) == [1]


def test_multi_fault_mutant_reports_each_fault_on_its_own_final_line():
    ops = [OPERATORS_BY_NAME[n] for n in ("layer_removed", "epochs", "learning_rate_up")]
    mutant = mutate("t", textwrap.dedent(MLP), ops, random.Random(3), "t__m00")
    assert mutant is not None and mutant.labels == ["learning_rate", "epochs", "layers"]
    text = mutant.source.splitlines()
    epochs, rate = mutant.faults[1], mutant.faults[2]
    assert text[epochs.lines[0] - 1].startswith("EPOCHS = ")
    assert text[rate.lines[0] - 1].startswith("LEARNING_RATE = ")
    assert mutant.changed_lines == sorted({n for f in mutant.faults for n in f.lines})


def test_a_multi_fault_mutants_components_are_its_faults_each_alone_on_the_seed():
    ops = [OPERATORS_BY_NAME[n] for n in ("layer_removed", "epochs", "learning_rate_up")]
    seed = textwrap.dedent(MLP)
    mutant = mutate("t", seed, ops, random.Random(3), "t__m00")
    assert mutant is not None and [c.id for c in mutant.components] == ["t__m00__f0", "t__m00__f1", "t__m00__f2"]
    for fault, component in zip(mutant.faults, mutant.components):
        assert component.labels == [fault.label] and component.operators == [fault.operator]
        assert component.description == fault.description and component.components == []
        ast.parse(component.source)
        # Only this fault's lines differ from the seed.
        changed = changed_lines(seed, component.source)
        assert changed and len(changed) <= len(fault.lines)
        if fault.new_text is not None:
            assert fault.new_text in component.source
        others = [f for f in mutant.faults if f is not fault and f.new_text is not None]
        assert not any(f.new_text in component.source and f.new_text not in seed for f in others)
    assert "components" not in mutant.manifest_entry("t__m00.py")
    # Zeroing the initializers of the 2 layers left after a removal is not the change the seed's 3
    # layers would get: that fault has no component (its label is kept as it is).
    ops = [OPERATORS_BY_NAME[n] for n in ("layer_removed", "init_zeros")]
    moved = mutate("t", seed, ops, random.Random(3), "t__m00")
    assert moved is not None and "(2 layer call(s))" in moved.description
    assert [c.id for c in moved.components] == ["t__m00__f0"]
    # A single fault is its own component: there is nothing to attribute.
    single = mutate("t", seed, ops[1:2], random.Random(3), "t__m01")
    assert single is not None and single.components == []


@pytest.mark.parametrize("seed_path", SEEDS, ids=[p.stem for p in SEEDS])
def test_every_seed_mutant_parses_and_its_lines_hold_the_change(seed_path: Path):
    seed = seed_path.read_text()
    mutants = generate_mutants(seed_path, random_seed=0, n=6)
    assert len(mutants) == 6
    assert len({m.source for m in mutants}) == 6
    for mutant in mutants:
        ast.parse(mutant.source)
        assert set(mutant.labels) <= set(FAULT_TYPES) and mutant.labels
        text = mutant.source.splitlines()
        matcher = difflib.SequenceMatcher(None, seed.splitlines(), text, autojunk=False)
        unchanged = {
            j + k + 1 for tag, _i1, _i2, j, j2 in matcher.get_opcodes() if tag == "equal" for k in range(j2 - j)
        }
        for fault in mutant.faults:
            assert fault.lines and all(1 <= n <= len(text) for n in fault.lines)
            if fault.new_text is not None:
                assert any(fault.new_text in text[n - 1] for n in fault.lines), (mutant.id, fault)
                assert set(fault.lines) - unchanged, (mutant.id, fault)  # the value really changed there
            else:  # a removal: the mutant lost lines or rewrote one
                assert len(text) < len(seed.splitlines()) or set(fault.lines) - unchanged, (mutant.id, fault)


def test_generation_is_deterministic_and_prefix_stable():
    seed = SEEDS[0]
    a = generate_mutants(seed, random_seed=5, n=9)
    b = generate_mutants(seed, random_seed=5, n=9)
    c = generate_mutants(seed, random_seed=5, n=4)
    assert [m.source for m in a] == [m.source for m in b]
    assert [m.source for m in c] == [m.source for m in a[:4]]
    assert [m.id for m in a] == [f"{seed.stem}__m{i:02d}" for i in range(9)]
    assert sum(len(m.operators) > 1 for m in a) == 3  # every third mutant combines faults
    assert generate_mutants(seed, random_seed=6, n=9) != a


def test_manifest_round_trip(tmp_path: Path):
    mutants = generate_mutants(SEEDS[0], random_seed=0, n=3)
    write_mutants(mutants, tmp_path)
    entries = read_manifest(tmp_path)
    assert [e["id"] for e in entries] == [m.id for m in mutants]
    for entry, mutant in zip(entries, mutants):
        assert (tmp_path / entry["file"]).read_text() == mutant.source
        assert entry["labels"] == mutant.labels and entry["changed_lines"] == mutant.changed_lines

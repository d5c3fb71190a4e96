"""Each fault type on realistic scripts: the statement to change and the fix."""

from __future__ import annotations

import pytest

from deepfd_ci.records import ArrayStats, LayerInfo, StaticFacts
from tests.localization.localization_helpers import line_of, locate, script

DIGITS = script("""
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from tensorflow import keras
from tensorflow.keras import layers

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=0)

model = keras.Sequential(
    [
        layers.Input(shape=(64,)),
        layers.Dense(64, activation="relu"),
        layers.Dense(32, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ]
)
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
model.fit(X_train, y_train, epochs=20, batch_size=32, validation_data=(X_val, y_val))
""")


def mutate(old: str, new: str, source: str = DIGITS) -> str:
    assert old in source
    return source.replace(old, new, 1)


def digits_facts(**changes) -> StaticFacts:
    facts = StaticFacts(
        epochs_requested=20,
        batch_size=32,
        optimizer="SGD",
        learning_rate=0.01,
        loss="sparse_categorical_crossentropy",
        last_activation="softmax",
        output_units=10,
        task="multiclass",
        n_classes=10,
        labels_one_hot=False,
        x=ArrayStats(shape=[1437, 64], dtype="float64", min=0.0, max=1.0, integer_valued=False),
        layers=[
            LayerInfo("dense", "Dense", "relu", 64, "glorot_uniform"),
            LayerInfo("dense_1", "Dense", "relu", 32, "glorot_uniform"),
            LayerInfo("dense_2", "Dense", "softmax", 10, "glorot_uniform"),
        ],
    )
    for key, value in changes.items():
        setattr(facts, key, value)
    return facts


# -- learning rate and optimizer ------------------------------------------------------------


def test_learning_rate_literal_in_the_optimizer_constructor():
    src = mutate("learning_rate=0.01", "learning_rate=10.0")
    finding, patched = locate(
        src,
        "learning_rate",
        {"direction": "high", "value": 10.0, "suggested": 1e-2},
        digits_facts(learning_rate=10.0),
    )
    assert finding.primary_line == line_of(src, "learning_rate=10.0")
    assert (
        finding.suggestion.replacement
        == "    optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),"
    )
    assert line_of(src, "model.compile(") in finding.lines


def test_optimizer_without_learning_rate_gets_one():
    src = mutate(
        "keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)", "keras.optimizers.SGD(momentum=0.9)"
    )
    finding, patched = locate(src, "learning_rate", {"direction": "low", "suggested": 0.05})
    assert finding.primary_line == line_of(src, "keras.optimizers.SGD(momentum=0.9)")
    assert "keras.optimizers.SGD(momentum=0.9, learning_rate=0.05)" in patched


@pytest.mark.parametrize(
    ("imports", "expected"),
    [
        ("from tensorflow import keras", "keras.optimizers.Adam(learning_rate=1e-3)"),
        ("import tensorflow as tf\nkeras = tf.keras", "tf.keras.optimizers.Adam(learning_rate=1e-3)"),
        ("from keras.optimizers import Adam, SGD", "Adam(learning_rate=1e-3)"),
        ("from keras import optimizers", "optimizers.Adam(learning_rate=1e-3)"),
    ],
)
def test_string_optimizer_learning_rate_becomes_an_object_spelled_with_the_script_imports(imports, expected):
    src = script(f"""
{imports}
from keras.models import Sequential
from keras.layers import Dense

model = Sequential([Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy",
              optimizer="adam",
              metrics=["accuracy"])
model.fit(x, y, epochs=3)
""")
    finding, patched = locate(src, "learning_rate", {"direction": "high", "suggested": 1e-3})
    assert finding.primary_line == line_of(src, 'optimizer="adam"')
    assert f"              optimizer={expected}," in patched
    assert "Adam" in " ".join(finding.evidence)


def test_string_optimizer_without_any_keras_alias_adds_the_import():
    src = script("""
from keras.models import Sequential
from keras.layers import Dense


def build():
    model = Sequential([Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer="sgd")
    return model


build().fit(x, y, epochs=3)
""")
    finding, patched = locate(src, "learning_rate", {"direction": "low", "suggested": 0.05})
    assert finding.primary_line == line_of(src, 'optimizer="sgd"')
    fixed = 'model.compile(loss="binary_crossentropy", optimizer=SGD(learning_rate=0.05))'
    assert f"    from keras.optimizers import SGD\n    {fixed}" in patched


def test_compile_without_optimizer_gets_one():
    src = mutate("    optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),\n", "")
    finding, patched = locate(src, "learning_rate", {"suggested": 1e-3})
    assert finding.primary_line == line_of(src, "model.compile(")
    assert "optimizer=keras.optimizers.RMSprop(learning_rate=1e-3)" in patched


def test_optimizer_class_swap_drops_arguments_the_new_class_lacks():
    finding, patched = locate(DIGITS, "optimizer", {"suggested": "Adam"}, digits_facts())
    assert finding.primary_line == line_of(DIGITS, "keras.optimizers.SGD(")
    assert finding.suggestion.replacement == "    optimizer=keras.optimizers.Adam(learning_rate=0.01),"


def test_optimizer_given_as_string_variable():
    src = script("""
from tensorflow import keras

OPTIMIZER = 'sgd'
model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer=OPTIMIZER, loss="sparse_categorical_crossentropy")
model.fit(x, y)
""")
    finding, patched = locate(src, "optimizer", {"suggested": "Adam"})
    assert finding.primary_line == line_of(src, "OPTIMIZER = 'sgd'")
    assert "OPTIMIZER = 'adam'" in patched


def test_optimizer_chosen_by_branch_uses_the_class_the_run_saw():
    src = script("""
import sys
from tensorflow import keras

if "--adam" in sys.argv:
    opt = keras.optimizers.Adam()
else:
    opt = keras.optimizers.Adadelta(learning_rate=1e-4)
model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer=opt, loss="sparse_categorical_crossentropy")
model.fit(x, y)
""")
    finding, patched = locate(src, "optimizer", {"suggested": "Adam"}, StaticFacts(optimizer="Adadelta"))
    assert finding.primary_line == line_of(src, "opt = keras.optimizers.Adadelta(")
    assert "    opt = keras.optimizers.Adam(learning_rate=1e-4)" in patched


# -- loss ---------------------------------------------------------------------------------------


def test_loss_string_is_replaced_with_the_quote_style_kept():
    src = mutate('loss="sparse_categorical_crossentropy"', "loss='mse'")
    finding, patched = locate(
        src, "loss", {"suggested": "sparse_categorical_crossentropy"}, digits_facts(loss="mean_squared_error")
    )
    assert finding.primary_line == line_of(src, "loss='mse'")
    assert finding.suggestion.replacement == "    loss='sparse_categorical_crossentropy',"


def test_loss_object_and_loss_variable():
    src = script("""
import keras

loss_fn = keras.losses.MeanSquaredError()
model = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
model.compile("adam", loss_fn)
model.fit(x, y)
""")
    finding, patched = locate(
        src, "loss", facts=StaticFacts(task="multiclass", labels_one_hot=True, n_classes=10)
    )
    assert finding.primary_line == line_of(src, "loss_fn = ")
    assert 'loss_fn = "categorical_crossentropy"' in patched


# -- activation ---------------------------------------------------------------------------------


def test_last_activation_in_a_sequential_list():
    src = mutate('layers.Dense(10, activation="softmax")', 'layers.Dense(10, activation="relu")')
    finding, patched = locate(
        src, "activation", {"scope": "last", "suggested": "softmax"}, digits_facts(last_activation="relu")
    )
    assert finding.primary_line == line_of(src, "layers.Dense(10, activation=")
    assert finding.suggestion.replacement == '        layers.Dense(10, activation="softmax"),'


def test_last_activation_missing_is_added_and_separate_activation_layer_is_used():
    src = mutate('layers.Dense(10, activation="softmax")', "layers.Dense(10)")
    finding, patched = locate(src, "activation", {"scope": "last"}, digits_facts(last_activation="linear"))
    assert finding.primary_line == line_of(src, "layers.Dense(10)")
    assert 'layers.Dense(10, activation="softmax"),' in patched

    separate = mutate(
        'layers.Dense(10, activation="softmax"),', 'layers.Dense(10),\n        layers.Activation("sigmoid"),'
    )
    finding, patched = locate(separate, "activation", {"scope": "last", "suggested": "softmax"})
    assert finding.primary_line == line_of(separate, 'layers.Activation("sigmoid")')
    assert 'layers.Activation("softmax"),' in patched


def test_last_activation_of_a_functional_model_built_in_a_function():
    src = script("""
import keras
from keras import layers


def make_model(n_classes, out_activation="sigmoid"):
    inputs = keras.Input(shape=(20,))
    x = layers.Dense(64, activation="relu")(inputs)
    outputs = layers.Dense(n_classes, activation=out_activation)(x)
    return keras.Model(inputs, outputs)


model = make_model(3)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, epochs=5)
""")
    finding, patched = locate(src, "activation", {"scope": "last", "suggested": "softmax"})
    assert finding.primary_line == line_of(src, "def make_model(")
    assert 'out_activation="softmax"' in patched
    assert line_of(src, "outputs = layers.Dense(") in finding.lines


def test_hidden_activations_in_a_loop_and_a_comprehension():
    loop = script("""
from tensorflow import keras
from tensorflow.keras.layers import Dense

model = keras.Sequential()
model.add(keras.Input((30,)))
for width in (256, 128, 64, 32):
    model.add(Dense(width, activation="sigmoid"))
model.add(Dense(1, activation="sigmoid"))
model.compile(optimizer="sgd", loss="binary_crossentropy")
model.fit(x, y, epochs=10)
""")
    finding, patched = locate(loop, "activation", {"scope": "hidden", "suggested": "relu"})
    assert finding.primary_line == line_of(loop, 'model.add(Dense(width, activation="sigmoid"))')
    assert '    model.add(Dense(width, activation="relu"))' in patched
    assert 'model.add(Dense(1, activation="sigmoid"))' in patched

    comprehension = script("""
from tensorflow import keras

model = keras.Sequential(
    [keras.Input((30,))]
    + [keras.layers.Dense(64, activation="tanh") for _ in range(6)]
    + [keras.layers.Dense(1, activation="sigmoid")]
)
model.compile(optimizer="sgd", loss="binary_crossentropy")
model.fit(x, y, epochs=10)
""")
    finding, patched = locate(comprehension, "activation", {"scope": "hidden", "suggested": "relu"})
    assert finding.primary_line == line_of(comprehension, 'activation="tanh"')
    assert '[keras.layers.Dense(64, activation="relu") for _ in range(6)]' in patched


def test_only_the_odd_hidden_activation_is_flagged_and_shared_variables_are_fixed_once():
    src = mutate('layers.Dense(32, activation="relu")', 'layers.Dense(32, activation="sigmoid")')
    finding, patched = locate(src, "activation", {"scope": "hidden", "suggested": "relu"})
    assert finding.primary_line == line_of(src, 'activation="sigmoid"')
    assert finding.suggestion.line == finding.suggestion.end_line

    shared = script("""
from tensorflow import keras

HIDDEN_ACT = "tanh"
model = keras.Sequential([
    keras.layers.Dense(64, activation=HIDDEN_ACT),
    keras.layers.Dense(64, activation=HIDDEN_ACT),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x, y)
""")
    finding, patched = locate(shared, "activation", {"scope": "hidden", "suggested": "relu"})
    assert finding.primary_line == line_of(shared, 'HIDDEN_ACT = "tanh"')
    assert finding.suggestion.replacement == 'HIDDEN_ACT = "relu"'


# -- epochs and batch size ----------------------------------------------------------------------


def test_missing_epochs_and_batch_size_are_added_to_fit():
    src = mutate("epochs=20, batch_size=32, ", "")
    epochs, patched = locate(src, "epochs", {"suggested": 30})
    assert epochs.primary_line == line_of(src, "model.fit(")
    assert "validation_data=(X_val, y_val), epochs=30)" in patched
    assert "uses 1 epoch" in epochs.evidence[-1]
    batch, patched = locate(src, "batch_size", {"suggested": 64})
    assert "batch_size=64)" in patched


def test_positional_epochs_and_dataset_batch():
    src = script("""
import tensorflow as tf

ds = tf.data.Dataset.from_tensor_slices((features, labels)).shuffle(1000).batch(
    4096
)
model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
model.compile("adam", "mse")
model.fit(ds, None, None, 2)
""")
    epochs, patched = locate(src, "epochs", {"suggested": 40})
    assert epochs.primary_line == line_of(src, "model.fit(ds, None, None, 2)")
    assert "model.fit(ds, None, None, 40)" in patched
    batch, patched = locate(src, "batch_size", {"suggested": 32})
    assert batch.primary_line == line_of(src, "    4096")
    assert batch.suggestion.replacement == "    32"


def test_custom_training_loop_epochs():
    src = script("""
import tensorflow as tf

NUM_EPOCHS = 1
model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
opt = tf.keras.optimizers.SGD(learning_rate=3.0)
for epoch in range(NUM_EPOCHS):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((model(x) - y) ** 2)
    opt.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
""")
    epochs, _ = locate(src, "epochs", {"suggested": 30}, StaticFacts(training_api="custom_loop"))
    assert epochs.primary_line == line_of(src, "NUM_EPOCHS = 1")
    lr, patched = locate(src, "learning_rate", {"suggested": 1e-2})
    assert lr.primary_line == line_of(src, "learning_rate=3.0")
    assert "learning_rate=0.01" in patched


# -- preprocessing ------------------------------------------------------------------------------


def test_missing_scaling_goes_where_the_inputs_are_made():
    src = mutate("X = X / 16.0\n", "")
    facts = digits_facts(
        x=ArrayStats(shape=[1437, 64], dtype="float64", min=0.0, max=16.0, integer_valued=True)
    )
    finding, patched = locate(
        src, "preprocessing", {"kind": "unscaled_inputs", "suggested": "standardize"}, facts
    )
    assert finding.primary_line == line_of(src, "X, y = load_digits(")
    assert (
        line_of(src, "train_test_split(X, y") in finding.lines and line_of(src, "model.fit(") in finding.lines
    )
    # Scaled before the split, so validation sees what training sees.
    assert "return_X_y=True)\nX = (X - X.mean(axis=0)) / (X.std(axis=0) + 1e-8)\nX_train, X_val" in patched
    assert "0 to 16" in finding.evidence[-1]


def test_scaling_goes_after_in_place_edits_of_the_array():
    src = script("""
import numpy as np
import keras

images = np.zeros((100, 8, 8), dtype="float32")
labels = np.arange(100) % 2
for i, label in enumerate(labels):
    images[i, :4] += 200.0 * label
model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(images, labels, epochs=3)
""")
    finding, patched = locate(src, "preprocessing", {"kind": "unscaled_inputs", "suggested": "divide_255"})
    assert finding.primary_line == line_of(src, "images[i, :4] +=")
    assert "* label\nimages = images / 255.0\nmodel = " in patched


def test_scaled_up_inputs_and_unscaled_targets():
    src = script("""
import tensorflow as tf
from sklearn.datasets import make_regression
from sklearn.preprocessing import StandardScaler

features, target = make_regression(n_samples=500, n_features=4, noise=1.0)
scaler = StandardScaler()
features = (scaler.fit_transform(features) * 255.0).astype("float32")
target_scaled = target
ds = tf.data.Dataset.from_tensor_slices((features, target_scaled)).batch(32)
model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(ds, epochs=5)
""")
    inputs, patched = locate(src, "preprocessing", {"kind": "unscaled_inputs"})
    assert inputs.primary_line == line_of(src, "features = (scaler")
    assert 'features = (scaler.fit_transform(features)).astype("float32")' in patched
    targets, patched = locate(src, "preprocessing", {"kind": "unscaled_targets"})
    assert targets.primary_line == line_of(src, "target_scaled = target")
    assert "target_scaled = (target_scaled - target_scaled.mean(axis=0))" in patched


def test_a_scaler_created_but_never_applied_is_applied():
    src = script("""
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from tensorflow import keras


def main():
    data = load_wine()
    x_train, x_val, y_train, y_val = train_test_split(
        data.data, data.target, test_size=0.2, random_state=0
    )
    scaler = StandardScaler()
    model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=5)
""")
    finding, patched = locate(src, "preprocessing", {"kind": "unscaled_inputs"})
    assert finding.primary_line == line_of(src, "scaler = StandardScaler()")
    assert (
        "    scaler = StandardScaler()\n    x_train = scaler.fit_transform(x_train)\n"
        "    x_val = scaler.transform(x_val)\n"
    ) in patched
    without = src.replace("    scaler = StandardScaler()\n", "")
    finding, patched = locate(without, "preprocessing", {"kind": "unscaled_inputs"})
    # Inserted after a multi-line statement: reported where the statement starts.
    assert finding.primary_line == line_of(without, "x_train, x_val, y_train, y_val = ")
    assert finding.suggestion.end_line == line_of(without, "random_state=0") + 1


def test_existing_weak_scaling_is_the_statement_to_change():
    src = mutate("X = X / 16.0", "X = X / 1.0")
    finding, patched = locate(src, "preprocessing", {"kind": "unscaled_inputs", "suggested": "standardize"})
    assert finding.primary_line == line_of(src, "X = X / 1.0")
    assert "X = (X - X.mean(axis=0)) / (X.std(axis=0) + 1e-8)" in patched


def test_image_loader_tuple_scales_train_and_test_together():
    src = script("""
import numpy as np
from tensorflow import keras


def load():
    rng = np.random.default_rng(0)
    train = rng.integers(0, 256, (100, 8, 8)), rng.integers(0, 3, 100)
    return train, (rng.integers(0, 256, (20, 8, 8)), rng.integers(0, 3, 20))


(x_train, y_train), (x_test, y_test) = load()
x_train = x_train.reshape(-1, 64).astype("float32")
model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x=x_train[:80], y=y_train[:80], epochs=5)
""")
    finding, patched = locate(src, "preprocessing", {"kind": "unscaled_inputs", "suggested": "divide_255"})
    assert finding.primary_line == line_of(src, "(x_train, y_train), (x_test, y_test) = load()")
    assert "= load()\nx_train = x_train / 255.0\nx_test = x_test / 255.0\n" in patched


def test_label_encoding_fixes():
    onehot = script("""
import numpy as np
import keras
from keras.utils import to_categorical

data = np.loadtxt("train.csv", delimiter=",")
X, labels = data[:, :-1], data[:, -1].astype(int)
labels = to_categorical(labels)
model = keras.Sequential([keras.layers.Dense(4, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(X, labels, epochs=5)
""")
    finding, patched = locate(onehot, "preprocessing", {"kind": "labels_encoding", "suggested": "sparse"})
    assert finding.primary_line == line_of(onehot, "labels = to_categorical(labels)")
    assert "to_categorical(labels)" not in patched and finding.suggestion.replacement == ""

    sparse = onehot.replace("labels = to_categorical(labels)\n", "").replace(
        '"sparse_categorical', '"categorical'
    )
    finding, patched = locate(sparse, "preprocessing", {"kind": "labels_encoding", "suggested": "one_hot"})
    assert finding.primary_line == line_of(sparse, "X, labels = data[")
    assert "\nlabels = to_categorical(labels)\nmodel = " in patched


# -- initialization and layers ------------------------------------------------------------------


def test_bad_initializer_is_replaced():
    src = mutate(
        'layers.Dense(32, activation="relu")',
        'layers.Dense(32, activation="relu", kernel_initializer="zeros")',
    )
    finding, patched = locate(src, "initialization", {"suggested": "he_normal"})
    assert finding.primary_line == line_of(src, 'kernel_initializer="zeros"')
    assert 'layers.Dense(32, activation="relu", kernel_initializer="he_normal"),' in patched

    obj = mutate(
        'layers.Dense(64, activation="relu")',
        'layers.Dense(64, activation="relu",\n'
        "                     kernel_initializer=keras.initializers.RandomNormal(stddev=50.0))",
    )
    finding, patched = locate(obj, "initialization")
    assert finding.primary_line == line_of(obj, "RandomNormal(stddev=50.0)")
    assert 'kernel_initializer="he_normal"' in patched


def test_missing_hidden_layer_in_each_model_style():
    sequential = script("""
from tensorflow import keras

model = keras.Sequential([
    keras.layers.Dense(10, activation="softmax", input_shape=(64,)),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x, y)
""")
    finding, patched = locate(sequential, "layers", {"kind": "missing_hidden", "suggested_units": 64})
    # A missing layer is reported where it belongs: after the line above the output layer.
    assert finding.primary_line == line_of(sequential, "model = keras.Sequential([")
    assert finding.lines == [finding.primary_line, line_of(sequential, "keras.layers.Dense(10")]
    assert (
        '    keras.layers.Dense(64, activation="relu", input_shape=(64,)),\n'
        '    keras.layers.Dense(10, activation="softmax"),'
    ) in patched

    added = script("""
from keras.models import Sequential
from keras.layers import Dense

model = Sequential()
model.add(Dense(1, activation="sigmoid", input_dim=2))
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x, y)
""")
    finding, patched = locate(added, "layers", {"kind": "missing_hidden", "suggested_units": 16})
    assert finding.primary_line == line_of(added, "model = Sequential()")
    assert (
        'model.add(Dense(16, activation="relu", input_dim=2))\nmodel.add(Dense(1, activation="sigmoid"))'
        in patched
    )

    functional = script("""
import keras

inputs = keras.Input((2,))
outputs = keras.layers.Dense(1, activation="sigmoid")(inputs)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x, y)
""")
    finding, patched = locate(functional, "layers", {"kind": "missing_hidden", "suggested_units": 16})
    assert finding.primary_line == line_of(functional, "inputs = keras.Input(")
    # The model's input keeps its name (keras.Model(inputs, ...) still needs it).
    assert (
        'hidden = keras.layers.Dense(16, activation="relu")(inputs)\n'
        'outputs = keras.layers.Dense(1, activation="sigmoid")(hidden)\n'
    ) in patched

    chained = functional.replace(
        "outputs = keras.layers", "x = keras.layers.Dense(8)(inputs)\noutputs = keras.layers"
    )
    chained = chained.replace('activation="sigmoid")(inputs)', 'activation="sigmoid")(x)')
    finding, patched = locate(chained, "layers", {"kind": "missing_hidden", "suggested_units": 16})
    assert finding.primary_line == line_of(chained, "x = keras.layers.Dense(8)(inputs)")
    assert 'x = keras.layers.Dense(16, activation="relu")(x)\noutputs = ' in patched


def test_a_layers_finding_says_what_the_model_has_before_its_output():
    """A model without hidden layers is told so; one with hidden layers is not (it has them)."""
    bare = script("""
from tensorflow import keras

model = keras.Sequential([keras.layers.Dense(10, activation="softmax", input_shape=(64,))])
model.fit(x, y)
""")
    finding, _ = locate(bare, "layers", {"kind": "missing_hidden"})
    assert finding.evidence[-1] == (
        f"The model goes straight to its output layer at line {line_of(bare, 'Dense(10')} without a hidden layer."
    )
    # Hidden layers from the run's facts, with their widths; the output layer is not one of them.
    finding, patched = locate(DIGITS, "layers", {"kind": "missing_hidden"}, digits_facts())
    output_line = line_of(DIGITS, "layers.Dense(10")
    assert finding.evidence[-1] == (
        f"The model has 2 hidden layers (width 64, 32) before its output layer at line {output_line}; "
        "the fix adds one more."
    )
    assert 'layers.Dense(32, activation="relu"),\n        layers.Dense(64, activation="relu"),' in patched
    # An Activation layer after the output layer does not make the output a hidden layer.
    facts = digits_facts()
    facts.layers[-1].activation = "linear"
    facts.layers.append(LayerInfo("activation", "Activation", "softmax"))
    finding, _ = locate(DIGITS, "layers", {"kind": "missing_hidden"}, facts)
    assert finding.evidence[-1].startswith("The model has 2 hidden layers (width 64, 32) before")
    # Without facts the source's layers before the output layer count.
    finding, _ = locate(DIGITS, "layers", {"kind": "missing_hidden"})
    assert finding.evidence[-1].startswith("The model has 2 hidden layers before its output layer")


def test_missing_hidden_layer_built_in_a_loop_adds_an_iteration():
    src = script("""
import keras

DEPTH = 2
HIDDEN = [64, 32]
inputs = keras.Input((4,))
x = inputs
for _ in range(DEPTH):
    x = keras.layers.Dense(32, activation="relu")(x)
outputs = keras.layers.Dense(3, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(features, labels)
""")
    finding, patched = locate(src, "layers", {"kind": "missing_hidden"})
    assert finding.primary_line == line_of(src, "DEPTH = 2")
    assert "DEPTH = 3" in patched
    listed = src.replace(
        "for _ in range(DEPTH):\n    x = keras.layers.Dense(32,",
        "for units in HIDDEN:\n    x = keras.layers.Dense(units,",
    )
    finding, patched = locate(listed, "layers", {"kind": "missing_hidden"})
    assert finding.primary_line == line_of(listed, "HIDDEN = [64, 32]")
    assert "HIDDEN = [64, 32, 32]" in patched


def test_output_units_extra_layer_and_bottleneck():
    src = script("""
from tensorflow import keras

N_CLASSES = 9
model = keras.Sequential([
    keras.Input((64,)),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(2, activation="relu"),
    keras.layers.Dense(2, activation="relu"),
    keras.layers.Dense(N_CLASSES, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x, y)
""")
    units, patched = locate(src, "layers", {"kind": "output_units", "suggested_units": 10})
    assert units.primary_line == line_of(src, "N_CLASSES = 9")
    assert "N_CLASSES = 10" in patched
    extra, patched = locate(src, "layers", {"kind": "extra_layer"})
    assert extra.primary_line == line_of(src, "Dense(2,", nth=1)
    assert patched.count("Dense(2,") == 1
    narrow, patched = locate(
        src,
        "layers",
        {"kind": "bottleneck", "suggested_units": 32},
        StaticFacts(
            layers=[
                LayerInfo("a", "Dense", "relu", 64),
                LayerInfo("b", "Dense", "relu", 2),
                LayerInfo("c", "Dense", "relu", 2),
                LayerInfo("d", "Dense", "softmax", 9),
            ]
        ),
    )
    assert narrow.primary_line == line_of(src, "Dense(2,")
    assert 'keras.layers.Dense(32, activation="relu"),' in patched


def test_missing_feature_layer_in_convolutional_and_recurrent_models():
    pooled = script("""
from tensorflow import keras

model = keras.Sequential([
    keras.Input((8, 8, 1)),
    keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
    keras.layers.MaxPooling2D(2),
    keras.layers.GlobalMaxPooling2D(),
    keras.layers.Dense(3, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x, y)
""")
    finding, patched = locate(pooled, "layers", {"kind": "missing_hidden"})
    assert finding.primary_line == line_of(pooled, "MaxPooling2D(2)")
    conv = 'keras.layers.Conv2D(16, 3, padding="same", activation="relu")'
    assert f"MaxPooling2D(2),\n    {conv},\n    keras.layers.GlobalMaxPooling2D()," in patched

    recurrent = script("""
import keras

model = keras.Sequential([
    keras.layers.GRU(12, input_shape=(20, 1)),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x, y)
""")
    finding, patched = locate(recurrent, "layers", {"kind": "missing_hidden"})
    assert finding.primary_line == line_of(recurrent, "model = keras.Sequential([")
    # The new bottom layer takes the input shape and returns sequences for the one above it.
    assert (
        "    keras.layers.GRU(12, input_shape=(20, 1), return_sequences=True),\n    keras.layers.GRU(12),\n"
        in patched
    )

    flattened = pooled.replace("keras.layers.GlobalMaxPooling2D()", "keras.layers.Flatten()")
    finding, patched = locate(flattened, "layers", {"kind": "missing_hidden", "suggested_units": 32})
    assert finding.primary_line == line_of(flattened, "Flatten()")
    assert '    keras.layers.Flatten(),\n    keras.layers.Dense(32, activation="relu"),\n' in patched


def test_subclassed_model_layer_created_but_not_applied():
    src = script("""
import keras


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden1 = keras.layers.Dense(128, activation="relu")
        self.hidden2 = keras.layers.Dense(64, activation="relu")
        self.classifier = keras.layers.Dense(10, activation="softmax")

    def call(self, inputs):
        x = self.hidden1(inputs)
        return self.classifier(x)


model = Net()
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, epochs=5)
""")
    finding, patched = locate(src, "layers", {"kind": "missing_hidden"})
    assert finding.primary_line == line_of(src, "x = self.hidden1(inputs)")
    assert "        x = self.hidden1(inputs)\n        x = self.hidden2(x)\n        return" in patched


def test_scaler_created_then_forgotten_in_the_statements_that_convert_the_arrays():
    src = script("""
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
import keras

data = load_breast_cancer()
x_train, x_val, y_train, y_val = train_test_split(data.data, data.target, test_size=0.2)
scaler = StandardScaler()
x_train = x_train.astype("float32")
x_val = x_val.astype("float32")
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=5)
""")
    finding, patched = locate(src, "preprocessing", {"kind": "unscaled_inputs"})
    assert finding.primary_line == line_of(src, 'x_train = x_train.astype("float32")')
    assert 'x_train = scaler.fit_transform(x_train).astype("float32")\n' in patched
    assert 'x_val = scaler.transform(x_val).astype("float32")\n' in patched


def test_targets_of_a_model_with_named_outputs():
    src = script("""
import numpy as np
import keras

x = np.random.rand(100, 4)
kind = (x[:, 0] > 0.5).astype("int32")
amount = x.sum(axis=1) * 1000.0
inputs = keras.Input((4,))
model = keras.Model(inputs, {"kind": keras.layers.Dense(2, activation="softmax")(inputs),
                             "amount": keras.layers.Dense(1)(inputs)})
model.compile(optimizer="adam", loss={"kind": "sparse_categorical_crossentropy", "amount": "mse"})
model.fit(x, {"kind": kind, "amount": amount}, epochs=3)
""")
    finding, patched = locate(src, "preprocessing", {"kind": "unscaled_targets"})
    assert finding.primary_line == line_of(src, "amount = x.sum(axis=1) * 1000.0")
    assert "* 1000.0\namount = (amount - amount.mean(axis=0)) / (amount.std(axis=0) + 1e-8)\n" in patched
    loss, _ = locate(src, "loss")
    assert loss.note == "the model has one loss per output; change the one for the faulty output"

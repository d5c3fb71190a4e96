"""Static configuration features from the facts the probe records (no TF)."""

from __future__ import annotations

from deepfd_ci.features import static
from deepfd_ci.records import LayerInfo, StaticFacts


def _facts(*hidden: tuple[str, str]) -> StaticFacts:
    layers = [LayerInfo(name=f"l{i}", class_name=kind, activation=act, units=16, params=100)
              for i, (kind, act) in enumerate(hidden)]
    return StaticFacts(layers=[*layers, LayerInfo(name="out", class_name="Dense", activation="softmax", units=3)])


def test_a_recurrent_layers_tanh_is_not_a_saturating_hidden_activation():
    # The hidden-activation fault turns Dense/Conv ReLUs into sigmoid/tanh; an LSTM's tanh is its design.
    # Counting it made every fault of a recurrent program look like an activation fault to the model.
    lstm = static.encode(_facts(("LSTM", "tanh"), ("Dense", "relu")))
    assert lstm["hidden_saturating_frac"] == 0.0 and lstm["hidden_relu_frac"] == 1.0
    assert lstm["n_hidden_layers"] == 2.0
    assert static.encode(_facts(("GRU", "tanh")))["hidden_saturating_frac"] == 0.0
    assert static.encode(_facts(("Bidirectional", "tanh")))["hidden_saturating_frac"] == 0.0
    mutated = static.encode(_facts(("LSTM", "tanh"), ("Dense", "sigmoid"), ("Dense", "sigmoid")))
    assert mutated["hidden_saturating_frac"] == 1.0
    assert static.encode(_facts(("Dense", "tanh"), ("Dense", "relu")))["hidden_saturating_frac"] == 0.5


def test_an_activation_layer_gives_its_activation_to_the_layer_before_it():
    # Dense(64) then Activation("relu"): a ReLU network, not a linear one (7 of the 56 real-bug programs).
    layers = [LayerInfo(name="d", class_name="Dense", activation="linear", units=64),
              LayerInfo(name="bn", class_name="BatchNormalization"),
              LayerInfo(name="a", class_name="Activation", activation="relu"),
              LayerInfo(name="d2", class_name="Dense", activation="linear", units=32),
              LayerInfo(name="a2", class_name="Activation", activation="sigmoid"),
              LayerInfo(name="out", class_name="Dense", activation="linear", units=3),
              LayerInfo(name="sm", class_name="Activation", activation="softmax")]
    encoded = static.encode(StaticFacts(layers=layers))
    assert encoded["hidden_relu_frac"] == 0.5 and encoded["hidden_saturating_frac"] == 0.5
    assert encoded["hidden_linear_count"] == 0.0 and encoded["n_hidden_layers"] == 2.0
    # A layer's own activation is kept; a linear layer with no activation layer after it stays linear.
    own = [LayerInfo(name="d", class_name="Dense", activation="tanh", units=8),
           LayerInfo(name="a", class_name="Activation", activation="relu"),
           LayerInfo(name="d2", class_name="Dense", activation="linear", units=8),
           LayerInfo(name="out", class_name="Dense", activation="softmax", units=3)]
    encoded = static.encode(StaticFacts(layers=own))
    assert encoded["hidden_saturating_frac"] == 0.5 and encoded["hidden_linear_count"] == 1.0


def test_every_head_of_a_multi_output_model_is_an_output_not_a_hidden_layer():
    # corpus/seeds/multioutput_sequences.py: two shared Dense(32, relu), then a Dense(1, sigmoid) head
    # and a Dense(1) head. Its first head used to count as a one-unit sigmoid hidden layer (the
    # bottleneck and saturation signatures) on a healthy program.
    layers = [LayerInfo(name="shared", class_name="Dense", activation="relu", units=32),
              LayerInfo(name="shared_1", class_name="Dense", activation="relu", units=32),
              LayerInfo(name="rising", class_name="Dense", activation="sigmoid", units=1),
              LayerInfo(name="slope", class_name="Dense", activation="linear", units=1)]
    facts = StaticFacts(layers=layers, n_outputs=2)
    assert [layer.name for layer in static.hidden_layers(facts)] == ["shared", "shared_1"]
    encoded = static.encode(facts)
    assert encoded["n_hidden_layers"] == 2.0 and encoded["log_min_hidden_units"] == static._log10(32)
    assert encoded["hidden_saturating_frac"] == 0.0 and encoded["n_trainable_layers"] == 4.0
    # One output (the default): only the last layer is the output.
    single = static.encode(StaticFacts(layers=layers))
    assert single["n_hidden_layers"] == 3.0 and single["log_min_hidden_units"] == 0.0

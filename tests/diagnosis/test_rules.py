"""Explicit checks on hand-built runs: which configuration fact a symptom is blamed on."""

from __future__ import annotations

import pytest

from deepfd_ci.diagnosis import diagnose_run, rules
from deepfd_ci.diagnosis.explain import activation as explain_activation
from deepfd_ci.diagnosis.explain import layers as explain_layers
from deepfd_ci.diagnosis.observations import observe
from deepfd_ci.features import static
from deepfd_ci.records import ArrayStats, Check, LayerInfo, RunInfo, RunRecord, StaticFacts


def _regression_run(target_mean: float, target_std: float, *, blow_up: bool) -> RunRecord:
    """Adam at its default rate on standardized inputs; the loss explodes or steadily falls."""
    facts = StaticFacts(
        epochs_requested=50, batch_size=32, n_samples=4800, input_kind="numpy", has_validation=True,
        optimizer="Adam", learning_rate=1e-3, loss="mean_squared_error", last_activation="linear",
        output_units=1, model_kind="sequential", task="regression",
        layers=[LayerInfo("dense", "Dense", "relu", 64, "glorot_uniform", 1600),
                LayerInfo("dense_1", "Dense", "linear", 1, "glorot_uniform", 65)],
        x=ArrayStats(shape=[4800, 24], dtype="float32", min=-3.0, max=3.0, mean=0.0, std=1.0),
        y=ArrayStats(shape=[4800], dtype="float32", min=target_mean - 3 * target_std,
                     max=target_mean + 3 * target_std, mean=target_mean, std=target_std, n_unique=4800),
    )
    start = target_mean**2 + target_std**2
    losses = [start * 50 ** e for e in range(1, 6)] if blow_up else [start / 4 ** e for e in range(1, 6)]
    accs = [0.0] * 5 if blow_up else [0.5, 0.8, 0.9, 0.95, 0.96]
    checks = [Check(epoch=0, loss=start, acc=0.0)]
    checks += [Check(epoch=e + 1, steps=150, loss=loss, acc=acc, val_acc=acc, grad_norm_mean=1e4 * (e + 1),
                     grad_norm_max=1e5 * (e + 1) if blow_up else 1.0)
               for e, (loss, acc) in enumerate(zip(losses, accs))]
    return RunRecord(path="train.py", status="ok", checks=checks, facts=facts,
                     run=RunInfo(epochs_requested=50, epochs_run=5, seconds=3.0, seed=0))


def test_a_blow_up_on_unscaled_regression_targets_is_blamed_on_the_targets_not_the_rate():
    record = _regression_run(500.0, 40.0, blow_up=True)
    obs = observe(record)
    assert obs.symptoms["loss_diverged"] or obs.symptoms["exploding_gradient"]
    found = rules.predict(record, obs)
    assert "preprocessing" in found and "learning_rate" not in found
    fault = next(f for f in diagnose_run(record).faults if f.type == "preprocessing")
    assert fault.source == "rules"
    assert fault.detail == {"kind": "unscaled_targets", "suggested": "standardize"}
    assert "regression targets have mean 500" in fault.evidence[0]


def test_the_same_blow_up_on_standardized_targets_still_blames_the_rate():
    record = _regression_run(0.0, 1.0, blow_up=True)
    found = rules.predict(record, observe(record))
    assert "learning_rate" in found and "preprocessing" not in found


@pytest.mark.parametrize("mean, std", [(500.0, 40.0), (0.0, 1.0)])
def test_a_regression_that_trains_well_gets_no_finding(mean, std):
    record = _regression_run(mean, std, blow_up=False)
    assert rules.predict(record, observe(record)) == {}


def _lstm_run(hidden_activation: str) -> RunRecord:
    """An LSTM classifier whose Dense head uses `hidden_activation`; it barely learns."""
    facts = StaticFacts(
        epochs_requested=30, batch_size=32, n_samples=800, input_kind="numpy", has_validation=True,
        optimizer="Adam", learning_rate=1e-3, loss="sparse_categorical_crossentropy", last_activation="softmax",
        output_units=3, model_kind="sequential", task="multiclass", n_classes=3,
        layers=[LayerInfo("lstm", "LSTM", "tanh", 32, "glorot_uniform", 4352),
                LayerInfo("dense", "Dense", hidden_activation, 16, "glorot_uniform", 528),
                LayerInfo("dense_1", "Dense", "softmax", 3, "glorot_uniform", 51)],
        x=ArrayStats(shape=[800, 20, 1], dtype="float32", min=-1.0, max=1.0, mean=0.0, std=0.5),
        y=ArrayStats(shape=[800], dtype="int64", min=0.0, max=2.0, mean=1.0, std=0.8, n_unique=3),
    )
    checks = [Check(epoch=e, loss=1.1 - 0.01 * e, acc=0.34 + 0.01 * e, val_acc=0.34) for e in range(6)]
    return RunRecord(path="train.py", status="ok", checks=checks, facts=facts,
                     run=RunInfo(epochs_requested=30, epochs_run=5, seconds=3.0, seed=0))


def test_an_activation_finding_never_blames_a_recurrent_layers_own_tanh():
    record = _lstm_run("sigmoid")
    evidence, detail = explain_activation(record, observe(record))
    assert evidence[0] == "1 hidden layer(s) use sigmoid" and detail["scope"] == "hidden"
    # With a ReLU head, the only tanh is the LSTM's: no "use relu in the hidden layers" advice.
    record = _lstm_run("relu")
    evidence, detail = explain_activation(record, observe(record))
    assert detail["scope"] == "last" and not any("hidden layer" in line for line in evidence)


def test_activation_evidence_and_features_count_the_same_hidden_layers():
    """One walk over the layers for both (static.hidden_activations): `Dense(16)` then
    `Activation("sigmoid")` is one sigmoid hidden layer, and an activation layer after a layer with
    its own non-linear activation is not counted as a layer of its own."""
    record = _lstm_run("linear")
    record.facts.layers.insert(2, LayerInfo("activation", "Activation", "sigmoid"))
    record.facts.layers.insert(1, LayerInfo("dense_0", "Dense", "relu", 16, "glorot_uniform", 528))
    record.facts.layers.insert(2, LayerInfo("activation_0", "Activation", "tanh"))
    evidence, detail = explain_activation(record, observe(record))
    assert evidence[0] == "1 hidden layer(s) use sigmoid" and detail["scope"] == "hidden"
    features = static.encode(record.facts)
    assert features["hidden_saturating_frac"] == 0.5  # the relu Dense and the sigmoid one; not the LSTM


def _mlp_run(losses: list[float]) -> RunRecord:
    """A small ReLU MLP classifier whose training loss follows `losses` (epochs 1..n)."""
    facts = StaticFacts(
        epochs_requested=20, batch_size=32, n_samples=1000, input_kind="numpy", has_validation=False,
        optimizer="Adam", learning_rate=1e-3, loss="sparse_categorical_crossentropy", last_activation="softmax",
        output_units=3, model_kind="sequential", task="multiclass", n_classes=3,
        layers=[LayerInfo("dense", "Dense", "relu", 16, "glorot_uniform", 80),
                LayerInfo("dense_1", "Dense", "softmax", 3, "glorot_uniform", 51)],
    )
    checks = [Check(epoch=0, loss=1.1, acc=0.33)]
    checks += [Check(epoch=e + 1, steps=30, loss=loss, acc=0.5) for e, loss in enumerate(losses)]
    return RunRecord(path="train.py", status="ok", checks=checks, facts=facts,
                     run=RunInfo(epochs_requested=20, epochs_run=len(losses), seconds=2.0, seed=0))


@pytest.mark.parametrize("losses, plateau", [
    ([1.0, 0.6, 0.58, 0.579, 0.578], "the training loss fell 40% from epoch 1 to 2 but only 0.2% in epoch 5: "
                                     "it levelled off early"),
    ([1.0, 0.9, 0.81, 0.729, 0.6561], None),  # 10% every epoch: still falling at its early pace
    ([1.0, 0.99, 0.98, 0.98, 0.98], None),  # never fell much: nothing levelled off
    ([1.0, 0.6], None),  # two epochs: no early and late step to compare
])
def test_the_layers_evidence_names_a_loss_that_levelled_off_early(losses, plateau):
    record = _mlp_run(losses)
    evidence, _ = explain_layers(record, observe(record))
    found = [line for line in evidence if "levelled off" in line]
    assert found == ([plateau] if plateau else [])


def test_layers_evidence_never_calls_the_output_layer_a_narrow_hidden_layer():
    """A binary head written as `Dense(1)` then `Activation("sigmoid")`: the Dense(1) is the output
    (static.hidden_layers), not a one-unit bottleneck; a real one-unit hidden layer still is."""
    record = _mlp_run([1.0, 0.9, 0.8])
    record.facts.task, record.facts.n_classes, record.facts.output_units = "binary", 2, 1
    record.facts.layers[-1] = LayerInfo("dense_1", "Dense", "linear", 1, "glorot_uniform", 17)
    record.facts.layers.append(LayerInfo("activation", "Activation", "sigmoid"))
    evidence, detail = explain_layers(record, observe(record))
    assert detail["kind"] == "missing_hidden" and not any("unit(s)" in line for line in evidence)
    record.facts.layers[0].units = 1
    evidence, detail = explain_layers(record, observe(record))
    assert detail["kind"] == "bottleneck" and "hidden layer dense has only 1 unit(s)" in evidence


def test_a_one_unit_head_of_a_multi_output_model_is_not_a_bottleneck():
    """Each head of a multi-output model is an output (static.hidden_layers): the layers rule, the
    layers evidence and the features leave a one-unit regression head beside a softmax one alone."""
    record = _mlp_run([1.09, 1.08, 1.08])  # stalled: the rule's "not converged" holds
    record.facts.layers.append(LayerInfo("amount", "Dense", "linear", 1, "glorot_uniform", 17))
    record.facts.layers[-1], record.facts.layers[-2] = record.facts.layers[-2], record.facts.layers[-1]
    record.facts.n_outputs = 2
    obs = observe(record)
    assert "layers" not in rules.predict(record, obs)
    _evidence, detail = explain_layers(record, obs)
    assert detail["kind"] != "bottleneck"
    record.facts.n_outputs = 1  # the same layers read as one output: a one-unit hidden layer
    assert rules.predict(record, observe(record)).get("layers") == 0.75

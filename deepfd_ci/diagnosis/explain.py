"""Evidence sentences with numbers from the run, and fix hints, for each fault type.

`explain(fault_type, record, obs)` gives (evidence, detail). Evidence lists what was observed,
most telling first; detail tells localization what to suggest (see records.Fault.detail).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from deepfd_ci.diagnosis.observations import TINY_BATCH, Observations, targets_unscaled
from deepfd_ci.features import static
from deepfd_ci.records import RunRecord, StaticFacts

ADAPTIVE = {"adam", "adamw", "nadam", "adamax", "rmsprop", "adagrad", "adadelta", "ftrl", "lion"}


def _g(value: float | None) -> str:
    """A number the way a person writes it: 2.30, 9482, 1.2e+04, 3e-05."""
    if value is None or not math.isfinite(value):
        return "NaN" if value is not None and math.isnan(value) else "inf"
    magnitude = abs(value)
    if magnitude != 0 and (magnitude >= 1e4 or magnitude < 1e-3):
        return f"{value:.2g}"
    if magnitude >= 100:
        return f"{value:.0f}"
    return f"{value:.3g}" if magnitude < 1 else f"{value:.2f}"


def _pct(value: float) -> str:
    """Whole percents, with one decimal below 1% (a 0.4% drop is not "0%")."""
    return f"{100 * value:.1f}%" if 0 < abs(value) < 0.01 else f"{100 * value:.0f}%"


def _good_lr(facts: StaticFacts | None) -> float:
    optimizer = (facts.optimizer or "").lower() if facts else ""
    return 1e-3 if optimizer in ADAPTIVE else 1e-2


def _acc_word(facts: StaticFacts | None) -> str:
    return "R^2" if facts is not None and facts.task == "regression" else "accuracy"


def _progress(obs: Observations, facts: StaticFacts | None) -> str | None:
    if obs.initial_acc is None or obs.final_acc is None:
        return None
    text = f"training {_acc_word(facts)} went from {obs.initial_acc:.2f} to {obs.final_acc:.2f} in {obs.epochs_run} epoch(s)"
    if obs.chance_acc and facts and facts.task in ("multiclass", "binary"):
        text += f" (chance is {obs.chance_acc:.2f})"
    return text


def _divergence(obs: Observations) -> list[str]:
    out = []
    if obs.nonfinite_epoch is not None:
        first = f"loss became NaN/inf in epoch {obs.nonfinite_epoch}"
        if obs.peak_loss is not None and obs.initial_loss is not None:
            first += f" after rising from {_g(obs.initial_loss)} to {_g(obs.peak_loss)}"
        out.append(first)
    elif obs.peak_loss is not None and obs.initial_loss and obs.peak_loss > 3 * obs.initial_loss:
        out.append(f"loss rose from {_g(obs.initial_loss)} to {_g(obs.peak_loss)} in epoch {obs.peak_epoch}")
    if obs.grad_norm_max is not None and obs.grad_norm_max > 100:
        out.append(f"gradient norm reached {_g(obs.grad_norm_max)} in epoch {obs.grad_norm_max_epoch}")
    if obs.nonfinite_grad_steps:
        out.append(f"{obs.nonfinite_grad_steps} of {obs.steps} steps had NaN/inf gradients")
    if obs.zero_grad_frac_max is not None and obs.zero_grad_frac_max >= 0.5:
        out.append(f"{_pct(obs.zero_grad_frac_max)} of gradients were exactly zero in epoch {obs.zero_grad_epoch} (dead ReLUs)")
    return out


def _slow(obs: Observations, facts: StaticFacts | None) -> list[str]:
    out = []
    progress = _progress(obs, facts)
    if progress:
        out.append(progress)
    if obs.update_ratio_min is not None and obs.update_ratio_min < 1e-2:
        out.append(f"weights changed by only {_g(obs.update_ratio_min)} (relative) in an epoch")
    return out


def learning_rate(record: RunRecord, obs: Observations) -> tuple[list[str], dict]:
    facts = record.facts
    lr = facts.learning_rate if facts else None
    blew_up = obs.symptoms.get("loss_diverged") or obs.symptoms.get("exploding_gradient")
    direction = "high" if blew_up or (lr is not None and lr >= 0.1) else "low"
    if lr is not None and lr <= 1e-5:
        direction = "low"
    evidence = _divergence(obs) if direction == "high" else _slow(obs, facts)
    if lr is not None:
        evidence.append(f"learning rate is {_g(lr)} ({facts.optimizer})")
    return evidence, {"direction": direction, "value": lr, "suggested": _good_lr(facts)}


def suggested_loss(facts: StaticFacts | None) -> str:
    if facts is None:
        return "categorical_crossentropy"
    if facts.task == "regression":
        return "mean_squared_error"
    if facts.task in ("binary", "multilabel") and (facts.output_units or 1) == 1 or facts.task == "multilabel":
        return "binary_crossentropy"
    return "categorical_crossentropy" if facts.labels_one_hot else "sparse_categorical_crossentropy"


def loss(record: RunRecord, obs: Observations) -> tuple[list[str], dict]:
    facts = record.facts
    evidence = []
    if facts is not None:
        target = {"multiclass": f"{facts.n_classes} classes", "binary": "2 classes",
                  "multilabel": "multi-label targets", "regression": "continuous targets"}.get(facts.task, "its targets")
        evidence.append(f"loss is {facts.loss} but the model outputs {facts.output_units} {facts.last_activation} "
                        f"unit(s) for {target}")
    progress = _progress(obs, facts)
    if progress:
        evidence.append(progress)
    return evidence, {"suggested": suggested_loss(facts)}


def suggested_last_activation(facts: StaticFacts | None) -> str:
    if facts is None:
        return "softmax"
    if facts.task == "regression":
        return "linear"
    if facts.task == "multilabel" or (facts.task == "binary" and (facts.output_units or 1) == 1):
        return "sigmoid"
    return "softmax"


def activation(record: RunRecord, obs: Observations) -> tuple[list[str], dict]:
    facts = record.facts
    hidden_saturating = [act for _layer, act in (static.hidden_activations(facts) if facts else [])
                         if act in ("sigmoid", "tanh")]
    mismatch = obs.symptoms.get("activation_task_mismatch", False)
    if not mismatch and hidden_saturating:
        evidence = [f"{len(hidden_saturating)} hidden layer(s) use {hidden_saturating[0]}"]
        if obs.grad_ratio_min is not None:
            evidence.append(f"first/last layer gradient ratio fell to {_g(obs.grad_ratio_min)} (vanishing gradients)")
        if obs.saturated_frac:
            evidence.append(f"{_pct(obs.saturated_frac)} of sigmoid/tanh outputs were saturated")
        evidence += _slow(obs, facts)
        return evidence, {"scope": "hidden", "suggested": "relu"}
    evidence = []
    if facts is not None:
        evidence.append(f"the output layer uses {facts.last_activation} with {facts.output_units} unit(s) "
                        f"for a {facts.task} task trained with {facts.loss}")
    if obs.pred_const:
        evidence.append("the model predicts the same output for every sample")
    progress = _progress(obs, facts)
    if progress:
        evidence.append(progress)
    return evidence, {"scope": "last", "suggested": suggested_last_activation(facts)}


def epochs(record: RunRecord, obs: Observations) -> tuple[list[str], dict]:
    requested = obs.epochs_requested
    evidence = [f"only {requested} epoch(s) requested"] if requested is not None else []
    if obs.last_epoch_gain is not None and obs.last_epoch_gain > 0:
        evidence.append(f"{_acc_word(record.facts)} still rose by {obs.last_epoch_gain:.2f} in the last epoch")
    if obs.loss_drop_last_epoch is not None and obs.loss_drop_last_epoch > 0:
        evidence.append(f"loss still fell {_pct(obs.loss_drop_last_epoch)} in the last epoch")
    progress = _progress(obs, record.facts)
    if progress:
        evidence.append(progress)
    suggested = max(20, min(200, (requested or 1) * 10))
    return evidence, {"suggested": suggested}


def batch_size(record: RunRecord, obs: Observations) -> tuple[list[str], dict]:
    facts = record.facts
    bs = facts.batch_size_used if facts else None
    n = facts.n_samples if facts else None
    direction = "low" if bs is not None and bs <= TINY_BATCH else "high"
    evidence = []
    if bs is not None and n:
        evidence.append(f"batch size {bs} with {n} training samples gives {math.ceil(n / bs)} update(s) per epoch")
    evidence += _slow(obs, facts) if direction == "high" else []
    if direction == "low" and obs.symptoms.get("oscillating"):
        evidence.append("training accuracy oscillates between epochs")
    return evidence, {"direction": direction, "suggested": 32}


def preprocessing(record: RunRecord, obs: Observations) -> tuple[list[str], dict]:
    facts = record.facts
    if obs.symptoms.get("label_encoding_mismatch") and facts is not None:
        kind = "one-hot" if facts.labels_one_hot else "integer class ids"
        evidence = [f"labels are {kind} but the loss is {facts.loss}"]
        return evidence, {"kind": "labels_encoding", "suggested": "sparse" if facts.labels_one_hot else "one_hot"}
    y = facts.y if facts is not None else None
    if targets_unscaled(facts, obs) and y is not None:
        evidence = [f"regression targets have mean {_g(y.mean)} and std {_g(y.std)}, so the loss and its "
                    f"gradients are {_g(y.std ** 2)} times larger than for standardized targets"]
        if obs.initial_loss is not None:
            evidence.append(f"initial loss was {_g(obs.initial_loss)}")
        return evidence + _slow(obs, facts), {"kind": "unscaled_targets", "suggested": "standardize"}
    evidence = []
    if obs.x_absmax is not None:
        evidence.append(f"inputs reach {_g(obs.x_absmax)} (std {_g(obs.x_std)}) and the model has no normalization layer")
    if obs.initial_loss is not None and facts is not None and facts.n_classes and facts.n_classes > 1:
        expected = math.log(facts.n_classes)
        if obs.initial_loss > 3 * expected:
            evidence.append(f"initial loss was {_g(obs.initial_loss)} (about {expected:.2f} expected for "
                            f"{facts.n_classes} classes)")
    if obs.saturated_frac and obs.saturated_frac > 0.3:
        evidence.append(f"{_pct(obs.saturated_frac)} of sigmoid/tanh outputs were saturated")
    evidence += [e for e in _divergence(obs) if "gradient" in e][:1]
    scale = "divide_255" if facts and facts.x and facts.x.integer_valued and 100 < (facts.x.max or 0) <= 255 \
        else "standardize"
    return evidence, {"kind": "unscaled_inputs", "suggested": scale}


def initialization(record: RunRecord, obs: Observations) -> tuple[list[str], dict]:
    facts = record.facts
    evidence = []
    bad = [layer for layer in (facts.layers if facts else []) if layer.kernel_initializer in ("zeros", "ones", "constant")]
    if bad:
        evidence.append(f"layer {bad[0].name} is initialized with {bad[0].kernel_initializer}")
    if obs.initial_weight_abs_max is not None and obs.initial_weight_abs_max > 5:
        evidence.append(f"initial weights reach {_g(obs.initial_weight_abs_max)}")
    if obs.initial_weight_std is not None and obs.initial_weight_std < 1e-6:
        evidence.append("all initial weights are equal (no symmetry breaking)")
    if obs.pred_const:
        evidence.append("the model predicts the same output for every sample")
    relu = any(layer.activation == "relu" for layer in (facts.layers if facts else []))
    return evidence + _slow(obs, facts), {"suggested": "he_normal" if relu else "glorot_uniform"}


# What an optimizer finding recommends: adaptive steps, robust to the learning rate's scale.
SUGGESTED_OPTIMIZER = "Adam"


def optimizer(record: RunRecord, obs: Observations) -> tuple[list[str], dict]:
    facts = record.facts
    evidence = []
    if facts is not None and facts.optimizer:
        evidence.append(f"{facts.optimizer} with learning rate {_g(facts.learning_rate)}")
    evidence += _slow(obs, facts) or _divergence(obs)
    return evidence, {"suggested": SUGGESTED_OPTIMIZER}


def layers(record: RunRecord, obs: Observations) -> tuple[list[str], dict]:
    facts = record.facts
    evidence, detail = [], {"kind": "missing_hidden"}
    if facts is not None:
        if facts.n_classes and facts.output_units not in (facts.n_classes, None) and not (
                facts.n_classes == 2 and facts.output_units == 1):
            evidence.append(f"the output layer has {facts.output_units} unit(s) for {facts.n_classes} classes")
            detail = {"kind": "output_units", "suggested_units": facts.n_classes}
        narrow = [layer for layer in static.hidden_layers(facts) if layer.units and layer.units <= 2]
        if narrow and detail["kind"] != "output_units":
            evidence.append(f"hidden layer {narrow[0].name} has only {narrow[0].units} unit(s)")
            detail = {"kind": "bottleneck", "suggested_units": 32}
    plateau = _plateau(obs)
    return evidence + _slow(obs, facts) + ([plateau] if plateau else []), detail


def _plateau(obs: Observations) -> str | None:
    """A loss that levelled off after a good start: what too small a network looks like (a learning
    rate too low or too few epochs look the other way: still falling at their early pace)."""
    early, late = obs.loss_drop_second_epoch, obs.loss_drop_last_epoch
    if early is None or late is None or early < 0.05 or late >= 0.2 * early:
        return None
    return (f"the training loss fell {_pct(early)} from epoch 1 to 2 but only {_pct(max(late, 0.0))} "
            f"in epoch {obs.epochs_run}: it levelled off early")


EXPLAINERS: dict[str, Callable[[RunRecord, Observations], tuple[list[str], dict]]] = {
    "optimizer": optimizer,
    "learning_rate": learning_rate,
    "loss": loss,
    "activation": activation,
    "epochs": epochs,
    "batch_size": batch_size,
    "preprocessing": preprocessing,
    "initialization": initialization,
    "layers": layers,
}


def explain(fault_type: str, record: RunRecord, obs: Observations) -> tuple[list[str], dict]:
    evidence, detail = EXPLAINERS[fault_type](record, obs)
    return [e for e in evidence if e][:4], detail

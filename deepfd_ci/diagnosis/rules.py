"""Explicit checks: configuration facts that are wrong whatever the run shows (UMLAUT-style static
checks), and AUTOTRAINER-style symptom rules that need a configuration fact and a runtime symptom
that agree.

They run next to the learned model (their faults are merged with its, one finding per type) and
alone with `--rules-only`. The learned model is trained on kill-tested mutants, where a short run
may not yet suffer from a wrong loss; a wrong loss for the task is still a bug worth a comment.
Every check here is tested to stay silent on the healthy seed programs.
"""

from __future__ import annotations

import math

from deepfd_ci.diagnosis.observations import LR_HIGH, LR_LOW, Observations, targets_unscaled
from deepfd_ci.features import static
from deepfd_ci.records import RunRecord

SLOW_OPTIMIZERS = {"adadelta", "adagrad", "ftrl"}
LR_DIVERGENT = 1e-3  # a blow-up with scaled inputs and at least this learning rate: the rate is to blame


def _converged(obs: Observations, record: RunRecord) -> bool:
    good = 0.9 if record.facts is None or record.facts.task != "regression" else 0.8
    return obs.best_acc is not None and obs.best_acc >= good


def predict(record: RunRecord, obs: Observations) -> dict[str, float]:
    """Fault type -> confidence for the faults these checks find in this run."""
    facts = record.facts
    s = obs.symptoms
    faults: dict[str, float] = {}
    if facts is None:
        return faults

    def add(fault_type: str, confidence: float) -> None:
        faults[fault_type] = max(confidence, faults.get(fault_type, 0.0))

    lr = facts.learning_rate
    optimizer = (facts.optimizer or "").lower()
    blew_up = s["loss_diverged"] or s["nan_loss"] or (s["exploding_gradient"] and not _converged(obs, record))
    converged = _converged(obs, record)

    # Configuration that is wrong whatever the run shows.
    if s["loss_task_mismatch"]:
        add("loss", 0.9)
    if s["activation_task_mismatch"]:
        probabilities_to_logits_loss = facts.from_logits and facts.last_activation in ("softmax", "sigmoid")
        add("loss" if probabilities_to_logits_loss else "activation", 0.85)
    if s["label_encoding_mismatch"]:
        add("preprocessing", 0.85)
    if lr is not None and (lr >= LR_HIGH.get(optimizer, LR_HIGH["default"]) * 10 or lr <= LR_LOW / 100):
        add("learning_rate", 0.9)
    hidden = static.hidden_layers(facts)
    if any(layer.kernel_initializer in ("zeros", "ones", "constant") for layer in hidden):
        add("initialization", 0.85)
    if (facts.task == "multiclass" and facts.n_classes and facts.output_units
            and facts.output_units != facts.n_classes):
        add("layers", 0.8)

    # A configuration fact confirmed by a symptom of the run.
    if s["unscaled_inputs"] and (blew_up or s["saturated_activations"] or not converged):
        add("preprocessing", 0.8)
    unscaled_targets = targets_unscaled(facts, obs)
    if unscaled_targets and (blew_up or not converged):
        add("preprocessing", 0.8)
    bad_init = (any(layer.kernel_initializer in ("zeros", "ones", "constant") for layer in facts.layers)
                or (obs.initial_weight_abs_max or 0.0) > 5)
    sane_start = obs.initial_loss is not None and (
        not facts.n_classes or facts.n_classes < 2 or obs.initial_loss <= 3 * math.log(facts.n_classes) + 1)
    if (lr is not None and blew_up and lr >= LR_DIVERGENT and sane_start and not bad_init
            and not s["unscaled_inputs"] and not unscaled_targets and not s["loss_task_mismatch"]):
        add("learning_rate", 0.85 if lr >= LR_HIGH.get(optimizer, LR_HIGH["default"]) else 0.75)
    if lr is not None and lr <= LR_LOW and not converged:
        add("learning_rate", 0.85)
    if s["vanishing_gradient"] and not converged and any(
            act in ("sigmoid", "tanh") for _layer, act in static.hidden_activations(facts)):
        add("activation", 0.75)
    if optimizer in SLOW_OPTIMIZERS and s["slow_convergence"] and not converged and "learning_rate" not in faults:
        add("optimizer", 0.7)
    requested = facts.epochs_requested
    if (requested is not None and requested <= 3 and not converged and obs.last_epoch_gain is not None
            and (obs.last_epoch_gain > 0.01 or (obs.loss_drop_last_epoch or 0) > 0.05) and not blew_up):
        add("epochs", 0.75)
    if (facts.batch_size and facts.n_samples and facts.batch_size >= facts.n_samples and not converged
            and not blew_up):
        add("batch_size", 0.7)
    if (obs.initial_weight_abs_max or 0) > 20 and (blew_up or not converged):
        add("initialization", 0.75)
    hidden_units = [layer.units for layer in hidden if layer.units]
    if hidden_units and min(hidden_units) <= 1 and (facts.n_classes or 0) > 2 and not converged:
        add("layers", 0.75)
    return faults

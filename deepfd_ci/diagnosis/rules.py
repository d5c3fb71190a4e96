"""Explicit symptom rules (AUTOTRAINER/UMLAUT-style thresholds).

Used when no learned model is available, and as a transparent baseline the model is compared
against. Conservative on purpose: each rule needs a configuration fact AND a runtime symptom that
agree, because a false alarm on correct code costs more than a missed fault.
"""

from __future__ import annotations

from deepfd_ci.diagnosis.observations import LR_HIGH, LR_LOW, Observations
from deepfd_ci.records import RunRecord

SLOW_OPTIMIZERS = {"adadelta", "adagrad", "ftrl"}


def _converged(obs: Observations, record: RunRecord) -> bool:
    good = 0.9 if record.facts is None or record.facts.task != "regression" else 0.8
    return obs.best_acc is not None and obs.best_acc >= good


def predict(record: RunRecord, obs: Observations) -> dict[str, float]:
    """Fault type -> confidence for the faults the rules find in this run."""
    facts = record.facts
    s = obs.symptoms
    faults: dict[str, float] = {}
    if facts is None:
        return faults
    lr = facts.learning_rate
    optimizer = (facts.optimizer or "").lower()
    blew_up = s["loss_diverged"] or s["exploding_gradient"] or s["nan_loss"]
    converged = _converged(obs, record)

    if s["unscaled_inputs"] and (blew_up or s["saturated_activations"] or not converged):
        faults["preprocessing"] = 0.8
    if s["label_encoding_mismatch"]:
        faults["preprocessing"] = 0.85
    if lr is not None and blew_up and lr >= LR_HIGH.get(optimizer, LR_HIGH["default"]) and "preprocessing" not in faults:
        faults["learning_rate"] = 0.9
    if lr is not None and lr <= LR_LOW and not converged:
        faults["learning_rate"] = 0.85
    if s["loss_task_mismatch"] and not converged:
        faults["loss"] = 0.85
    if s["activation_task_mismatch"] and not converged:
        faults["activation"] = 0.8
    if s["vanishing_gradient"] and not converged and any(
            layer.activation in ("sigmoid", "tanh") for layer in facts.layers[:-1]):
        faults["activation"] = 0.75
    if optimizer in SLOW_OPTIMIZERS and s["slow_convergence"] and not converged and "learning_rate" not in faults:
        faults["optimizer"] = 0.7
    requested = facts.epochs_requested
    if (requested is not None and requested <= 3 and not converged and obs.last_epoch_gain is not None
            and (obs.last_epoch_gain > 0.01 or (obs.loss_drop_last_epoch or 0) > 0.05) and not blew_up):
        faults["epochs"] = 0.75
    if (facts.batch_size and facts.n_samples and facts.batch_size >= facts.n_samples and not converged
            and not blew_up):
        faults["batch_size"] = 0.7
    if any(layer.kernel_initializer in ("zeros", "ones", "constant") for layer in facts.layers[:-1]) and not converged:
        faults["initialization"] = 0.8
    if (obs.initial_weight_abs_max or 0) > 20 and (blew_up or not converged):
        faults["initialization"] = 0.75
    if (facts.n_classes and facts.task == "multiclass" and facts.output_units
            and facts.output_units not in (facts.n_classes,) and not converged):
        faults["layers"] = 0.75
    return faults

"""Named observations of one run: the numbers that evidence sentences and symptom flags quote.

Both the rules and the learned model explain their faults with these, so a user always sees what
was measured ("loss rose from 2.30 to 9482 in epoch 1"), whichever diagnoser spoke.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from deepfd_ci.features import quantities, static
from deepfd_ci.records import RunRecord, StaticFacts

# Input scale above which a model without a normalizing layer is fed unscaled data. The max is
# only a last resort: standardized data can have rare large values (digits: 38 after scaling).
UNSCALED_ABSMAX = 1000.0
UNSCALED_STD = 5.0
UNSCALED_MEAN = 5.0
LR_HIGH = {"sgd": 1.0, "adadelta": 1.0, "adagrad": 1.0, "ftrl": 1.0, "default": 0.1}  # above: divergence expected
LR_LOW = 1e-5
TINY_BATCH = 4  # at or below: a batch-size fault is a batch too small (noisy steps)
FEW_UPDATES = 4  # updates per epoch at or below: a batch too large for the data
TARGET_SCALE = 10.0  # regression targets with a larger std or mean are worth standardizing


def targets_unscaled(facts: StaticFacts | None, obs: Observations) -> bool:
    """Regression targets far from unit scale, fed with scaled inputs (unscaled inputs are the first
    suspect): the loss and its gradients grow with the targets' square, so a blow-up or a stall
    points at the targets before the learning rate."""
    y = facts.y if facts is not None else None
    return bool(facts is not None and facts.task == "regression" and y is not None and y.std is not None
                and (y.std > TARGET_SCALE or abs(y.mean or 0.0) > TARGET_SCALE)
                and not obs.symptoms.get("unscaled_inputs"))


def batch_extreme(batch_size: int | None, n_samples: int | None) -> bool | None:
    """Whether the batch is too small or too large for the data (None: not known for this input)."""
    if not batch_size or not n_samples:
        return None
    return batch_size <= TINY_BATCH or math.ceil(n_samples / batch_size) <= FEW_UPDATES


@dataclass
class Observations:
    epochs_run: int = 0
    epochs_requested: int | None = None
    initial_loss: float | None = None
    final_loss: float | None = None
    peak_loss: float | None = None
    peak_epoch: int | None = None
    nonfinite_epoch: int | None = None  # first epoch whose loss was NaN/Inf
    initial_acc: float | None = None
    final_acc: float | None = None
    best_acc: float | None = None
    final_val_acc: float | None = None
    last_epoch_gain: float | None = None  # acc gain in the last observed epoch
    loss_drop_last_epoch: float | None = None  # relative loss decrease in the last epoch
    loss_drop_second_epoch: float | None = None  # relative loss decrease from epoch 1 to epoch 2
    chance_acc: float | None = None
    grad_norm_max: float | None = None
    grad_norm_max_epoch: int | None = None
    nonfinite_grad_steps: int = 0
    steps: int = 0
    zero_grad_frac_max: float | None = None
    zero_grad_epoch: int | None = None
    grad_ratio_min: float | None = None  # first/last kernel gradient norm
    grad_ratio_max: float | None = None
    weight_abs_max: float | None = None
    initial_weight_abs_max: float | None = None
    initial_weight_std: float | None = None
    update_ratio_min: float | None = None
    dead_relu_frac: float | None = None
    saturated_frac: float | None = None
    pred_const: bool = False
    x_absmax: float | None = None
    x_std: float | None = None
    x_mean: float | None = None
    has_input_normalization: bool = False
    symptoms: dict[str, bool] = field(default_factory=dict)


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _relative_drop(before: float | None, after: float | None) -> float | None:
    """How much a loss fell from `before` to `after`, as a fraction of `before`."""
    if not (_finite(before) and _finite(after)) or not before:
        return None
    return (before - after) / abs(before)


def observe(record: RunRecord) -> Observations:
    obs = Observations()
    facts = record.facts
    checks = record.checks
    initial = checks[0] if checks and checks[0].epoch == 0 else None
    trained = [c for c in checks if c.epoch > 0]
    obs.epochs_run = len(trained)
    obs.epochs_requested = facts.epochs_requested if facts else None
    if initial is not None:
        obs.initial_loss = initial.loss
        obs.initial_acc = initial.acc
        obs.initial_weight_abs_max = initial.weight_abs_max
        obs.initial_weight_std = initial.weight_std
    if trained:
        last = trained[-1]
        obs.final_loss = last.loss
        obs.final_acc = last.acc
        obs.final_val_acc = last.val_acc
        accs = [c.acc for c in trained if _finite(c.acc)]
        obs.best_acc = max(accs) if accs else None
        if len(trained) >= 2 and _finite(last.acc) and _finite(trained[-2].acc):
            obs.last_epoch_gain = last.acc - trained[-2].acc
        elif len(trained) == 1 and initial is not None and _finite(last.acc) and _finite(initial.acc):
            obs.last_epoch_gain = last.acc - initial.acc
        previous_loss = trained[-2].loss if len(trained) >= 2 else (initial.loss if initial else None)
        obs.loss_drop_last_epoch = _relative_drop(previous_loss, last.loss)
        if len(trained) >= 3:
            obs.loss_drop_second_epoch = _relative_drop(trained[0].loss, trained[1].loss)
        peaks = [(c.batch_loss_max, c.epoch) for c in trained if _finite(c.batch_loss_max)]
        if peaks:
            obs.peak_loss, obs.peak_epoch = max(peaks)
        for i, c in enumerate(checks):
            if c.epoch > 0 and quantities.nonfinite(record, i, "loss"):
                obs.nonfinite_epoch = c.epoch
                break
        grads = [(c.grad_norm_max, c.epoch) for c in trained if _finite(c.grad_norm_max)]
        if grads:
            obs.grad_norm_max, obs.grad_norm_max_epoch = max(grads)
        obs.nonfinite_grad_steps = sum(c.grad_nonfinite_steps for c in trained)
        obs.steps = sum(c.steps for c in trained)
        zeros = [(c.grad_zero_frac_mean, c.epoch) for c in trained if _finite(c.grad_zero_frac_mean)]
        if zeros:
            obs.zero_grad_frac_max, obs.zero_grad_epoch = max(zeros)
        ratios = [quantities.grad_ratio(record, c) for c in trained]
        ratios = [r for r in ratios if math.isfinite(r)]
        if ratios:
            obs.grad_ratio_min, obs.grad_ratio_max = min(ratios), max(ratios)
        weights = [c.weight_abs_max for c in trained if _finite(c.weight_abs_max)]
        obs.weight_abs_max = max(weights) if weights else None
        updates = [c.update_ratio for c in trained if _finite(c.update_ratio)]
        obs.update_ratio_min = min(updates) if updates else None
        obs.dead_relu_frac = last.dead_relu_frac
        obs.saturated_frac = last.saturated_frac
        obs.pred_const = bool(last.pred_const)
    if facts is not None:
        if facts.n_classes:
            obs.chance_acc = 1.0 / facts.n_classes
        if facts.x is not None and facts.x.min is not None:
            obs.x_absmax = max(abs(facts.x.min), abs(facts.x.max or 0.0))
            obs.x_std = facts.x.std
            obs.x_mean = facts.x.mean
        obs.has_input_normalization = bool(static.encode(facts)["has_input_normalization"])
    obs.symptoms = _symptoms(record, obs)
    return obs


def _symptoms(record: RunRecord, obs: Observations) -> dict[str, bool]:
    """AUTOTRAINER-style symptoms of the run (the `symptoms` object of the JSON contract)."""
    table = quantities.rows(record)

    def any_flag(name: str) -> bool:
        return any(row[name] >= 1.0 for row in table)

    facts = record.facts
    diverged = obs.nonfinite_epoch is not None or (
        _finite(obs.peak_loss) and _finite(obs.initial_loss) and obs.initial_loss
        and obs.peak_loss > 10 * obs.initial_loss)
    return {
        "nan_loss": any_flag("nan_loss"),
        "loss_diverged": bool(diverged),
        "exploding_gradient": any_flag("explode_gradient") or obs.nonfinite_grad_steps > 0
        or (_finite(obs.grad_norm_max) and obs.grad_norm_max > 1e3),
        "vanishing_gradient": any_flag("vanish_gradient"),
        "dying_relu": any_flag("died_relu"),
        "saturated_activations": (obs.saturated_frac or 0.0) > 0.5,
        "not_converged": bool(table) and table[-1]["not_converge"] >= 1.0,
        "slow_convergence": bool(table) and table[-1]["sc_accuracy"] >= 1.0,
        "oscillating": any_flag("unstable_loss"),
        "overfitting": any_flag("test_not_well") or any_flag("test_turn_bad"),
        "weights_barely_change": any_flag("weight_change_little"),
        "large_weights": any_flag("large_weight"),
        "constant_predictions": obs.pred_const,
        "unscaled_inputs": bool(
            facts is not None and not obs.has_input_normalization and not static.embedding_input(facts)
            and _finite(obs.x_absmax)
            and (obs.x_absmax > UNSCALED_ABSMAX or (obs.x_std or 0.0) > UNSCALED_STD
                 or abs(obs.x_mean or 0.0) > UNSCALED_MEAN)),
        "loss_task_mismatch": bool(facts and static.loss_task_mismatch(facts)),
        "activation_task_mismatch": bool(facts and static.activation_task_mismatch(facts)),
        "label_encoding_mismatch": bool(facts and static.label_encoding_mismatch(facts)),
    }

"""The monitored quantities, one row per training check (epoch), from a RunRecord.

DeepFD's 22 (inherited from AUTOTRAINER, thresholds in reference/deepfd.md) are computed here
correctly: validation flags work whenever validation data exists and `weight_change_little` is
computed. Each is a pure function of the checks so it can be tested to move under its fault.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from deepfd_ci.records import Check, RunRecord

# The 18 per-check flags/counters DeepFD reduces with 8 statistics, in DeepFD's order.
DEEPFD_FLAGS: tuple[str, ...] = (
    "not_converge",
    "unstable_loss",
    "nan_loss",
    "test_not_well",
    "test_turn_bad",
    "sc_accuracy",
    "died_relu",
    "vanish_gradient",
    "explode_gradient",
    "nan_gradient",
    "large_weight",
    "nan_weight",
    "weight_change_little",
    "decrease_acc",
    "increase_loss",
    "cons_mean_weight",
    "cons_std_weight",
    "nan_acc",
)
# DeepFD's four metric columns (final values enter the vector directly).
DEEPFD_METRICS: tuple[str, ...] = ("loss", "acc", "val_loss", "val_acc")

# Our extra per-check columns (continuous, log scale where the range spans decades).
EXTRA_COLUMNS: tuple[str, ...] = (
    "log_grad_norm",
    "log_grad_norm_max",
    "log_grad_ratio_first_last",
    "grad_zero_frac",
    "log_weight_abs_max",
    "log_update_ratio",
    "dead_relu_frac",
    "saturated_frac",
    "log_loss_spike",
    "loss_rel_initial",
    "acc_gain",
)

# AUTOTRAINER thresholds (reference/deepfd.md).
NOT_CONVERGE_ACC = 0.6
OSCILLATION_AMPLITUDE = 0.03
OSCILLATION_RATIO = 0.2
SLOW_GAIN = 0.01
NAN_VAL_LOSS = 1e5
GAP = 0.1
GAP_HIGH_ACC = 0.07
DEAD_RELU = 0.7
VANISH_RATIO, VANISH_FIRST = 1e-3, 1e-4
EXPLODE_RATIO = 70.0
LARGE_WEIGHT = 5.0
LITTLE_UPDATE = 1e-3  # relative weight change over a whole epoch
CONSTANT_RELATIVE = 1e-4


def _f(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def _log10(value: float | None) -> float:
    if value is None or not math.isfinite(value):
        return float("nan")
    return math.log10(max(abs(value), 1e-30))


def nonfinite(record: RunRecord, index: int, name: str) -> bool:
    return f"checks[{index}].{name}" in record.nonfinite_fields


def kernel_indices(record: RunRecord) -> list[int]:
    """Positions of kernel (not bias) variables in the gradient vectors, first layer first."""
    names: list[str] = []
    if record.facts:
        for layer in record.facts.layers:
            names.extend(layer.variables)
    picked = [i for i, name in enumerate(names) if name.rsplit("/", 1)[-1] in ("kernel", "embeddings", "depthwise_kernel")]
    return picked


def grad_ratio(record: RunRecord, check: Check) -> float:
    """||g_first_kernel|| / ||g_last_kernel||, over the epoch's mean per-variable norms."""
    norms = check.layer_grad_norm_mean
    if not norms:
        return float("nan")
    kernels = [i for i in kernel_indices(record) if i < len(norms)] or list(range(len(norms)))
    first, last = norms[kernels[0]], norms[kernels[-1]]
    if first is None or last is None or len(kernels) < 2:
        return float("nan")
    return first / last if last > 0 else (float("inf") if first > 0 else float("nan"))


def _oscillation_ratio(values: list[float]) -> float:
    vals = [v for v in values if math.isfinite(v)]
    if len(vals) < 3:
        return 0.0
    turns = 0
    for a, b, c in zip(vals, vals[1:], vals[2:]):
        if (b - a) * (c - b) < 0 and max(abs(b - a), abs(c - b)) >= OSCILLATION_AMPLITUDE:
            turns += 1
    return turns / (len(vals) - 2)


def rows(record: RunRecord) -> list[dict[str, float]]:
    """One dict of all columns per training check (epoch >= 1)."""
    checks = record.checks
    out: list[dict[str, float]] = []
    initial = checks[0] if checks and checks[0].epoch == 0 else None
    for i, check in enumerate(checks):
        if check.epoch == 0:
            continue
        previous = checks[i - 1] if i > 0 else None
        history = [_f(c.acc) for c in checks[: i + 1]]
        row = {name: fn(record, i, check, previous, history) for name, fn in _FLAG_FUNCTIONS.items()}
        row.update(
            loss=float("inf") if nonfinite(record, i, "loss") else _f(check.loss),
            acc=_f(check.acc),
            val_loss=float("inf") if nonfinite(record, i, "val_loss") else _f(check.val_loss),
            val_acc=_f(check.val_acc),
        )
        row.update(_extras(record, i, check, initial))
        out.append(row)
    return out


# ------------------------------------------------------------------------------------------
# DeepFD flags. Signature: (record, index, check, previous check, acc history incl. this one).
# ------------------------------------------------------------------------------------------
Flag = Callable[[RunRecord, int, Check, "Check | None", list[float]], float]


def _not_converge(r: RunRecord, i: int, c: Check, p: Check | None, h: list[float]) -> float:
    finite = [v for v in h if math.isfinite(v)]
    return float(not finite or max(finite) < NOT_CONVERGE_ACC)


def _unstable_loss(r: RunRecord, i: int, c: Check, p: Check | None, h: list[float]) -> float:
    return float(_oscillation_ratio(h) >= OSCILLATION_RATIO)


def _nan_loss(r: RunRecord, i: int, c: Check, p: Check | None, h: list[float]) -> float:
    bad = nonfinite(r, i, "loss") or nonfinite(r, i, "val_loss")
    return float(bad or (c.val_loss is not None and c.val_loss >= NAN_VAL_LOSS))


def _test_not_well(r: RunRecord, i: int, c: Check, p: Check | None, h: list[float]) -> float:
    if c.acc is None or c.val_acc is None:
        return 0.0
    gap = c.acc - c.val_acc
    return float(gap >= (GAP_HIGH_ACC if c.acc > 0.9 else GAP))


def _test_turn_bad(r: RunRecord, i: int, c: Check, p: Check | None, h: list[float]) -> float:
    if p is None or None in (c.val_loss, p.val_loss, c.loss, p.loss):
        return 0.0
    return float(c.val_loss > p.val_loss and c.loss < p.loss)


def _sc_accuracy(r: RunRecord, i: int, c: Check, p: Check | None, h: list[float]) -> float:
    gains = [b - a for a, b in zip(h, h[1:]) if math.isfinite(a) and math.isfinite(b)]
    return float(not gains or max(gains) < SLOW_GAIN)


def _died_relu(r: RunRecord, i: int, c: Check, p: Check | None, h: list[float]) -> float:
    return float((c.grad_zero_frac_mean or 0.0) >= DEAD_RELU)


def _vanish_gradient(r: RunRecord, i: int, c: Check, p: Check | None, h: list[float]) -> float:
    ratio = grad_ratio(r, c)
    kernels = [k for k in kernel_indices(r) if k < len(c.layer_grad_norm_mean)]
    first = c.layer_grad_norm_mean[kernels[0]] if kernels else None
    return float(math.isfinite(ratio) and ratio < VANISH_RATIO and first is not None and first < VANISH_FIRST)


def _explode_gradient(r: RunRecord, i: int, c: Check, p: Check | None, h: list[float]) -> float:
    ratio = grad_ratio(r, c)
    return float(ratio > EXPLODE_RATIO) if not math.isnan(ratio) else 0.0


def _nan_gradient(r: RunRecord, i: int, c: Check, p: Check | None, h: list[float]) -> float:
    return float(c.grad_nonfinite_steps > 0)


def _large_weight(r: RunRecord, i: int, c: Check, p: Check | None, h: list[float]) -> float:
    return float((c.weight_abs_max or 0.0) > LARGE_WEIGHT)


def _nan_weight(r: RunRecord, i: int, c: Check, p: Check | None, h: list[float]) -> float:
    return float(c.weight_nonfinite)


def _weight_change_little(r: RunRecord, i: int, c: Check, p: Check | None, h: list[float]) -> float:
    return float(c.update_ratio is not None and c.update_ratio < LITTLE_UPDATE)


def _decrease_acc(r: RunRecord, i: int, c: Check, p: Check | None, h: list[float]) -> float:
    return float(len(h) >= 2 and math.isfinite(h[-1]) and math.isfinite(h[-2]) and h[-1] < h[-2])


def _increase_loss(r: RunRecord, i: int, c: Check, p: Check | None, h: list[float]) -> float:
    if nonfinite(r, i, "loss"):
        return 1.0
    if p is None or c.loss is None or p.loss is None:
        return 0.0
    return float(c.loss > p.loss)


def _constant(now: float | None, before: float | None, scale: float | None) -> float:
    if now is None or before is None:
        return 0.0
    return float(abs(now - before) <= CONSTANT_RELATIVE * max(abs(scale or 0.0), 1e-12))


def _cons_mean_weight(r: RunRecord, i: int, c: Check, p: Check | None, h: list[float]) -> float:
    return _constant(c.weight_mean, p.weight_mean if p else None, c.weight_std)


def _cons_std_weight(r: RunRecord, i: int, c: Check, p: Check | None, h: list[float]) -> float:
    return _constant(c.weight_std, p.weight_std if p else None, c.weight_std)


def _nan_acc(r: RunRecord, i: int, c: Check, p: Check | None, h: list[float]) -> float:
    return float(c.pred_nonfinite or nonfinite(r, i, "acc"))


_FLAG_FUNCTIONS: dict[str, Flag] = {
    "not_converge": _not_converge,
    "unstable_loss": _unstable_loss,
    "nan_loss": _nan_loss,
    "test_not_well": _test_not_well,
    "test_turn_bad": _test_turn_bad,
    "sc_accuracy": _sc_accuracy,
    "died_relu": _died_relu,
    "vanish_gradient": _vanish_gradient,
    "explode_gradient": _explode_gradient,
    "nan_gradient": _nan_gradient,
    "large_weight": _large_weight,
    "nan_weight": _nan_weight,
    "weight_change_little": _weight_change_little,
    "decrease_acc": _decrease_acc,
    "increase_loss": _increase_loss,
    "cons_mean_weight": _cons_mean_weight,
    "cons_std_weight": _cons_std_weight,
    "nan_acc": _nan_acc,
}
assert tuple(_FLAG_FUNCTIONS) == DEEPFD_FLAGS


def _extras(record: RunRecord, i: int, c: Check, initial: Check | None) -> dict[str, float]:
    loss0 = initial.loss if initial else None
    spike = float("nan")
    if c.batch_loss_max is not None and c.batch_loss_first is not None and c.batch_loss_first > 0:
        spike = _log10(c.batch_loss_max / c.batch_loss_first)
    rel = float("nan")
    if c.loss is not None and loss0:
        rel = c.loss / loss0
    elif nonfinite(record, i, "loss"):
        rel = float("inf")
    return {
        "log_grad_norm": _log10(c.grad_norm_mean),
        "log_grad_norm_max": _log10(c.grad_norm_max),
        "log_grad_ratio_first_last": _log10(grad_ratio(record, c)),
        "grad_zero_frac": _f(c.grad_zero_frac_mean),
        "log_weight_abs_max": _log10(c.weight_abs_max),
        "log_update_ratio": _log10(c.update_ratio),
        "dead_relu_frac": _f(c.dead_relu_frac),
        "saturated_frac": _f(c.saturated_frac),
        "log_loss_spike": spike,
        "loss_rel_initial": rel,
        "acc_gain": _f(c.acc) - _f(initial.acc if initial else None),
    }

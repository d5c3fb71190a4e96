"""The features stage: one fixed-length, named, versioned vector per RunRecord.

Layout: DeepFD's 148 (4 final metrics + 18 per-check flags x 8 statistics), our per-check
columns x 5 statistics, whole-run trajectory features, and static configuration features.
Names are defined here once; `SCHEMA_VERSION` changes whenever names or meanings change, and a
model trained on another version is refused.
"""

from __future__ import annotations

import math

import numpy as np

from deepfd_ci.features import quantities, static
from deepfd_ci.records import RunRecord

SCHEMA_VERSION = "deepfd-ci/features/v1"

DEEPFD_STATS = ("mean", "std", "skew", "median", "var", "sem", "max", "min")
EXTRA_STATS = ("mean", "max", "min", "first", "last")
TRAJECTORY = (
    "epochs_run",
    "log_initial_loss",
    "initial_loss_over_ln_classes",
    "acc_initial",
    "acc_final",
    "acc_max",
    "val_acc_final",
    "acc_gain_final",
    "loss_log_slope",
    "loss_final_over_initial",
    "log_loss_peak_over_initial",
    "nonfinite_loss",
    "nonfinite_first_epoch_frac",
    "nonfinite_grad_frac",
    "pred_const_final",
    "pred_const_frac",
    "pred_nonfinite_final",
    "log_initial_weight_abs_max",
    "log_initial_weight_std",
    "initial_dead_relu_frac",
    "initial_saturated_frac",
    "log_grad_norm_first_epoch",
    "log_update_ratio_first_epoch",
    "gradient_fallback",
)


def _names() -> list[str]:
    names = [f"final_{m}" for m in quantities.DEEPFD_METRICS]
    names += [f"{flag}__{stat}" for flag in quantities.DEEPFD_FLAGS for stat in DEEPFD_STATS]
    names += [f"{col}__{stat}" for col in quantities.EXTRA_COLUMNS for stat in EXTRA_STATS]
    names += list(TRAJECTORY)
    names += [f"static_{n}" for n in static.names()]
    return names


FEATURE_NAMES: tuple[str, ...] = tuple(_names())
N_DEEPFD = 4 + len(quantities.DEEPFD_FLAGS) * len(DEEPFD_STATS)  # 148, DeepFD's vector


def _deepfd_stats(values: list[float]) -> dict[str, float]:
    arr = np.asarray(values, dtype=np.float64)
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return {s: float("nan") for s in DEEPFD_STATS}
    std = float(arr.std())
    skew = float(np.mean(((arr - arr.mean()) / std) ** 3)) if std > 0 else 0.0
    sem = float(arr.std(ddof=1) / math.sqrt(arr.size)) if arr.size > 1 else 0.0
    return {
        "mean": float(arr.mean()),
        "std": std,
        "skew": skew,
        "median": float(np.median(arr)),
        "var": std**2,
        "sem": sem,
        "max": float(arr.max()),
        "min": float(arr.min()),
    }


def _extra_stats(values: list[float]) -> dict[str, float]:
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        # Keep +inf (e.g. loss blew up) distinguishable from "not measured".
        fill = float("inf") if any(v == float("inf") for v in values) else float("nan")
        return {s: fill for s in EXTRA_STATS}
    return {"mean": float(np.mean(finite)), "max": max(finite), "min": min(finite),
            "first": finite[0], "last": finite[-1]}


def _safe_log10(value: float | None) -> float:
    if value is None or not math.isfinite(value) or value <= 0:
        return float("nan")
    return math.log10(value)


def _trajectory(record: RunRecord, table: list[dict[str, float]]) -> dict[str, float]:
    checks = record.checks
    initial = checks[0] if checks and checks[0].epoch == 0 else None
    trained = [c for c in checks if c.epoch > 0]
    last = trained[-1] if trained else None
    loss0 = initial.loss if initial else None
    n_classes = record.facts.n_classes if record.facts else None
    accs = [row["acc"] for row in table if math.isfinite(row["acc"])]
    losses = [row["loss"] for row in table]
    finite_losses = [v for v in losses if math.isfinite(v) and v > 0]
    slope = float("nan")
    if len(finite_losses) >= 2:
        slope = float(np.polyfit(np.arange(len(finite_losses)), np.log10(finite_losses), 1)[0])
    nonfinite_epochs = [i for i, v in enumerate(losses) if not math.isfinite(v) and not math.isnan(v)]
    peaks = [c.batch_loss_max for c in trained if c.batch_loss_max is not None]
    steps = sum(c.steps for c in trained)
    first = trained[0] if trained else None
    return {
        "epochs_run": float(len(trained)),
        "log_initial_loss": _safe_log10(loss0),
        "initial_loss_over_ln_classes": (loss0 / math.log(n_classes)) if loss0 is not None and n_classes and n_classes > 1 else float("nan"),
        "acc_initial": float("nan") if initial is None or initial.acc is None else initial.acc,
        "acc_final": accs[-1] if accs else float("nan"),
        "acc_max": max(accs) if accs else float("nan"),
        "val_acc_final": float("nan") if last is None or last.val_acc is None else last.val_acc,
        "acc_gain_final": table[-1]["acc_gain"] if table else float("nan"),
        "loss_log_slope": slope,
        "loss_final_over_initial": table[-1]["loss_rel_initial"] if table else float("nan"),
        "log_loss_peak_over_initial": _safe_log10(max(peaks) / loss0) if peaks and loss0 and loss0 > 0 else float("nan"),
        "nonfinite_loss": float(bool(nonfinite_epochs)),
        "nonfinite_first_epoch_frac": (nonfinite_epochs[0] + 1) / len(losses) if nonfinite_epochs else 0.0,
        "nonfinite_grad_frac": (sum(c.grad_nonfinite_steps for c in trained) / steps) if steps else 0.0,
        "pred_const_final": float(bool(last and last.pred_const)),
        "pred_const_frac": (sum(bool(c.pred_const) for c in trained) / len(trained)) if trained else float("nan"),
        "pred_nonfinite_final": float(bool(last and last.pred_nonfinite)),
        "log_initial_weight_abs_max": _safe_log10(initial.weight_abs_max if initial else None),
        "log_initial_weight_std": _safe_log10(initial.weight_std if initial else None),
        "initial_dead_relu_frac": float("nan") if initial is None or initial.dead_relu_frac is None else initial.dead_relu_frac,
        "initial_saturated_frac": float("nan") if initial is None or initial.saturated_frac is None else initial.saturated_frac,
        "log_grad_norm_first_epoch": _safe_log10(first.grad_norm_mean if first else None),
        "log_update_ratio_first_epoch": _safe_log10(first.update_ratio if first else None),
        "gradient_fallback": float(record.run.gradient_source == "fixed_batch"),
    }


def extract(record: RunRecord) -> dict[str, float]:
    """Feature name -> value, in FEATURE_NAMES order. NaN means 'not measured in this run'."""
    table = quantities.rows(record)
    out: dict[str, float] = {}
    final = table[-1] if table else {}
    for metric in quantities.DEEPFD_METRICS:
        out[f"final_{metric}"] = final.get(metric, float("nan"))
    for flag in quantities.DEEPFD_FLAGS:
        for stat, value in _deepfd_stats([row[flag] for row in table]).items():
            out[f"{flag}__{stat}"] = value
    for col in quantities.EXTRA_COLUMNS:
        for stat, value in _extra_stats([row[col] for row in table]).items():
            out[f"{col}__{stat}"] = value
    out.update(_trajectory(record, table))
    facts = record.facts
    if facts is not None:
        out.update({f"static_{k}": v for k, v in static.encode(facts).items()})
    ordered = {name: float(out.get(name, float("nan"))) for name in FEATURE_NAMES}
    return ordered


def model_input(values: np.ndarray) -> np.ndarray:
    """Feature values as classifiers take them: +/-inf (a blown-up loss) becomes a large finite
    value; NaN stays NaN ('not measured', which the tree models handle natively)."""
    values = np.asarray(values, dtype=np.float64)
    return np.where(np.isinf(values), np.sign(values) * 1e6, values)


def vector(record: RunRecord) -> np.ndarray:
    return model_input(np.array(list(extract(record).values()), dtype=np.float64))

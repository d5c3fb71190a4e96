"""What to change a faulty setting to: the diagnosis' hint when it gives one, else the run's facts.

Returned values are plain Python values; locators turn them into source text.
"""

from __future__ import annotations

from typing import Any

from deepfd_ci.records import Fault, StaticFacts

# Learning rates that train well for each optimizer family (Keras defaults, SGD's a bit higher).
_DEFAULT_LR = {"SGD": 1e-2}
_ADAPTIVE_LR = 1e-3


def learning_rate(fault: Fault, facts: StaticFacts | None, optimizer: str | None) -> float:
    if isinstance(fault.detail.get("suggested"), (int, float)):
        return float(fault.detail["suggested"])
    name = optimizer or (facts.optimizer if facts else None)
    return _DEFAULT_LR.get(name or "", _ADAPTIVE_LR)


def optimizer(fault: Fault) -> str:
    suggested = fault.detail.get("suggested")
    return suggested if isinstance(suggested, str) and suggested else "Adam"


def loss(fault: Fault, facts: StaticFacts | None, last_activation: str | None) -> str | None:
    """The loss that fits the labels and output: from the hint, the task, or the output layer."""
    suggested = fault.detail.get("suggested")
    if isinstance(suggested, str) and suggested:
        return suggested
    task = facts.task if facts else "unknown"
    if task == "multiclass":
        if facts.labels_one_hot is None:
            return None
        return "categorical_crossentropy" if facts.labels_one_hot else "sparse_categorical_crossentropy"
    if task in ("binary", "multilabel"):
        return "binary_crossentropy"
    if task == "regression":
        return "mean_squared_error"
    if last_activation == "sigmoid":
        return "binary_crossentropy"
    return None  # a softmax/linear output alone does not say which labels the script has


def last_activation(fault: Fault, facts: StaticFacts | None, loss_name: str | None) -> str | None:
    suggested = fault.detail.get("suggested")
    if isinstance(suggested, str) and suggested:
        return suggested
    task = facts.task if facts else "unknown"
    units = facts.output_units if facts else None
    if task == "multiclass":
        return "softmax"
    if task in ("binary", "multilabel"):
        return "softmax" if task == "binary" and units and units > 1 else "sigmoid"
    if task == "regression":
        return "linear"
    if loss_name in ("categorical_crossentropy", "sparse_categorical_crossentropy"):
        return "softmax"
    if loss_name == "binary_crossentropy":
        return "sigmoid"
    if loss_name in ("mean_squared_error", "mean_absolute_error"):
        return "linear"
    return None


def hidden_activation(fault: Fault) -> str:
    suggested = fault.detail.get("suggested")
    return suggested if isinstance(suggested, str) and suggested else "relu"


def epochs(fault: Fault, facts: StaticFacts | None, current: Any) -> int:
    if isinstance(fault.detail.get("suggested"), int):
        return int(fault.detail["suggested"])
    now = current if isinstance(current, int) else (facts.epochs_requested if facts else None)
    return max(10 * (now or 1), 20)


def batch_size(fault: Fault, facts: StaticFacts | None) -> int:
    if isinstance(fault.detail.get("suggested"), int):
        return int(fault.detail["suggested"])
    return 32


def initializer(fault: Fault, activation: str | None) -> str:
    suggested = fault.detail.get("suggested")
    if isinstance(suggested, str) and suggested:
        return suggested
    return "he_normal" if activation in ("relu", "leaky_relu", "elu", "selu") else "glorot_uniform"


def preprocessing(fault: Fault, facts: StaticFacts | None) -> tuple[str, str]:
    """(kind, suggested): what is wrong with the data and the encoding/scaling that fixes it."""
    kind = fault.detail.get("kind")
    suggested = fault.detail.get("suggested")
    if kind not in ("unscaled_inputs", "unscaled_targets", "labels_encoding"):
        x = facts.x if facts else None
        scaled = x is not None and x.max is not None and max(abs(x.max), abs(x.min or 0.0)) <= 1.5
        kind = "labels_encoding" if scaled else "unscaled_inputs"
    if isinstance(suggested, str) and suggested:
        return kind, suggested
    if kind == "labels_encoding":
        wants_sparse = facts is not None and (facts.loss or "").startswith("sparse")
        return kind, "sparse" if wants_sparse else "one_hot"
    x = facts.x if facts else None
    if x is not None and x.integer_valued and x.min is not None and x.min >= 0 and (x.max or 0) > 16:
        return kind, "divide_255"
    return kind, "standardize"


def layers(fault: Fault, facts: StaticFacts | None) -> tuple[str, int]:
    """(kind, units): which layer problem, and the units of the layer to add or the output width."""
    kind = fault.detail.get("kind")
    units = fault.detail.get("suggested_units")
    if kind not in ("missing_hidden", "output_units", "extra_layer", "bottleneck"):
        expected = _expected_output_units(facts)
        if facts and expected is not None and facts.output_units not in (None, expected):
            kind = "output_units"
        else:
            kind = "missing_hidden"
    if isinstance(units, int) and units > 0:
        return kind, units
    if kind == "output_units":
        return kind, _expected_output_units(facts) or 1
    return kind, 32 if kind == "bottleneck" else 64


def _expected_output_units(facts: StaticFacts | None) -> int | None:
    if facts is None:
        return None
    if facts.task == "multiclass" and facts.n_classes:
        return facts.n_classes
    if facts.task == "binary":
        return 1 if (facts.output_units or 1) == 1 else 2
    if facts.task == "regression" and facts.y is not None:
        return facts.y.shape[-1] if len(facts.y.shape) > 1 else 1
    return None

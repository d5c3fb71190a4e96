"""Plain records that cross stage boundaries (probe -> features -> diagnosis -> localization -> findings).

Every stage takes and returns these dataclasses (or plain dicts made from them), so a stage can be
tested, replaced or run in another process without knowing how its neighbours work.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Literal

# The fault taxonomy (DESIGN.md). The first five are DeepFD's labels.
FAULT_TYPES: tuple[str, ...] = (
    "optimizer",
    "learning_rate",
    "loss",
    "activation",
    "epochs",
    "batch_size",
    "preprocessing",
    "initialization",
    "layers",
)
DEEPFD_FAULT_TYPES: tuple[str, ...] = FAULT_TYPES[:5]

Status = Literal["ok", "invalid", "crashed", "timeout", "no_training"]
STATUSES: tuple[str, ...] = ("ok", "invalid", "crashed", "timeout", "no_training")

REPORT_SCHEMA = "deepfd-ci/diagnosis/v1"

KERAS_DEFAULT_BATCH = 32  # what `fit` uses for arrays and tensors when no batch_size is given
# Inputs held in memory as arrays (numpy, tf.Tensor, dicts of them): the probe reads them whole, and
# `fit` batches them itself. The other kinds (tf.data, generators, PyDataset) make their own batches.
ARRAY_INPUT_KINDS = ("numpy", "tensor", "dict")


# ---------------------------------------------------------------------------------------------
# Probe output: what one instrumented run observed.
# ---------------------------------------------------------------------------------------------


@dataclass
class ArrayStats:
    """Value range of an array given to `fit` (x or y), computed on the real data."""

    shape: list[int]
    dtype: str
    min: float | None = None
    max: float | None = None
    mean: float | None = None
    std: float | None = None
    # Number of distinct values (capped), used to tell class labels from regression targets.
    n_unique: int | None = None
    integer_valued: bool | None = None
    # True when each row is one-hot (exactly one 1, rest 0).
    one_hot: bool | None = None


@dataclass
class LayerInfo:
    """One layer of the trained model as Keras reports it after `fit` builds it."""

    name: str
    class_name: str
    activation: str | None = None
    units: int | None = None
    kernel_initializer: str | None = None
    params: int = 0
    # Names of trainable variables (`layer/kernel`...) in the order the gradient tap reports them.
    variables: list[str] = field(default_factory=list)


@dataclass
class StaticFacts:
    """What the run's configuration was, read from the live objects at the first `fit` call."""

    training_api: Literal["fit", "custom_loop"] = "fit"
    epochs_requested: int | None = None
    batch_size: int | None = None
    steps_per_epoch: int | None = None
    n_samples: int | None = None
    input_kind: str | None = None  # numpy | tensor | dict | tf.data | generator | py_dataset
    has_validation: bool = False
    optimizer: str | None = None  # class name, e.g. "SGD"
    learning_rate: float | None = None
    momentum: float | None = None
    clipnorm: float | None = None
    loss: str | None = None  # canonical name, e.g. "categorical_crossentropy"
    from_logits: bool | None = None
    metrics: list[str] = field(default_factory=list)
    layers: list[LayerInfo] = field(default_factory=list)
    last_activation: str | None = None
    output_units: int | None = None
    model_kind: str | None = None  # sequential | functional | subclassed
    n_outputs: int = 1
    x: ArrayStats | None = None
    y: ArrayStats | None = None
    task: str = "unknown"  # binary | multiclass | multilabel | regression | unknown
    n_classes: int | None = None
    labels_one_hot: bool | None = None

    @property
    def batch_size_used(self) -> int | None:
        """The batch `fit` trains with: the one requested, else Keras' default for arrays and tensors
        (numpy, tf.Tensor, dicts of them); None when the data makes its own batches (tf.data,
        generators, PyDataset)."""
        if self.batch_size:
            return self.batch_size
        return KERAS_DEFAULT_BATCH if self.input_kind in ARRAY_INPUT_KINDS else None


@dataclass
class Check:
    """One monitoring point (epoch 0 = before training, then one per epoch or time slice).

    Values are per-step statistics accumulated inside the epoch (mean and max), so a transient
    explosion inside an epoch is seen even if the epoch ends quietly.
    """

    epoch: int
    steps: int = 0
    seconds: float = 0.0
    # Metrics. `acc` is our own score on a fixed training sample (accuracy, or R^2 clipped to
    # [0, 1] for regression) so it means the same in every script; loss comes from Keras' logs.
    loss: float | None = None
    acc: float | None = None
    val_loss: float | None = None
    val_acc: float | None = None
    batch_loss_first: float | None = None  # running mean after the first step of the epoch
    batch_loss_max: float | None = None
    batch_loss_min: float | None = None
    # Gradients (real per-step gradients from the optimizer tap).
    grad_norm_mean: float | None = None  # global L2 norm, mean over steps
    grad_norm_max: float | None = None
    layer_grad_norm_mean: list[float | None] = field(default_factory=list)  # per trainable variable
    layer_grad_norm_max: list[float | None] = field(default_factory=list)
    grad_zero_frac_mean: float | None = None  # fraction of exactly-zero gradient entries
    grad_zero_frac_max: float | None = None
    grad_abs_max: float | None = None
    grad_nonfinite_steps: int = 0
    # Weights (read at the end of the epoch).
    weight_abs_max: float | None = None
    weight_mean: float | None = None
    weight_std: float | None = None
    weight_nonfinite: bool = False
    layer_weight_norms: list[float | None] = field(default_factory=list)
    update_ratio: float | None = None  # ||w_t - w_{t-1}|| / ||w_{t-1}|| over all trainable weights
    # Activations on the fixed sample (Sequential / functional models only).
    dead_relu_frac: float | None = None  # fraction of ReLU units never positive on the sample
    saturated_frac: float | None = None  # fraction of sigmoid/tanh pre-activations with |z| >= 5
    # Output of the model on the sample.
    pred_min: float | None = None
    pred_max: float | None = None
    pred_const: bool | None = None  # the model predicts the same class / value for every sample
    pred_nonfinite: bool = False  # some predictions were NaN/Inf


@dataclass
class RunInfo:
    epochs_requested: int | None = None
    epochs_run: int = 0
    seconds: float = 0.0
    seed: int = 0
    log_path: str | None = None
    stopped_by: str | None = None  # "fit_returned" | "time_budget" | "epoch_cap" | "script_end" | ...
    gradient_source: str | None = None  # "optimizer_tap" | "fixed_batch" | None


@dataclass
class RunRecord:
    """Everything the probe learned from one script. Input of the features stage."""

    path: str
    status: Status
    error: str | None = None
    error_line: int | None = None  # line in the user's script, when known
    facts: StaticFacts | None = None
    checks: list[Check] = field(default_factory=list)
    run: RunInfo = field(default_factory=RunInfo)
    nonfinite_fields: list[str] = field(default_factory=list)  # NaN/Inf replaced by null

    def truncated(self, epochs: int) -> RunRecord:
        """The record as a run capped at `epochs` would have produced it (runs are deterministic,
        so the first epochs of a longer run are exactly a shorter run)."""
        keep = [c for c in self.checks if c.epoch <= epochs]
        kept = {f"checks[{i}]" for i in range(len(keep))}
        return dataclasses.replace(
            self,
            checks=keep,
            run=dataclasses.replace(self.run, epochs_run=sum(1 for c in keep if c.epoch > 0)),
            nonfinite_fields=[f for f in self.nonfinite_fields if not f.startswith("checks[") or f.split(".")[0] in kept],
        )


# ---------------------------------------------------------------------------------------------
# Diagnosis and localization output.
# ---------------------------------------------------------------------------------------------


@dataclass
class Fault:
    """A diagnosed fault type, before it is tied to lines. Output of the diagnosis stage."""

    type: str
    confidence: float
    evidence: list[str] = field(default_factory=list)
    source: Literal["rules", "model"] = "rules"
    # Free-form, typed-by-convention hints for localization and fixes, e.g.
    # {"direction": "high"} for learning_rate, {"scope": "last"|"hidden"} for activation.
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Suggestion:
    """Replacement text for lines [line, end_line] of the script (a GitHub suggestion block)."""

    line: int
    replacement: str
    end_line: int | None = None
    verified: bool = False
    verification: dict[str, Any] | None = None  # before/after numbers when --verify-fixes ran


@dataclass
class Finding:
    """A fault tied to the statements that cause it. Output of the localization stage."""

    type: str
    confidence: float
    lines: list[int]
    primary_line: int | None
    snippet: str | None
    evidence: list[str]
    suggestion: Suggestion | None = None
    source: str = "rules"
    localization: str = "dataflow"  # dataflow | keyword | fallback (how sure the line is)
    note: str | None = None  # e.g. why the line could not be pinned down
    # The file the lines, snippet and suggestion refer to when it is not the script itself (a
    # sibling module the value is imported from), in the same form as the script's path.
    path: str | None = None


@dataclass
class ScriptReport:
    """One script's result: the JSON contract of DESIGN.md (`to_json()` gives that dict)."""

    path: str
    status: Status
    error: str | None = None
    faults: list[Finding] = field(default_factory=list)
    symptoms: dict[str, bool] = field(default_factory=dict)
    run: dict[str, Any] = field(default_factory=dict)
    model: dict[str, Any] = field(default_factory=dict)
    features_schema: str | None = None
    suppressed: list[Finding] = field(default_factory=list)
    log_path: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = {"schema": REPORT_SCHEMA, **to_plain(self)}
        return data


# ---------------------------------------------------------------------------------------------
# Strict-JSON helpers shared by every stage that writes or reads these records.
# ---------------------------------------------------------------------------------------------


def to_plain(obj: Any) -> Any:
    """Dataclasses -> dicts, with NaN/Inf replaced by None (strict JSON has no NaN)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): to_plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_plain(v) for v in obj]
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if hasattr(obj, "item") and callable(obj.item):  # numpy scalars
        return to_plain(obj.item())
    return obj


def _build(cls: type, data: Any) -> Any:
    """Rebuild a dataclass tree from `to_plain` output (unknown keys are ignored)."""
    if data is None:
        return None
    hints = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        if name not in hints:
            continue
        kwargs[name] = _NESTED.get((cls.__name__, name), lambda v: v)(value)
    return cls(**kwargs)


def run_record_from_plain(data: dict[str, Any]) -> RunRecord:
    return _build(RunRecord, data)


_NESTED = {
    ("RunRecord", "facts"): lambda v: _build(StaticFacts, v),
    ("RunRecord", "checks"): lambda v: [_build(Check, c) for c in v],
    ("RunRecord", "run"): lambda v: _build(RunInfo, v),
    ("StaticFacts", "layers"): lambda v: [_build(LayerInfo, item) for item in v],
    ("StaticFacts", "x"): lambda v: _build(ArrayStats, v),
    ("StaticFacts", "y"): lambda v: _build(ArrayStats, v),
    ("ScriptReport", "faults"): lambda v: [finding_from_plain(item) for item in v],
    ("ScriptReport", "suppressed"): lambda v: [finding_from_plain(item) for item in v],
    ("Finding", "suggestion"): lambda v: _build(Suggestion, v),
}


def finding_from_plain(data: dict[str, Any]) -> Finding:
    return _build(Finding, data)


def script_report_from_plain(data: dict[str, Any]) -> ScriptReport:
    return _build(ScriptReport, data)

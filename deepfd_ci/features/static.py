"""Static features: the run's configuration (read from live objects) encoded as numbers.

They let the model learn what the runtime trace alone cannot tell apart, e.g. mse on softmax
classes trains slowly just like a too-low learning rate, but the loss/task pair gives it away.
"""

from __future__ import annotations

import math

from deepfd_ci.records import LayerInfo, StaticFacts

OPTIMIZERS = ("sgd", "adam", "rmsprop", "adagrad", "adadelta", "nadam", "adamax", "adamw", "ftrl")
LOSSES = (
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "binary_crossentropy",
    "mean_squared_error",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error",
    "huber",
    "hinge",
    "kl_divergence",
)
PROBABILISTIC_LOSSES = {"categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy",
                        "kl_divergence", "categorical_focal_crossentropy", "binary_focal_crossentropy"}
REGRESSION_LOSSES = {"mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
                     "mean_squared_logarithmic_error", "huber", "log_cosh"}
ACTIVATIONS = ("softmax", "sigmoid", "linear", "relu", "tanh", "softplus", "softsign", "selu", "elu")
# Keras 3 default learning rates: a mutant or a bug is usually orders of magnitude away from them.
DEFAULT_LR = {"sgd": 1e-2}
DEFAULT_LR_OTHER = 1e-3
TASKS = ("binary", "multiclass", "multilabel", "regression", "unknown")
INITIALIZERS_BAD = {"zeros", "ones", "constant"}
_TRAINABLE = {"Dense", "Conv1D", "Conv2D", "Conv3D", "LSTM", "GRU", "SimpleRNN", "Bidirectional",
              "SeparableConv2D", "DepthwiseConv2D", "Conv2DTranspose", "Embedding", "EinsumDense"}
_NORMALIZING = {"Normalization", "Rescaling", "BatchNormalization", "LayerNormalization"}
# A recurrent layer's tanh is its design (its gates keep gradients alive), not the saturating stack
# the hidden-activation fault builds: the activation fractions leave these layers out.
RECURRENT_LAYERS = frozenset({"LSTM", "GRU", "SimpleRNN", "Bidirectional", "RNN"})
_ACTIVATION_LAYERS = {"Activation", "ReLU", "LeakyReLU", "ELU", "PReLU", "Softmax"}


def _log10(value: float | None) -> float:
    if value is None or not math.isfinite(value) or value <= 0:
        return float("nan")
    return math.log10(value)


def _onehot(prefix: str, value: str | None, choices: tuple[str, ...]) -> dict[str, float]:
    out = {f"{prefix}_{c}": float(value == c) for c in choices}
    out[f"{prefix}_other"] = float(value is not None and value not in choices)
    return out


def names() -> list[str]:
    return list(encode(StaticFacts()).keys())


def _targets_within(facts: StaticFacts, low: float, high: float) -> bool:
    y = facts.y
    return y is not None and y.min is not None and y.min >= low and (y.max or 0.0) <= high


def loss_task_mismatch(facts: StaticFacts) -> bool:
    """A class-probability loss on a regression target, a regression loss on class labels, or
    categorical cross-entropy on a single output unit (its loss is constant: nothing to learn).

    Binary cross-entropy on continuous targets in [0, 1] (e.g. reconstructing pixels) is fine.
    """
    if facts.loss is None or facts.task == "unknown":
        return False
    if facts.loss == "categorical_crossentropy" and (facts.output_units or 0) == 1:
        return True
    if facts.task == "regression":
        if facts.loss == "binary_crossentropy" and _targets_within(facts, 0.0, 1.0):
            return False
        return facts.loss in PROBABILISTIC_LOSSES
    return facts.loss in REGRESSION_LOSSES


def activation_task_mismatch(facts: StaticFacts) -> bool:
    """The output activation cannot produce what the task (and the loss's from_logits) needs."""
    act, task, units = facts.last_activation, facts.task, facts.output_units or 1
    if act is None or task == "unknown":
        return False
    if task == "regression":
        if act == "sigmoid":
            return not _targets_within(facts, 0.0, 1.0)
        if act in ("tanh", "softsign"):
            return not _targets_within(facts, -1.0, 1.0)
        return act == "softmax" or (act == "relu" and not _targets_within(facts, 0.0, float("inf")))
    if facts.from_logits:
        return act in ("softmax", "sigmoid")  # probabilities fed to a loss that expects logits
    if task == "multilabel" or (task == "binary" and units == 1):
        return act != "sigmoid"
    if task == "binary":
        return act not in ("softmax", "sigmoid")
    return act != "softmax"


def logits_mismatch(facts: StaticFacts) -> bool:
    """A cross-entropy loss told the wrong thing about the outputs: probabilities given to a loss
    with from_logits=True, or unbounded outputs given to one that expects probabilities."""
    if facts.loss not in PROBABILISTIC_LOSSES or facts.last_activation is None:
        return False
    probabilities = facts.last_activation in ("softmax", "sigmoid")
    return bool(facts.from_logits) == probabilities


def embedding_input(facts: StaticFacts) -> bool:
    """The first trainable layer looks up token ids: the inputs are indices, not values to scale."""
    first = next((layer for layer in facts.layers if layer.class_name in _TRAINABLE), None)
    return first is not None and first.class_name == "Embedding"


def label_encoding_mismatch(facts: StaticFacts) -> bool:
    """Labels not encoded the way the loss expects (sparse vs one-hot; class ids to a regression loss)."""
    if facts.loss == "sparse_categorical_crossentropy" and facts.labels_one_hot:
        return True
    if facts.loss == "categorical_crossentropy" and facts.task == "multiclass" and facts.labels_one_hot is False:
        return True
    return False


def encode(facts: StaticFacts) -> dict[str, float]:
    out: dict[str, float] = {}
    optimizer = (facts.optimizer or "").lower() or None
    out.update(_onehot("opt", optimizer, OPTIMIZERS))
    out["log_lr"] = _log10(facts.learning_rate)
    out["log_lr_over_default"] = out["log_lr"] - math.log10(DEFAULT_LR.get(optimizer or "", DEFAULT_LR_OTHER))
    out["momentum"] = float(facts.momentum or 0.0)
    out.update(_onehot("loss", facts.loss, LOSSES))
    out["from_logits"] = float(bool(facts.from_logits))
    out.update(_onehot("last_act", facts.last_activation, ACTIVATIONS))
    out.update(_onehot("task", facts.task, TASKS))
    out["log_output_units"] = _log10(facts.output_units)
    out["log_n_classes"] = _log10(facts.n_classes)
    out["labels_one_hot"] = float(bool(facts.labels_one_hot))
    out["units_match_classes"] = float(
        facts.n_classes is None or facts.output_units in (facts.n_classes, 1 if facts.n_classes == 2 else -1)
    )
    out["loss_task_mismatch"] = float(loss_task_mismatch(facts))
    out["activation_task_mismatch"] = float(activation_task_mismatch(facts))
    out["label_encoding_mismatch"] = float(label_encoding_mismatch(facts))
    out["logits_mismatch"] = float(logits_mismatch(facts))
    out["log_epochs_requested"] = _log10(facts.epochs_requested)
    bs = facts.batch_size_used
    out["log_batch_size"] = _log10(bs)
    n = facts.n_samples
    out["batch_fraction"] = min(1.0, bs / n) if n and bs else float("nan")
    out["log_steps_per_epoch"] = _log10(math.ceil(n / bs) if n and bs else facts.steps_per_epoch)
    out["log_n_samples"] = _log10(n)
    out["has_validation"] = float(facts.has_validation)
    out["custom_loop"] = float(facts.training_api == "custom_loop")
    x = facts.x
    if x is not None and x.min is not None:
        out["log_x_absmax"] = _log10(max(abs(x.min), abs(x.max or 0.0)) or None)
        out["log_x_std"] = _log10(x.std)
        out["x_abs_mean"] = abs(x.mean or 0.0)
        out["x_in_unit_range"] = float(x.min >= -1.0 - 1e-6 and (x.max or 0.0) <= 1.0 + 1e-6)
        out["x_integer_valued"] = float(bool(x.integer_valued))
    else:
        out.update(log_x_absmax=float("nan"), log_x_std=float("nan"), x_abs_mean=float("nan"),
                   x_in_unit_range=float("nan"), x_integer_valued=float("nan"))
    y = facts.y
    if y is not None and y.min is not None:
        out["log_y_std"] = _log10(y.std)
        out["log_y_absmax"] = _log10(max(abs(y.min), abs(y.max or 0.0)) or None)
        out["y_integer_valued"] = float(bool(y.integer_valued))
        out["log_y_n_unique"] = _log10(y.n_unique)
    else:
        out.update(log_y_std=float("nan"), log_y_absmax=float("nan"), y_integer_valued=float("nan"),
                   log_y_n_unique=float("nan"))
    out.update(_architecture(facts))
    return out


def _effective_activations(layers: list[LayerInfo]) -> dict[int, str | None]:
    """Per trainable layer (by index), the activation its outputs go through: its own, or that of the
    activation layer following it (`Dense(100)` then `Activation("relu")`, as many real scripts write)."""
    out: dict[int, str | None] = {}
    current: int | None = None
    for i, layer in enumerate(layers):
        if layer.class_name in _TRAINABLE:
            out[i], current = layer.activation, i
        elif layer.class_name in _ACTIVATION_LAYERS and current is not None and out[current] in (None, "linear"):
            out[current] = layer.activation
    return out


def _hidden_indices(facts: StaticFacts, effective: dict[int, str | None]) -> list[int]:
    """The trainable layers but the model's outputs: the last one, or the last `n_outputs` of a
    multi-output model (Keras lists a functional model's layers in graph order: its heads come
    last unless one branches off early). An output is the output even when an activation layer
    follows it."""
    trainable = list(effective)
    return trainable[: max(0, len(trainable) - max(1, facts.n_outputs or 1))]


def hidden_layers(facts: StaticFacts) -> list[LayerInfo]:
    """The hidden trainable layers (see `_hidden_indices`): one definition for the features, the
    evidence, the rules and the findings."""
    return [facts.layers[i] for i in _hidden_indices(facts, _effective_activations(facts.layers))]


def hidden_activations(facts: StaticFacts) -> list[tuple[LayerInfo, str]]:
    """The hidden trainable layers with the activation their outputs go through (see
    `_effective_activations`). Recurrent layers are left out: their tanh is their design, and the
    hidden-activation fault never touches them."""
    effective = _effective_activations(facts.layers)
    return [(facts.layers[i], effective[i]) for i in _hidden_indices(facts, effective)
            if effective[i] is not None and facts.layers[i].class_name not in RECURRENT_LAYERS]


def _architecture(facts: StaticFacts) -> dict[str, float]:
    layers = facts.layers
    effective = _effective_activations(layers)  # keyed by the trainable layers' indices, in order
    trainable = [layers[i] for i in effective]
    hidden = hidden_layers(facts)
    acts = [act for _layer, act in hidden_activations(facts)]
    units = [layer.units for layer in hidden if layer.units]
    inits = [layer.kernel_initializer for layer in trainable if layer.kernel_initializer]
    first_trainable = next((i for i, layer in enumerate(layers) if layer.class_name in _TRAINABLE), len(layers))
    dropout = [layer for layer in layers if layer.class_name == "Dropout"]
    return {
        "n_trainable_layers": float(len(trainable)),
        "n_hidden_layers": float(len(hidden)),
        "hidden_saturating_frac": (sum(a in ("sigmoid", "tanh") for a in acts) / len(acts)) if acts else 0.0,
        "hidden_relu_frac": (sum(a in ("relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "silu") for a in acts)
                             / len(acts)) if acts else 0.0,
        "hidden_linear_count": float(sum(a == "linear" for a in acts)),
        "log_min_hidden_units": _log10(min(units)) if units else float("nan"),
        "bad_initializer": float(any(i in INITIALIZERS_BAD for i in inits)),
        "random_normal_initializer": float(any(i in ("random_normal", "random_uniform", "truncated_normal")
                                               for i in inits)),
        "has_input_normalization": float(any(layer.class_name in _NORMALIZING for layer in layers[: first_trainable + 1])),
        "embedding_input": float(embedding_input(facts)),
        "has_batch_norm": float(any(layer.class_name == "BatchNormalization" for layer in layers)),
        "n_dropout": float(len(dropout)),
        "log_params": _log10(sum(layer.params for layer in layers) or None),
    }

"""Static facts of a run, read from the live Keras objects and data at the first `fit` call.

Facts come from the objects, not the source text, so they are right however the script computes
its configuration (config files, argparse, helper functions). Localization maps them back to lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np

from deepfd_ci.records import ARRAY_INPUT_KINDS, ArrayStats, LayerInfo

SAMPLE_ROWS = 256
_UNIQUE_CAP = 1000
_STATS_ROWS = 20000

_LOSS_ALIASES = {
    "mse": "mean_squared_error",
    "mae": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error",
    "msle": "mean_squared_logarithmic_error",
    "kld": "kl_divergence",
    "kullback_leibler_divergence": "kl_divergence",
    "bce": "binary_crossentropy",
    "cce": "categorical_crossentropy",
    "scce": "sparse_categorical_crossentropy",
    "logcosh": "log_cosh",
}


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _activation_name(fn: Any) -> str | None:
    if fn is None:
        return None
    try:
        name = keras.activations.serialize(fn)
    except Exception:  # a custom callable
        name = getattr(fn, "__name__", type(fn).__name__)
    if isinstance(name, dict):
        name = name.get("config", {}).get("name") or name.get("class_name")
    return str(name)


def layer_activation(layer: Any) -> str | None:
    cls = type(layer).__name__
    if cls == "Softmax":
        return "softmax"
    if cls == "ReLU":
        return "relu"
    if cls == "LeakyReLU":
        return "leaky_relu"
    if cls == "ELU":
        return "elu"
    if cls == "PReLU":
        return "prelu"
    return _activation_name(getattr(layer, "activation", None))


def flat_layers(model: Any) -> list[Any]:
    out: list[Any] = []
    for layer in getattr(model, "layers", []):
        if isinstance(layer, keras.Model) and getattr(layer, "layers", None):
            out.extend(flat_layers(layer))
        elif type(layer).__name__ != "InputLayer":
            out.append(layer)
    return out


def output_layers(model: Any) -> list[Any]:
    """The layers that produce a functional or Sequential model's outputs (none for a subclassed one)."""
    try:
        return [tensor._keras_history.operation for tensor in model.outputs]
    except Exception:
        return []


def _units(layer: Any) -> int | None:
    for attr in ("units", "filters"):
        value = getattr(layer, attr, None)
        if isinstance(value, int):
            return value
    return None


def describe_layers(model: Any) -> list[LayerInfo]:
    infos = []
    for layer in flat_layers(model):
        init = getattr(layer, "kernel_initializer", None)
        try:
            params = int(layer.count_params()) if layer.built else 0
        except Exception:
            params = 0
        infos.append(
            LayerInfo(
                name=layer.name,
                class_name=type(layer).__name__,
                activation=layer_activation(layer),
                units=_units(layer),
                kernel_initializer=snake(type(init).__name__) if init is not None else None,
                params=params,
                variables=[v.path for v in layer.trainable_weights],
            )
        )
    return infos


def model_kind(model: Any) -> str:
    if isinstance(model, keras.Sequential):
        return "sequential"
    if type(model).__name__ in ("Functional", "Model") and hasattr(model, "_nodes_by_depth"):
        return "functional"
    return "subclassed"


def last_activation(model: Any, layers: list[LayerInfo]) -> str | None:
    """Activation applied to the (first) output: the nearest activating layer before it."""
    try:
        layer = model.outputs[0]._keras_history.operation
        chain = [layer]
        # Walk back through shape-only layers (Flatten, Reshape, Dropout) to the activating one.
        while chain[-1] is not None and layer_activation(chain[-1]) is None:
            inbound = chain[-1]._inbound_nodes[0].input_tensors if chain[-1]._inbound_nodes else []
            chain.append(inbound[0]._keras_history.operation if inbound else None)
        if chain[-1] is not None:
            return layer_activation(chain[-1])
    except Exception:
        pass
    for info in reversed(layers):  # subclassed models: the last layer in attribute order
        if info.activation is not None:
            return info.activation
    return None


def output_units(model: Any) -> int | None:
    try:
        shape = model.outputs[0].shape
        return int(shape[-1]) if len(shape) > 1 and shape[-1] is not None else 1
    except Exception:
        return None


def describe_optimizer(opt: Any) -> dict[str, Any]:
    if opt is None:
        return {}
    inner = getattr(opt, "inner_optimizer", None) or opt  # LossScaleOptimizer
    info: dict[str, Any] = {"optimizer": type(inner).__name__}
    try:
        info["learning_rate"] = float(np.asarray(inner.learning_rate))
    except Exception:
        info["learning_rate"] = None
    momentum = getattr(inner, "momentum", None)
    if isinstance(momentum, (int, float)):
        info["momentum"] = float(momentum)
    clip = getattr(inner, "clipnorm", None) or getattr(inner, "global_clipnorm", None)
    if isinstance(clip, (int, float)):
        info["clipnorm"] = float(clip)
    return info


def describe_loss(loss: Any) -> tuple[str | None, bool | None]:
    if isinstance(loss, (list, tuple)) and loss:
        loss = loss[0]
    if isinstance(loss, dict) and loss:
        loss = next(iter(loss.values()))
    if loss is None:
        return None, None
    if isinstance(loss, str):
        name = loss.lower()
        return _LOSS_ALIASES.get(name, name), False
    from_logits = None
    config = {}
    try:
        config = loss.get_config() or {}
    except Exception:
        pass
    if "from_logits" in config:
        from_logits = bool(config["from_logits"])
    name = config.get("name") if isinstance(config.get("name"), str) else None
    if isinstance(loss, keras.losses.Loss) and name is None:
        name = snake(type(loss).__name__)
    if name is None:
        name = getattr(loss, "__name__", None) or snake(type(loss).__name__)
    name = name.lower()
    return _LOSS_ALIASES.get(name, name), from_logits


# ------------------------------------------------------------------------------------------
# Data: a fixed sample for checks, value ranges for facts.
# ------------------------------------------------------------------------------------------


@dataclass
class Sample:
    x: Any
    y: Any
    rows: int


def to_numpy(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dict):
        return {k: to_numpy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) and value and not np.isscalar(value[0]) and hasattr(value[0], "shape"):
        return type(value)(to_numpy(v) for v in value)
    if hasattr(value, "numpy") and callable(value.numpy):
        return value.numpy()
    if hasattr(value, "to_numpy"):  # pandas
        return value.to_numpy()
    return np.asarray(value)


def n_rows(value: Any) -> int | None:
    if isinstance(value, dict):
        value = next(iter(value.values()), None)
    if isinstance(value, (list, tuple)) and value and hasattr(value[0], "shape"):
        value = value[0]
    shape = getattr(value, "shape", None)
    return int(shape[0]) if shape else None


def slice_rows(value: Any, start: int, stop: int) -> Any:
    if isinstance(value, dict):
        return {k: slice_rows(v, start, stop) for k, v in value.items()}
    if isinstance(value, (list, tuple)) and value and hasattr(value[0], "shape"):
        return type(value)(slice_rows(v, start, stop) for v in value)
    return value[start:stop]


def _concat(parts: list[Any]) -> Any:
    first = parts[0]
    if isinstance(first, dict):
        return {k: _concat([p[k] for p in parts]) for k in first}
    if isinstance(first, (list, tuple)):
        return type(first)(_concat([p[i] for p in parts]) for i in range(len(first)))
    return np.concatenate(parts, axis=0)


def input_kind(x: Any) -> str:
    import tensorflow as tf

    if isinstance(x, tf.data.Dataset):
        return "tf.data"
    if isinstance(x, keras.utils.PyDataset):
        return "py_dataset"
    if hasattr(x, "__next__") and not hasattr(x, "shape"):
        return "generator"
    if isinstance(x, tf.Tensor):
        return "tensor"
    if isinstance(x, dict):
        return "dict"
    return "numpy"


def _unpack(element: Any) -> tuple[Any, Any]:
    if isinstance(element, (tuple, list)) and len(element) in (2, 3):
        return element[0], element[1]
    return element, None


def sample_from(x: Any, y: Any, kind: str, rows: int = SAMPLE_ROWS) -> Sample | None:
    """First `rows` examples of the training data, without consuming a one-shot iterator."""
    if kind in ARRAY_INPUT_KINDS:
        xs, ys = to_numpy(x), to_numpy(y)
        n = n_rows(xs) or 0
        take = min(n, rows)
        return Sample(slice_rows(xs, 0, take), None if ys is None else slice_rows(ys, 0, take), take)
    if kind == "tf.data":
        parts_x, parts_y, got = [], [], 0
        for element in x.take(64):
            bx, by = _unpack(element)
            parts_x.append(to_numpy(bx))
            parts_y.append(to_numpy(by))
            got += n_rows(parts_x[-1]) or 1
            if got >= rows:
                break
        if not parts_x:
            return None
        xs = _concat(parts_x)
        ys = None if parts_y[0] is None else _concat(parts_y)
        take = min(n_rows(xs) or 0, rows)
        return Sample(slice_rows(xs, 0, take), None if ys is None else slice_rows(ys, 0, take), take)
    if kind == "py_dataset":
        bx, by = _unpack(x[0])
        xs, ys = to_numpy(bx), to_numpy(by)
        return Sample(xs, ys, n_rows(xs) or 0)
    return None  # generators: reading would consume the user's data


def first_array(value: Any) -> np.ndarray | None:
    if value is None:
        return None
    if isinstance(value, dict):
        value = next(iter(value.values()), None)
    if isinstance(value, (list, tuple)) and value and hasattr(value[0], "shape"):
        value = value[0]
    return None if value is None else np.asarray(value)


def array_stats(value: Any) -> ArrayStats | None:
    arr = first_array(value)
    if arr is None:
        return None
    stats = ArrayStats(shape=[int(d) for d in arr.shape], dtype=str(arr.dtype))
    if arr.size == 0 or not np.issubdtype(arr.dtype, np.number):
        return stats
    # The first rows are enough to tell the value range; big datasets would slow the first epoch.
    data = arr[:_STATS_ROWS].astype(np.float64, copy=False)
    finite = data[np.isfinite(data)]
    if finite.size:
        stats.min, stats.max = float(finite.min()), float(finite.max())
        stats.mean, stats.std = float(finite.mean()), float(finite.std())
    stats.integer_valued = bool(finite.size and np.all(finite == np.round(finite)))
    stats.n_unique = int(min(len(np.unique(finite[:20000])), _UNIQUE_CAP))
    if arr.ndim == 2 and arr.shape[1] > 1:
        binary = np.all((data == 0) | (data == 1))
        stats.one_hot = bool(binary and np.all(data.sum(axis=1) == 1))
    else:
        stats.one_hot = False
    return stats


def infer_task(y: ArrayStats | None, units: int | None) -> tuple[str, int | None, bool | None]:
    """(task, n_classes, labels_one_hot) from the labels and the model's output width.

    Decided from data and architecture, not from the loss: the loss may be the fault.
    """
    if y is None or y.min is None:
        return "unknown", None, None
    binary_values = y.integer_valued and y.min >= 0 and y.max <= 1
    if y.one_hot:
        return "multiclass", y.shape[-1], True
    wide_labels = len(y.shape) > 1 and y.shape[-1] > 1
    if wide_labels and binary_values:
        return "multilabel", y.shape[-1], False
    if wide_labels:
        return "regression", None, None
    if units is not None and units > 1 and y.integer_valued and y.min >= 0 and y.max < units:
        return "multiclass", units, False
    if binary_values:
        return "binary", 2, False
    if y.integer_valued and y.min >= 0 and (y.n_unique or 0) <= 20 and (units or 1) > 1:
        return "multiclass", int(y.max) + 1, False
    return "regression", None, None


def score(y_true: Any, y_pred: Any, task: str, from_logits: bool | None) -> float | None:
    """One 'higher is better' number in [0, 1]: accuracy, or R^2 clipped for regression."""
    yt, yp = first_array(y_true), first_array(y_pred)
    if yt is None or yp is None or len(yt) == 0:
        return None
    yp = yp.astype(np.float64)
    if not np.all(np.isfinite(yp)):
        return 0.0
    yp2 = yp.reshape(len(yp), -1)
    threshold = 0.0 if from_logits else 0.5
    if task == "multiclass":
        labels = yt.argmax(axis=-1) if yt.ndim > 1 and yt.shape[-1] > 1 else yt.reshape(-1).astype(int)
        if yp2.shape[1] == 1:
            guess = np.clip(np.round(yp2[:, 0]), 0, None).astype(int)
        else:
            guess = yp2.argmax(axis=1)
        return float(np.mean(guess == labels))
    if task == "binary":
        labels = yt.reshape(len(yt), -1)[:, -1] if yt.ndim > 1 and yt.shape[-1] > 1 else yt.reshape(-1)
        guess = yp2.argmax(axis=1) if yp2.shape[1] == 2 else (yp2[:, 0] > threshold).astype(int)
        return float(np.mean(guess == labels))
    if task == "multilabel":
        yt2 = yt.reshape(len(yt), -1)
        if yt2.shape != yp2.shape:
            return None
        return float(np.mean((yp2 > threshold) == (yt2 > 0.5)))
    if task == "regression":
        yt2 = yt.reshape(len(yt), -1).astype(np.float64)
        if yt2.shape[1] != yp2.shape[1]:
            return None
        ss_res = np.sum((yt2 - yp2) ** 2, axis=0)
        ss_tot = np.sum((yt2 - yt2.mean(axis=0)) ** 2, axis=0)
        r2 = 1.0 - ss_res / np.where(ss_tot == 0, 1.0, ss_tot)
        return float(np.clip(np.mean(r2), 0.0, 1.0))
    return None

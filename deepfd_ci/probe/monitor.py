"""The monitoring callback: one Check before training and one at the end of every epoch.

It has no batch hooks, so Keras keeps dispatching batches asynchronously; per-step statistics come
from the graph taps (tap.py) and are read here once per epoch.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from deepfd_ci.probe import facts as facts_mod
from deepfd_ci.probe.tap import GradientSnapshot, GradientTap, LossTap, fixed_batch_gradients
from deepfd_ci.records import Check

_SATURATING = {"sigmoid": 0.9933, "tanh": 0.9999}  # |output| at |pre-activation| = 5
_RELU_LIKE = {"relu", "relu6"}


def _float(value: Any) -> float | None:
    """A Python float (NaN/Inf kept: the record flags them when it is serialised)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class SampleForward:
    """One compiled forward pass on the fixed sample: the model's output and, for Sequential and
    functional models, every hidden ReLU/sigmoid/tanh layer's output (dead units, saturation).

    Compiled once (tf.function) because eager calls of a CNN cost more than the training steps
    of a small epoch. A softmax or sigmoid output also returns its logits: Keras computes a
    cross-entropy from them when the output carries them, as training's own graph does, and a
    tensor returned from a tf.function no longer carries them.
    """

    def __init__(self, model: Any):
        self.kinds: list[str] = []
        target = model
        if facts_mod.model_kind(model) != "subclassed":
            outputs, kinds = [], []
            # The output layers are left out (every head of a multi-output model): saturated outputs
            # there are just confident predictions.
            heads = facts_mod.output_layers(model)
            for layer in facts_mod.flat_layers(model)[:-1]:
                if any(layer is head for head in heads):
                    continue
                act = facts_mod.layer_activation(layer)
                if act in _RELU_LIKE or act in _SATURATING:
                    try:
                        outputs.append(layer.output)
                        kinds.append(act)
                    except Exception:
                        continue
            if outputs:
                try:
                    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs
                    model_outputs = model.outputs[0] if len(model.outputs) == 1 else model.outputs
                    target = keras.Model(inputs, [model_outputs, *outputs])
                    self.kinds = kinds
                except Exception:
                    target, self.kinds = model, []
        signature = None
        if len(getattr(model, "inputs", None) or []) == 1:
            spec = model.inputs[0]
            # One trace serves the training and the validation sample, whatever their row counts.
            signature = [tf.TensorSpec([None, *spec.shape[1:]], spec.dtype)]
        hidden = bool(self.kinds)

        def forward(x: Any) -> tuple[Any, list[Any]]:
            result = target(x, training=False)
            outputs = tf.nest.flatten(result[0] if hidden else result)
            return result, [getattr(output, "_keras_logits", None) for output in outputs]

        self._call = tf.function(forward, input_signature=signature, reduce_retracing=True)

    def __call__(self, x: Any) -> tuple[Any, list[np.ndarray]]:
        """(model output, hidden activations); the output carries its logits as a Keras output does."""
        result, logits = self._call(x)
        output = result[0] if self.kinds else result
        for tensor, tensor_logits in zip(tf.nest.flatten(output), logits):
            if tensor_logits is not None:
                tensor._keras_logits = tensor_logits
        return output, [np.asarray(value) for value in result[1:]] if self.kinds else []

    def activation_stats(self, values: list[np.ndarray]) -> tuple[float | None, float | None]:
        """(fraction of ReLU units never positive on the sample, fraction of saturated outputs)."""
        dead, dead_total, sat, sat_total = 0, 0, 0, 0
        for kind, value in zip(self.kinds, values):
            arr = value.reshape(len(value), -1)
            if kind in _RELU_LIKE:
                dead += int(np.sum(np.all(arr <= 0, axis=0)))
                dead_total += arr.shape[1]
            elif kind == "tanh":
                sat += int(np.sum(np.abs(arr) >= _SATURATING[kind]))
                sat_total += arr.size
            else:
                sat += int(np.sum((arr >= _SATURATING[kind]) | (arr <= 1 - _SATURATING[kind])))
                sat_total += arr.size
        return (dead / dead_total if dead_total else None, sat / sat_total if sat_total else None)


class WeightWatch:
    """Weight statistics and the update ratio between consecutive checks."""

    def __init__(self) -> None:
        self._previous: np.ndarray | None = None

    def measure(self, variables: list[Any], check: Check) -> None:
        arrays = [np.asarray(v).astype(np.float64).reshape(-1) for v in variables]
        if not arrays:
            return
        flat = np.concatenate(arrays)
        finite = np.isfinite(flat)
        check.weight_nonfinite = bool(not finite.all())
        good = flat[finite]
        if good.size:
            check.weight_abs_max = float(np.abs(good).max())
            check.weight_mean = float(good.mean())
            check.weight_std = float(good.std())
        check.layer_weight_norms = [float(np.linalg.norm(a)) for a in arrays]
        if self._previous is not None and self._previous.shape == flat.shape:
            base = float(np.linalg.norm(self._previous))
            check.update_ratio = float(np.linalg.norm(flat - self._previous)) / base if base > 0 else None
        self._previous = flat


class Monitor(keras.callbacks.Callback):
    """Records Checks into `sink`; every failure inside is recorded as a note, never raised."""

    def __init__(
        self,
        *,
        sample: facts_mod.Sample | None,
        val_sample: facts_mod.Sample | None,
        task: str,
        from_logits: bool | None,
        gradient_tap: Callable[[], GradientTap | None],
        loss_tap: LossTap,
        sink: Callable[[Check], None],
        note: Callable[[str], None],
    ):
        super().__init__()
        self.sample = sample
        self.val_sample = val_sample
        self.task = task
        self.from_logits = from_logits
        self.gradient_tap = gradient_tap
        self.loss_tap = loss_tap
        self.sink = sink
        self.note = note
        self.weights = WeightWatch()
        self.forward: SampleForward | None = None
        self._epoch_started = time.monotonic()
        self.gradient_source: str | None = None

    # Keras hooks -------------------------------------------------------------------------
    def on_train_begin(self, logs: dict | None = None) -> None:
        try:
            self.forward = SampleForward(self.model)
        except Exception as exc:
            self.note(f"sample forward pass unavailable: {exc}")
        self._check(epoch=0, logs=None)

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._epoch_started = time.monotonic()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._check(epoch=epoch + 1, logs=logs or {})

    # ------------------------------------------------------------------------------------
    def _check(self, epoch: int, logs: dict | None) -> None:
        check = Check(epoch=epoch)
        for step in (self._metrics, self._gradients, self._weights, self._sample_eval):
            try:
                step(check, logs)
            except Exception as exc:  # instrumentation must never break the user's training
                self.note(f"{step.__name__} failed at epoch {epoch}: {type(exc).__name__}: {exc}")
        self.sink(check)

    def _metrics(self, check: Check, logs: dict | None) -> None:
        if logs is None:
            return
        check.seconds = time.monotonic() - self._epoch_started
        check.loss = _float(logs.get("loss"))
        check.val_loss = _float(logs.get("val_loss"))
        running = self.loss_tap.snapshot_and_reset()
        if running:
            check.batch_loss_first = running["first"]
            check.batch_loss_max = running["max"]
            check.batch_loss_min = running["min"]

    def _gradients(self, check: Check, logs: dict | None) -> None:
        if logs is None:
            return
        tap = self.gradient_tap()
        snap: GradientSnapshot | None = tap.snapshot_and_reset() if tap is not None else None
        if snap is not None:
            self.gradient_source = self.gradient_source or "optimizer_tap"
        elif self.sample is not None and self.sample.y is not None:
            snap = fixed_batch_gradients(self.model, self.sample.x, self.sample.y)
            self.gradient_source = "fixed_batch"
        if snap is None:
            return
        fill_gradients(check, snap)

    def _weights(self, check: Check, logs: dict | None) -> None:
        self.weights.measure(self.model.trainable_weights, check)

    def _sample_eval(self, check: Check, logs: dict | None) -> None:
        if self.sample is None or self.sample.rows == 0 or self.forward is None:
            return
        y_pred, hidden = self.forward(self.sample.x)
        pred = facts_mod.first_array(y_pred)
        if pred is not None and pred.size:
            check.pred_nonfinite = bool(not np.all(np.isfinite(pred)))
            finite = pred[np.isfinite(pred)]
            if finite.size:
                check.pred_min, check.pred_max = float(finite.min()), float(finite.max())
            check.pred_const = _constant_prediction(pred, self.task, self.from_logits)
        check.dead_relu_frac, check.saturated_frac = self.forward.activation_stats(hidden)
        if self.sample.y is not None:
            check.acc = facts_mod.score(self.sample.y, pred, self.task, self.from_logits)
            if logs is None:
                # The loss at initialisation, on the sample, from the output with its logits (see
                # SampleForward), so the loss is not clipped where training's isn't.
                loss = self.model.compute_loss(x=self.sample.x, y=self.sample.y, y_pred=y_pred)
                check.loss = _float(keras.ops.convert_to_numpy(loss))
        if self.val_sample is not None and self.val_sample.y is not None and self.val_sample.rows:
            val_pred, _ = self.forward(self.val_sample.x)
            check.val_acc = facts_mod.score(self.val_sample.y, val_pred, self.task, self.from_logits)


def _constant_prediction(pred: np.ndarray, task: str, from_logits: bool | None) -> bool:
    """The model answers the same class (classification) or value (regression) for every sample."""
    flat = pred.reshape(len(pred), -1)
    if task in ("multiclass", "binary") and flat.shape[1] > 1:
        return bool(len(np.unique(flat.argmax(axis=1))) == 1)
    if task == "binary":
        return bool(len(np.unique(flat[:, 0] > (0.0 if from_logits else 0.5))) == 1)
    return bool(np.ptp(flat) < 1e-6 * (1 + np.abs(flat).max()))


def fill_gradients(check: Check, snap: GradientSnapshot) -> None:
    check.steps = snap.steps
    check.grad_norm_mean = snap.global_norm_mean
    check.grad_norm_max = snap.global_norm_max
    check.layer_grad_norm_mean = list(snap.norm_mean)
    check.layer_grad_norm_max = list(snap.norm_max)
    check.grad_zero_frac_mean = snap.zero_frac_mean
    check.grad_zero_frac_max = snap.zero_frac_max
    check.grad_abs_max = snap.abs_max
    check.grad_nonfinite_steps = snap.nonfinite_steps

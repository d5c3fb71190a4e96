"""Per-step gradient and loss statistics, accumulated in TensorFlow variables by graph ops.

The optimizer tap sees the real gradients of every training step, also inside `tf.function`
(reference/keras-runtime.md), with few ops per step (see GradientTap) and no host sync until a check
reads the accumulators.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import tensorflow as tf


@dataclass
class GradientSnapshot:
    steps: int
    norm_mean: list[float]  # per variable, over steps whose gradients were finite
    norm_max: list[float]
    global_norm_mean: float
    global_norm_max: float
    zero_frac_mean: float
    zero_frac_max: float
    abs_max: float
    nonfinite_steps: int


# Above this many parameters a step costs its passes over the gradients more than its op count, so
# a step whose gradients are all finite takes a shorter path under tf.cond (tracing both sides costs
# ~40 ms once). Measured per training step of a 270k-parameter MLP: +0.20 ms with the branch, +0.48 ms
# without; of the example MLP (6.5k): +0.10 ms with it, +0.07 ms without.
BRANCH_ABOVE_PARAMS = 50_000


class _Constants(NamedTuple):
    axis: Any  # int32 0
    zero: Any  # float32 0.0
    one: Any  # float32 1.0
    two: Any  # float32 2.0


def _sums_of_squares(parts: list[Any], c: _Constants) -> Any:
    """Each part's sum of squares. L2Loss (sum of x*x/2) reads a part once where square-then-sum
    writes and reads it again (a 300k-parameter model's tap time a step: 528 -> 369 us), and twice
    its value is bit-identical to reduce_sum(square(x)) (tests/probe/test_tap.py)."""
    return tf.stack([tf.nn.l2_loss(part) for part in parts]) * c.two


class GradientTap:
    """Accumulators for one optimizer's variable list.

    Its ops run in every training step, traced once in a function of their own (Keras traces the
    step twice). A 5-epoch probe of a small model pays more for tracing an op than for running it,
    so they are few: one concatenation, per-variable sums of a split (the segment sum this replaced
    cost +1.9 ms a step on a 270k-parameter MLP), and two packed accumulator variables (sums,
    maxima) instead of ten.
    """

    # Packed layout: these scalars first, then one entry per variable (norm sums, norm maxima).
    _SUMS = ("steps", "finite_steps", "gnorm", "zero_frac", "nonfinite")
    _MAXES = ("gnorm", "zero_frac", "abs")

    def __init__(self, variables: list[Any]):
        self.names = [getattr(v, "path", None) or getattr(v, "name", f"var{i}") for i, v in enumerate(variables)]
        self.sizes = [int(np.prod(v.shape)) for v in variables]
        n = len(variables)
        with tf.init_scope():  # eager, even when the first step is being traced into a graph
            self._sums = tf.Variable(tf.zeros((len(self._SUMS) + n,), tf.float32), trainable=False)
            self._maxes = tf.Variable(tf.zeros((len(self._MAXES) + n,), tf.float32), trainable=False)
        self._size = float(max(1, sum(self.sizes)))
        # A function of its own, traced once per gradient structure: Keras traces a train step twice
        # (the full batches and the last, partial one) and every op traced costs ~0.3 ms.
        self._step = tf.function(self._accumulate, autograph=False)

    def matches(self, variables: list[Any]) -> bool:
        return [int(np.prod(v.shape)) for v in variables] == self.sizes

    def record(self, grads: list[Any]) -> None:
        """Add one step. `grads` align with the variables this tap was built for."""
        self._step([tf.convert_to_tensor(g) if isinstance(g, tf.IndexedSlices) else g for g in grads])

    def _accumulate(self, grads: list[Any]) -> None:
        # Constants shared by every op that needs them: in a graph each constant is an op of its own.
        whole = tf.constant([-1])
        c = _Constants(tf.constant(0), tf.constant(0.0), tf.constant(1.0), tf.constant(2.0))
        flat = []
        for grad, size in zip(grads, self.sizes):
            if grad is None:
                flat.append(tf.zeros((size,), tf.float32))
                continue
            flat.append(tf.reshape(tf.cast(grad, tf.float32), whole))
        if sum(self.sizes) <= BRANCH_ABOVE_PARAMS:
            sums, maxes = self._masked_step(flat, c)
        else:
            squares = _sums_of_squares(flat, c)
            total = tf.reduce_sum(squares, c.axis)
            # A finite sum of squares means every entry is finite and nothing overflowed.
            sums, maxes = tf.cond(tf.math.is_finite(total), lambda: self._finite_step(flat, squares, total),
                                  lambda: self._masked_step(flat, c))
        self._sums.assign_add(sums)
        self._maxes.assign(tf.maximum(self._maxes, maxes))

    def _finite_step(self, flat: list[Any], squares: Any, total: Any) -> tuple[Any, Any]:
        norms, gnorm = tf.sqrt(squares), tf.sqrt(total)
        magnitude = tf.abs(tf.concat(flat, axis=0))
        zero_frac = (self._size - tf.reduce_sum(tf.sign(magnitude))) / self._size
        sums = tf.concat([tf.stack([1.0, 1.0, gnorm, zero_frac, 0.0]), norms], axis=0)
        maxes = tf.concat([tf.stack([gnorm, zero_frac, tf.reduce_max(magnitude)]), norms], axis=0)
        return sums, maxes

    def _masked_step(self, flat: list[Any], c: _Constants) -> tuple[Any, Any]:
        """Statistics over the finite entries only, so the last numbers before a blow-up stay visible."""
        cat = tf.concat(flat, axis=c.axis)
        finite_mask = tf.math.is_finite(cat)
        finite = tf.reduce_all(finite_mask, c.axis)
        clean = tf.where(finite_mask, cat, c.zero)
        squares = _sums_of_squares(tf.split(clean, self.sizes, axis=c.axis), c)
        norms = tf.sqrt(squares)
        gnorm = tf.sqrt(tf.reduce_sum(squares, c.axis))
        ok = tf.math.is_finite(gnorm)
        norms = tf.where(tf.math.is_finite(norms), norms, c.zero)
        gnorm = tf.where(ok, gnorm, c.zero)
        counted = tf.cast(tf.logical_and(finite, ok), tf.float32)
        zero_frac = tf.reduce_mean(tf.cast(tf.equal(cat, c.zero), tf.float32), c.axis)
        nonfinite = c.one - tf.cast(finite, tf.float32)
        sums = tf.concat([tf.stack([c.one, counted, gnorm * counted, zero_frac, nonfinite]), norms * counted],
                         axis=c.axis)
        maxes = tf.concat([tf.stack([gnorm, zero_frac, tf.reduce_max(tf.abs(clean), c.axis)]), norms], axis=c.axis)
        return sums, maxes

    def snapshot_and_reset(self) -> GradientSnapshot | None:
        sums, maxes = self._sums.numpy(), self._maxes.numpy()
        s = dict(zip(self._SUMS, sums.tolist()))
        m = dict(zip(self._MAXES, maxes.tolist()))
        steps = int(s["steps"])
        if steps == 0:
            return None
        finite_steps = max(1.0, s["finite_steps"])
        k, j = len(self._SUMS), len(self._MAXES)
        snap = GradientSnapshot(
            steps=steps,
            norm_mean=(sums[k:] / np.float32(finite_steps)).tolist(),
            norm_max=maxes[j:].tolist(),
            global_norm_mean=s["gnorm"] / finite_steps,
            global_norm_max=m["gnorm"],
            zero_frac_mean=s["zero_frac"] / steps,
            zero_frac_max=m["zero_frac"],
            abs_max=m["abs"],
            nonfinite_steps=int(s["nonfinite"]),
        )
        self._sums.assign(np.zeros_like(sums))  # from numpy: no eager op to build the zeros
        self._maxes.assign(np.zeros_like(maxes))
        return snap


def fixed_batch_gradients(model: Any, x: Any, y: Any) -> GradientSnapshot | None:
    """Fallback when no optimizer step went through the tap: one GradientTape pass on a fixed batch."""
    with tf.GradientTape() as tape:
        y_pred = model(x, training=True)
        loss = model.compute_loss(x=x, y=y, y_pred=y_pred)
    variables = model.trainable_weights
    grads = tape.gradient(loss, variables)
    if not variables:
        return None
    tap = GradientTap(variables)
    tap._accumulate(list(grads))  # eagerly: a one-off tap would pay for a trace it never reuses
    return tap.snapshot_and_reset()


class LossTap:
    """Running loss inside an epoch: first value, finite max/min/mean of the values recorded.

    One packed variable (see GradientTap): creating, reading and resetting it are one eager op each,
    where three variables cost three of each at every epoch's check.
    """

    # Packed layout; extremes are kept as maxima (max, -min) so both update with one maximum.
    _FIELDS = ("count", "sum", "finite", "max", "neg_min", "first")
    _EMPTY = np.array([0.0, 0.0, 0.0, -np.inf, -np.inf, np.nan], np.float32)

    def __init__(self) -> None:
        with tf.init_scope():
            self._state = tf.Variable(self._EMPTY, trainable=False)
        # Traced once (see GradientTap); a custom loop's per-example losses change shape with the
        # last, partial batch, hence reduce_retracing.
        self._step = tf.function(self._accumulate, autograph=False, reduce_retracing=True)

    def record(self, loss: Any) -> None:
        self._step(tf.convert_to_tensor(loss))  # a Python number would be traced once per value

    def _accumulate(self, loss: Any) -> None:
        if loss.shape.rank != 0:
            loss = tf.reduce_mean(loss)
        loss = tf.cast(loss, tf.float32)
        ok = tf.math.is_finite(loss)
        count, total, finite, high, negative_low, first = tf.unstack(self._state)
        # where(ok, max(m, loss), m) == max(m, where(ok, loss, -inf)): m starts at -inf and stays finite
        extremes = tf.maximum(tf.stack([high, negative_low]), tf.where(ok, tf.stack([loss, -loss]), -np.inf))
        self._state.assign(tf.concat([
            tf.stack([count + 1.0, total + tf.where(ok, loss, 0.0), finite + tf.cast(ok, tf.float32)]),
            extremes,
            tf.expand_dims(tf.where(tf.equal(count, 0.0), loss, first), 0),
        ], axis=0))

    def snapshot_and_reset(self) -> dict[str, float] | None:
        state = dict(zip(self._FIELDS, self._state.numpy().tolist()))
        if state["count"] == 0:
            return None
        self._state.assign(self._EMPTY)
        return {
            "mean": state["sum"] / state["finite"] if state["finite"] else float("nan"),
            "first": state["first"],
            "max": state["max"],
            "min": -state["neg_min"],
            "count": state["count"],
        }

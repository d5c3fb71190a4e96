"""The gradient tap's accumulated statistics against a NumPy reference, eagerly and inside a graph,
including the steps that take its masked path (NaN, Inf, squares that overflow, a missing gradient)."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from deepfd_ci.probe import tap as tap_module
from deepfd_ci.probe.tap import GradientTap

SHAPES = [(5, 3), (3,), (4, 2, 2), (7,)]


def _steps() -> list[list[np.ndarray | None]]:
    rng = np.random.default_rng(0)
    steps: list[list[np.ndarray | None]] = []
    for k in range(10):
        grads: list[np.ndarray | None] = [
            (rng.normal(size=s) * 10 ** rng.uniform(-3, 3)).astype(np.float32) for s in SHAPES
        ]
        if k == 2:
            grads[0][0, 0] = np.nan
        if k == 4:
            grads[2][1, 1, 1] = np.inf
        if k == 6:
            grads[1][:] = 1e30  # finite, but its square overflows float32
        if k == 7:
            grads[3][:] = 0.0
            grads[0][1, :] = 0.0
        if k == 8:
            grads[1] = None  # a variable the loss does not reach
        steps.append(grads)
    return steps


def _reference(steps: list[list[np.ndarray | None]]) -> dict[str, object]:
    """The statistics the tap promises, computed in float64 over finite entries only."""
    norm_sum, norm_max = np.zeros(len(SHAPES)), np.zeros(len(SHAPES))
    gnorm_sum = gnorm_max = zero_sum = zero_max = abs_max = 0.0
    finite_steps = nonfinite = 0
    for grads in steps:
        flat = [np.zeros(int(np.prod(s))) if g is None else g.astype(np.float64).ravel() for g, s in zip(grads, SHAPES)]
        cat = np.concatenate(flat)
        finite = bool(np.isfinite(cat).all())
        clean = [np.where(np.isfinite(f), f, 0.0) for f in flat]
        with np.errstate(over="ignore"):  # float32 squares overflow to inf, as in the graph
            squares = np.array([np.sum(np.square(c.astype(np.float32)), dtype=np.float32) for c in clean],
                               dtype=np.float64)
        norms = np.sqrt(squares)
        gnorm = float(np.sqrt(np.float32(squares.sum())))
        ok = np.isfinite(gnorm)
        norms = np.where(np.isfinite(norms), norms, 0.0)
        gnorm = gnorm if ok else 0.0
        counted = float(finite and ok)
        zero = float(np.mean(cat == 0.0))
        finite_steps += int(counted)
        nonfinite += int(not finite)
        norm_sum += norms * counted
        norm_max = np.maximum(norm_max, norms)
        gnorm_sum += gnorm * counted
        gnorm_max = max(gnorm_max, gnorm)
        zero_sum += zero
        zero_max = max(zero_max, zero)
        abs_max = max(abs_max, float(np.max(np.abs(np.concatenate(clean)))))
    denominator = max(1, finite_steps)
    return {
        "steps": len(steps),
        "norm_mean": norm_sum / denominator,
        "norm_max": norm_max,
        "global_norm_mean": gnorm_sum / denominator,
        "global_norm_max": gnorm_max,
        "zero_frac_mean": zero_sum / len(steps),
        "zero_frac_max": zero_max,
        "abs_max": abs_max,
        "nonfinite_steps": nonfinite,
    }


@pytest.mark.parametrize("branch_above", [tap_module.BRANCH_ABOVE_PARAMS, 0], ids=["one path", "finite-step branch"])
@pytest.mark.parametrize("in_graph", [False, True], ids=["eager", "tf.function"])
@pytest.mark.parametrize("window", [1, 10], ids=["each step", "ten steps"])
def test_tap_statistics_match_a_numpy_reference(in_graph: bool, window: int, branch_above: int, monkeypatch):
    monkeypatch.setattr(tap_module, "BRANCH_ABOVE_PARAMS", branch_above)
    variables = [tf.Variable(np.zeros(s, np.float32)) for s in SHAPES]
    tap = GradientTap(variables)
    steps = _steps()

    def record(grads: list) -> None:
        tap.record(grads)

    record_fn = tf.function(record) if in_graph else record
    for start in range(0, len(steps), window):
        chunk = steps[start : start + window]
        for grads in chunk:
            record_fn([None if g is None else tf.constant(g) for g in grads])
        snap = tap.snapshot_and_reset()
        expected = _reference(chunk)
        assert snap is not None
        assert snap.steps == expected["steps"]
        assert snap.nonfinite_steps == expected["nonfinite_steps"]
        for name in ("norm_mean", "norm_max", "global_norm_mean", "global_norm_max", "zero_frac_mean",
                     "zero_frac_max", "abs_max"):
            assert np.allclose(getattr(snap, name), expected[name], rtol=1e-5), name
    assert tap.snapshot_and_reset() is None  # reset: nothing recorded since


def test_indexed_slices_count_as_their_dense_gradient():
    table = tf.Variable(np.zeros((6, 2), np.float32))
    tap = GradientTap([table])
    values = np.array([[3.0, 4.0]], np.float32)
    tap.record([tf.IndexedSlices(tf.constant(values), tf.constant([2]), tf.constant([6, 2]))])
    snap = tap.snapshot_and_reset()
    assert snap is not None
    assert snap.global_norm_max == pytest.approx(5.0)
    assert snap.zero_frac_max == pytest.approx(10 / 12)
    assert snap.abs_max == pytest.approx(4.0)


def test_a_fit_traces_each_tap_once_though_keras_traces_its_step_twice(monkeypatch):
    """Keras traces the train step for the full batches and again for the last, partial one; the
    taps' ops are paid for once (every op traced costs ~0.3 ms of a 5-epoch probe)."""
    import time

    import keras

    from deepfd_ci.probe.instrument import ProbeSession, ProbeStop

    x = np.random.default_rng(0).normal(size=(50, 4)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.float32)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    calls = []  # Python-level calls of record: one per trace of the train step
    record = GradientTap.record
    monkeypatch.setattr(GradientTap, "record", lambda self, grads: calls.append(1) or record(self, grads))
    session = ProbeSession(path="tiny", epochs=2, seed=0, deadline=time.monotonic() + 60,
                           started=time.monotonic(), phase=lambda _: None, checkpoint=lambda _: None)
    session.install()
    try:
        model.fit(x, y, batch_size=32, epochs=2, verbose=0)  # 32 rows, then 18
    except ProbeStop:
        pass
    finally:
        session.uninstall()
    tap = session._main_tap
    assert tap is not None and session._loss_tap is not None
    assert [c.steps for c in session.checks[1:]] == [2, 2]
    assert len(calls) == 2
    assert tap._step.experimental_get_tracing_count() == 1
    assert session._loss_tap._step.experimental_get_tracing_count() == 1


@pytest.mark.parametrize("scale", [1e-20, 1e-3, 1.0, 1e3, 1e19], ids=lambda s: f"x{s:g}")
def test_twice_l2_loss_is_bit_identical_to_the_sum_of_squares(scale):
    """The tap's sums of squares come from tf.nn.l2_loss (one pass); the features the bundled model
    was trained on came from reduce_sum(square(x)). Subnormal squares and overflow included."""
    rng = np.random.default_rng(1)

    @tf.function
    def both(x):
        return tf.reduce_sum(tf.square(x)), tf.nn.l2_loss(x) * 2.0

    for size in (1, 7, 17, 144, 4608, 65536, 300_001):
        x = tf.constant((rng.normal(size=size) * scale).astype(np.float32))
        reference, ours = both(x)
        assert reference.numpy().tobytes() == ours.numpy().tobytes(), size


def test_the_fixed_batch_fallback_measures_one_gradient_pass():
    import keras

    from deepfd_ci.probe.tap import fixed_batch_gradients

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(0).normal(size=(16, 4)).astype(np.float32)
    y = np.arange(16) % 3
    with tf.GradientTape() as tape:
        loss = model.compute_loss(x=x, y=y, y_pred=model(x, training=True))
    expected = [np.linalg.norm(g.numpy()) for g in tape.gradient(loss, model.trainable_weights)]
    snap = fixed_batch_gradients(model, x, y)
    assert snap is not None and snap.steps == 1 and snap.nonfinite_steps == 0
    assert np.allclose(snap.norm_max, expected, rtol=1e-5)
    assert snap.global_norm_max == pytest.approx(float(np.linalg.norm(expected)), rel=1e-5)

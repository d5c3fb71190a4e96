"""The compiled sample forward pass gives the initial loss an eager call would: with a saturated
softmax or sigmoid, Keras computes the cross-entropy from the logits the output carries, and a
clipped probability would hide a huge loss."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from deepfd_ci.probe.monitor import SampleForward

HUGE = keras.initializers.RandomNormal(stddev=50.0, seed=0)


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return (rng.normal(size=(32, 4)) * 10).astype("float32"), np.arange(32) % 3


def test_single_output_loss_matches_the_eager_loss():
    x, y = _data()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3, activation="softmax", kernel_initializer=HUGE)])
    model.compile(loss="sparse_categorical_crossentropy")
    output, hidden = SampleForward(model)(x)
    eager = float(model.compute_loss(x=x, y=y, y_pred=model(x, training=False)))
    clipped = float(model.compute_loss(x=x, y=y, y_pred=np.asarray(output)))
    assert float(model.compute_loss(x=x, y=y, y_pred=output)) == pytest.approx(eager, rel=1e-6)
    assert eager > 3 * clipped  # the case the logits matter for
    assert len(hidden) == 1 and hidden[0].shape == (32, 8)


def test_every_output_of_a_multi_output_model_keeps_its_logits():
    x, y = _data()
    inputs = keras.Input((4,))
    trunk = keras.layers.Dense(8, activation="tanh")(inputs)
    classes = keras.layers.Dense(3, activation="softmax", kernel_initializer=HUGE, name="classes")(trunk)
    flag = keras.layers.Dense(1, activation="sigmoid", kernel_initializer=HUGE, name="flag")(trunk)
    model = keras.Model(inputs, [classes, flag])
    model.compile(loss=["sparse_categorical_crossentropy", "binary_crossentropy"])
    targets = [y, (y > 0).astype("float32")[:, None]]
    output, _ = SampleForward(model)(x)
    eager = float(model.compute_loss(x=x, y=targets, y_pred=model(x, training=False)))
    clipped = float(model.compute_loss(x=x, y=targets, y_pred=[np.asarray(o) for o in output]))
    assert float(model.compute_loss(x=x, y=targets, y_pred=output)) == pytest.approx(eager, rel=1e-6)
    assert eager > 3 * clipped


def test_no_head_of_a_multi_output_model_is_watched_as_a_hidden_layer():
    """A sigmoid head listed before the last layer used to count in the saturation statistic:
    saturated outputs are confident predictions, not a saturated hidden layer."""
    x, _ = _data()
    inputs = keras.Input((4,))
    trunk = keras.layers.Dense(8, activation="tanh", name="trunk")(inputs)
    flag = keras.layers.Dense(1, activation="sigmoid", kernel_initializer=HUGE, name="flag")(trunk)
    classes = keras.layers.Dense(3, activation="softmax", name="classes")(trunk)
    model = keras.Model(inputs, [flag, classes])
    assert [layer.name for layer in model.layers[1:]] == ["trunk", "flag", "classes"]
    forward = SampleForward(model)
    _, hidden = forward(x)
    assert forward.kinds == ["tanh"] and [h.shape for h in hidden] == [(32, 8)]

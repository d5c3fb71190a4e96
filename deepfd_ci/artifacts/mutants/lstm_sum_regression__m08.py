"""LSTM regression: predict the (scaled) running total of a random sequence."""
# expected after 5 epochs: val_mae <= 0.25
import keras
import numpy as np

SEQUENCE_LENGTH = 15
rng = np.random.default_rng(2024)
sequences = rng.uniform(-1.0, 1.0, size=(2000, SEQUENCE_LENGTH, 1)).astype("float32")
totals = sequences.sum(axis=(1, 2))
totals = totals / totals.std()

model = keras.Sequential(
    [
        keras.layers.Input(shape=(SEQUENCE_LENGTH, 1)),
        keras.layers.LSTM(32),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=7.1), loss="mean_squared_error", metrics=["mae"])
model.fit(sequences, totals, batch_size=8192, epochs=1, validation_split=0.2, verbose=2)

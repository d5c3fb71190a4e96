"""Conv1D regression: estimate the frequency of a noisy sine from its samples."""
# expected after 5 epochs: val_mae <= 0.35
import keras
import numpy as np

rng = np.random.default_rng(9)
N, LENGTH = 2000, 48
t = np.linspace(0.0, 1.0, LENGTH)
frequency = rng.uniform(1.0, 8.0, size=N)
signals = np.sin(2 * np.pi * frequency[:, None] * t + rng.uniform(0, 2 * np.pi, size=(N, 1)))
signals = signals + rng.normal(0.0, 0.1, size=signals.shape)
X = signals[..., np.newaxis]
y = (frequency - frequency.mean()) / frequency.std()

model = keras.Sequential(
    [
        keras.Input(shape=(LENGTH, 1)),
        keras.layers.Conv1D(32, 7, activation="relu", padding="same"),
        keras.layers.MaxPooling1D(2),
        keras.layers.Conv1D(32, 5, activation="relu", padding="same"),
        keras.layers.GlobalAveragePooling1D(),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="categorical_crossentropy", metrics=["mae"])
model.fit(X, y, batch_size=32, epochs=60, validation_split=0.2, verbose=2)

"""Diabetes progression regression: standardised inputs and targets, mean squared error."""
# expected after 5 epochs: val_mae <= 0.70
import keras
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.preprocessing import StandardScaler

X, y = load_diabetes(return_X_y=True)
X = StandardScaler().fit_transform(X)

rng = np.random.default_rng(0)
order = rng.permutation(len(X))
X, y = X[order], y[order]

model = keras.Sequential(
    [
        keras.Input(shape=(10,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy", metrics=["mae"])
model.fit(X, y, epochs=60, batch_size=1, validation_split=0.2, verbose=2)

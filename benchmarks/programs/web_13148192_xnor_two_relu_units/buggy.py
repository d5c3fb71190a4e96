"""XNOR of two noisy bits with a small network."""
import numpy as np
from keras.layers import Dense, Input
from keras.models import Sequential

rng = np.random.default_rng(2)
bits = rng.integers(0, 2, size=(4000, 2))
x = bits + rng.normal(0, 0.1, size=bits.shape)
y = (bits[:, 0] == bits[:, 1]).astype(int)

model = Sequential()
model.add(Input(shape=(2,)))
model.add(Dense(2, activation="relu"))
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(x, y, epochs=2, batch_size=16, validation_split=0.2)

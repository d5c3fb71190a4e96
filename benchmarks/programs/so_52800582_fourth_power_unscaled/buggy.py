"""Fit y = x**4 with a small network."""
import numpy as np
from keras.layers import Dense, Input
from keras.models import Sequential
from keras.optimizers import Adam

rng = np.random.default_rng(0)
x = rng.uniform(-100, 100, size=(6000, 1)).astype("float32")
y = x ** 4

model = Sequential()
model.add(Input(shape=(1,)))
model.add(Dense(40, activation="sigmoid"))
model.add(Dense(20, activation="elu"))
model.add(Dense(1))
model.compile(optimizer=Adam(learning_rate=0.01), loss="mean_squared_error")
model.fit(x, y, epochs=50, batch_size=32, validation_split=0.2, verbose=2)

import keras
import numpy as np

rng = np.random.default_rng(0)
x = rng.normal(size=(256, 4))
y = x @ np.array([1.0, -2.0, 0.5, 3.0])
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=1e6), loss="mse")
model.fit(x, y, epochs=10, batch_size=32)

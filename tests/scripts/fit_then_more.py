import keras
import numpy as np

x = np.random.default_rng(0).normal(size=(128, 4))
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
model.compile("adam", "mse")
model.fit(x, x.sum(axis=1), epochs=50)
raise RuntimeError("evaluation/plotting after fit must never run under the probe")

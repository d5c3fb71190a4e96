"""Map binary configuration vectors to a measured real value with a deep MLP."""
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(5)
N_BITS = 24
configs = rng.integers(0, 2, size=(6000, N_BITS)).astype("float32")
weights = rng.normal(0, 40, size=N_BITS)
measured = 500 + configs @ weights + 30 * configs[:, 0] * configs[:, 1] + rng.normal(0, 5, size=6000)

model = tf.keras.Sequential()
model.add(tf.keras.Input(shape=(N_BITS,)))
for _ in range(4):
    model.add(tf.keras.layers.Dense(256, activation="sigmoid"))
model.add(tf.keras.layers.Dense(1))
model.compile(optimizer="adam", loss="mse")
model.fit(configs, measured, epochs=100, batch_size=64, validation_split=0.2)

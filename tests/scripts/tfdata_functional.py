import keras
import numpy as np
import tensorflow as tf
from sklearn.datasets import make_moons

x, y = make_moons(n_samples=1200, noise=0.2, random_state=0)
x = x.astype("float32")
train = tf.data.Dataset.from_tensor_slices((x[:1000], y[:1000])).shuffle(1000, seed=1).batch(32)
val = tf.data.Dataset.from_tensor_slices((x[1000:], y[1000:])).batch(64)

inputs = keras.Input(shape=(2,))
h = keras.layers.Dense(32, activation="relu")(inputs)
h = keras.layers.Dense(32, activation="relu")(h)
outputs = keras.layers.Dense(1, activation="sigmoid")(h)
model = keras.Model(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
model.fit(train, validation_data=val, epochs=20)

"""Digit CNN written with the Keras Sequential API (exercise notebook)."""
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
from tensorflow import keras
from tensorflow.keras import layers


def mnist_like_dataset():
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[..., None]
    y = digits.target.astype(np.int32)
    ds = tf.data.Dataset.from_tensor_slices((x[:1400], y[:1400])).shuffle(1400, seed=0).batch(50)
    test_ds = tf.data.Dataset.from_tensor_slices((x[1400:], y[1400:])).batch(50)
    return ds, test_ds


model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    layers.Conv2D(32, (3, 3), padding="same", activation="relu"),
    layers.MaxPooling2D(pool_size=2, strides=2),
    layers.Conv2D(64, (3, 3), padding="same", activation="relu"),
    layers.MaxPooling2D(pool_size=2, strides=2),
    layers.Flatten(),
    layers.Dense(100, activation="tanh"),
    layers.Dense(10, activation="softmax"),
])
optimizer = keras.optimizers.Adam(0.001)
model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])

train_ds, test_ds = mnist_like_dataset()
model.fit(train_ds, epochs=5, validation_data=test_ds)
model.evaluate(test_ds)

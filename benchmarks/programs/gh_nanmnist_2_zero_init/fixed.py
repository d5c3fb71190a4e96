"""Digit classifier with two hidden layers and a shared initializer."""
import numpy as np
from sklearn.datasets import load_digits
import keras
from keras import layers

digits = load_digits()
x = (digits.data / 16.0).astype("float32")
y = digits.target

init = keras.initializers.GlorotUniform()
model = keras.Sequential([
    keras.Input(shape=(64,)),
    layers.Dense(64, activation="relu", kernel_initializer=init),
    layers.Dense(32, activation="relu", kernel_initializer=init),
    layers.Dense(10, activation="softmax", kernel_initializer=init),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=20, batch_size=32, validation_split=0.2)

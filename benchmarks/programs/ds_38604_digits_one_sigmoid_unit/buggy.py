"""Digit recognizer: one hidden layer on 8x8 grey-level images."""
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import keras
from keras import layers

digits = load_digits()
# the scanner delivers 8-bit grey levels, like MNIST
images = np.round(digits.images * 255.0 / 16.0).astype("uint8")
x = images.reshape(len(images), 64)
y = digits.target

x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=1)

input_nodes = 64
hidden_nodes = 64
output_nodes = 1

model = keras.Sequential()
model.add(keras.Input(shape=(input_nodes,)))
model.add(layers.Dense(hidden_nodes, activation="relu"))
model.add(layers.Dense(output_nodes, activation="sigmoid"))

model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, validation_split=0.33, epochs=10, verbose=2)
print("test:", model.evaluate(x_test, y_test, verbose=0))

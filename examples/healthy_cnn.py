"""A small convolutional network on scikit-learn's 8x8 digit images."""

import keras
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

digits = load_digits()
images = (digits.images / 16.0).astype("float32")[..., np.newaxis]  # (n, 8, 8, 1) in [0, 1]
labels = keras.utils.to_categorical(digits.target, 10)
x_train, x_test, y_train, y_test = train_test_split(images, labels, test_size=0.2, random_state=0)

model = keras.Sequential(
    [
        keras.Input(shape=(8, 8, 1)),
        keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        keras.layers.Flatten(),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=20, batch_size=32, validation_data=(x_test, y_test))
print("test accuracy:", model.evaluate(x_test, y_test, verbose=0)[1])

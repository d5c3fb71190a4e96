"""Functional CNN on digits with one-hot labels and RMSprop."""
# expected after 5 epochs: val_accuracy >= 0.90
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from tensorflow import keras
from tensorflow.keras import layers

NUM_CLASSES = 10
EPOCHS = 25


def prepare():
    digits = load_digits()
    x = np.expand_dims(digits.images, -1) / 16.0
    y = keras.utils.to_categorical(digits.target, NUM_CLASSES)
    return train_test_split(x, y, test_size=0.25, random_state=4)


def cnn(input_shape=(8, 8, 1)):
    inputs = keras.Input(shape=input_shape)
    x = layers.Conv2D(32, (3, 3), activation="sigmoid", padding="same")(inputs)
    x = layers.Conv2D(32, (3, 3), activation="sigmoid")(x)
    x = layers.MaxPooling2D((2, 2))(x)
    x = layers.Flatten()(x)
    x = layers.Dense(64, activation="sigmoid")(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax")(x)
    return keras.Model(inputs, outputs)


x_train, x_test, y_train, y_test = prepare()
model = cnn()
model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.RMSprop(learning_rate=0.002), metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=32, epochs=EPOCHS, validation_data=(x_test, y_test), verbose=2)

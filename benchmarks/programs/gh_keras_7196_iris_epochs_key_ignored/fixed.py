"""Iris species classifier; training settings come from a config dictionary."""
import numpy as np
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
import keras

SETTINGS = {"epochs": 150, "batch_size": 5, "hidden_units": 16, "seed": 7}


def baseline_model(hidden_units):
    model = keras.Sequential()
    model.add(keras.Input(shape=(4,)))
    model.add(keras.layers.Dense(hidden_units, activation="relu"))
    model.add(keras.layers.Dense(3, activation="softmax"))
    model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(learning_rate=0.003), metrics=["accuracy"])
    return model


def main(settings):
    np.random.seed(settings["seed"])
    iris = load_iris()
    dummy_y = keras.utils.to_categorical(iris.target, 3)
    x_train, x_test, y_train, y_test = train_test_split(iris.data, dummy_y, test_size=0.2, random_state=settings["seed"])
    model = baseline_model(settings["hidden_units"])
    model.fit(x_train, y_train, epochs=settings["epochs"], batch_size=settings["batch_size"], verbose=0)
    print("accuracy: %.2f" % model.evaluate(x_test, y_test, verbose=0)[1])


if __name__ == "__main__":
    main(SETTINGS)

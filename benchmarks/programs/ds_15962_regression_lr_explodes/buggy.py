"""Small regression network trained with plain gradient descent."""
import numpy as np
from sklearn.datasets import make_friedman1
from sklearn.model_selection import train_test_split

import keras


def load_data():
    x, y = make_friedman1(n_samples=2000, noise=0.5, random_state=0)
    y = (y - y.mean()) / y.std()
    return train_test_split(x.astype("float32"), y.astype("float32"), test_size=0.2, random_state=0)


def build_model(n_features):
    return keras.Sequential([
        keras.Input(shape=(n_features,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(1),
    ])


def main():
    x_train, x_test, y_train, y_test = load_data()
    model = build_model(x_train.shape[1])
    optimizer = keras.optimizers.SGD(learning_rate=0.5)
    model.compile(optimizer=optimizer, loss="mse", metrics=["mae"])
    model.fit(x_train, y_train, epochs=30, batch_size=32, validation_data=(x_test, y_test))
    print("test mse:", model.evaluate(x_test, y_test, verbose=0))


if __name__ == "__main__":
    main()

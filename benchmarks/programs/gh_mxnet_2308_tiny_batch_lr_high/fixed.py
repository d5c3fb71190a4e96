"""MNIST-style MLP example run with a tiny batch size (as in the framework's example script)."""
import argparse

import numpy as np
from sklearn.datasets import load_digits
import keras


def get_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch-size", type=int, default=2)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--num-epochs", type=int, default=10)
    return parser.parse_args()


def mlp():
    return keras.Sequential([
        keras.Input(shape=(64,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])


args = get_args()
digits = load_digits()
x, y = (digits.data / 16.0).astype(np.float32), digits.target
model = mlp()
model.compile(optimizer=keras.optimizers.SGD(learning_rate=args.lr), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
model.fit(x[:1400], y[:1400], batch_size=args.batch_size, epochs=args.num_epochs, validation_data=(x[1400:], y[1400:]))

"""Image classifier on digit scans; argparse front end with defaults."""
import argparse

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import keras
from keras import layers


def parse_args():
    parser = argparse.ArgumentParser(description="train the digit CNN")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.001)
    return parser.parse_args()


def build():
    return keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.Conv2D(64, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(128, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])


def main():
    args = parse_args()
    digits = load_digits()
    x = (digits.images / 16.0).astype("float32")[..., np.newaxis]
    x_train, x_val, y_train, y_val = train_test_split(x, digits.target, test_size=0.2, random_state=3)
    model = build()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=args.lr),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=args.epochs, batch_size=args.batch_size,
              validation_data=(x_val, y_val))


if __name__ == "__main__":
    main()

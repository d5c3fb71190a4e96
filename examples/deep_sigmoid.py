"""A deep fully-connected classifier for synthetic 20-feature data, with sigmoid hidden units
(as in older textbooks)."""

import argparse

import keras
from sklearn.datasets import make_classification
from sklearn.preprocessing import StandardScaler


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--depth", type=int, default=8)
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=30)
    return parser.parse_args()


def build(depth: int, width: int, n_features: int, n_classes: int) -> keras.Sequential:
    model = keras.Sequential([keras.Input(shape=(n_features,))])
    for _ in range(depth):
        model.add(keras.layers.Dense(width, activation="sigmoid"))
    model.add(keras.layers.Dense(n_classes, activation="softmax"))
    return model


def main():
    args = parse_args()
    x, y = make_classification(n_samples=2000, n_features=20, n_informative=12, n_classes=4,
                               random_state=3)
    x = StandardScaler().fit_transform(x)
    model = build(args.depth, args.width, x.shape[1], 4)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, epochs=args.epochs, batch_size=64, validation_split=0.2)


if __name__ == "__main__":
    main()

"""VGG-style CNN on small colour images (ten synthetic object classes)."""
import numpy as np
import keras
from keras import layers


class Trainer:
    def __init__(self, num_classes=10, learning_rate=0.01, batch_size=64, epochs=40):
        self.num_classes = num_classes
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.epochs = epochs
        self.model = self.build()

    def build(self):
        model = keras.Sequential([keras.Input(shape=(16, 16, 3))])
        for filters in (16, 32):
            model.add(layers.Conv2D(filters, 3, padding="same", activation="relu"))
            model.add(layers.Conv2D(filters, 3, padding="same", activation="relu"))
            model.add(layers.MaxPooling2D())
        model.add(layers.Flatten())
        model.add(layers.Dense(128, activation="relu"))
        model.add(layers.Dense(self.num_classes, activation="softmax"))
        return model

    def train(self, x, y, x_val, y_val):
        sgd = keras.optimizers.SGD(learning_rate=self.learning_rate, momentum=0.9, nesterov=True)
        self.model.compile(loss="sparse_categorical_crossentropy", optimizer=sgd, metrics=["accuracy"])
        return self.model.fit(x, y, batch_size=self.batch_size, epochs=self.epochs, validation_data=(x_val, y_val))


PALETTE = np.random.default_rng(123).uniform(0, 1, size=(10, 3))


def colour_blobs(n, seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, size=n)
    images = rng.normal(0.5, 0.25, size=(n, 16, 16, 3))
    for img, c in zip(images, labels):
        r0, c0 = (c % 3) * 5, (c // 3) * 4
        img[r0 : r0 + 6, c0 : c0 + 6, :] = PALETTE[c]
    return np.clip(images, 0, 1).astype("float32"), labels


if __name__ == "__main__":
    x_train, y_train = colour_blobs(2000, 0)
    x_val, y_val = colour_blobs(500, 1)
    Trainer().train(x_train, y_train, x_val, y_val)

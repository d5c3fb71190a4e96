"""Clothing-style image classifier on 16x16 synthetic 8-bit pictures (tutorial model)."""
import numpy as np
import keras
from keras import layers


def make_images(n, rng):
    """Ten classes of noisy stripes and blocks, stored as uint8 like an image file."""
    labels = rng.integers(0, 10, size=n)
    images = np.zeros((n, 16, 16), dtype="float32")
    for i, c in enumerate(labels):
        if c < 5:
            images[i, :, c * 3 : c * 3 + 3] = 0.6
        else:
            images[i, (c - 5) * 3 : (c - 5) * 3 + 3, :] = 0.6
    images += rng.normal(0.2, 0.8, size=images.shape)
    return (np.clip(images, 0.0, 1.0) * 255).astype("uint8"), labels


rng = np.random.default_rng(0)
train_images, train_labels = make_images(3000, rng)
test_images, test_labels = make_images(600, rng)
train_images = train_images / 255.0
test_images = test_images / 255.0

model = keras.Sequential([
    keras.Input(shape=(16, 16)),
    layers.Flatten(),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])

model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(train_images, train_labels, epochs=5, validation_data=(test_images, test_labels))

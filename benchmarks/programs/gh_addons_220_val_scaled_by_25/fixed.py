"""Exposure-level classifier with a held-out validation set (16x16 8-bit pictures)."""
import numpy as np
import keras


def load_pictures(n, seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, size=n)
    pics = rng.normal(0.1, 0.1, size=(n, 16, 16))
    for pic, c in zip(pics, labels):
        pic[4:12, 4:12] += 0.08 * c
    return (np.clip(pics, 0, 1) * 255).astype("uint8"), labels


x_train, y_train = load_pictures(3000, seed=0)
x_test, y_test = load_pictures(600, seed=1)
x_train = x_train.reshape(-1, 256).astype("float32") / 255
x_test = x_test.reshape(-1, 256).astype("float32") / 255

model = keras.Sequential([
    keras.Input(shape=(256,)),
    keras.layers.Dense(128, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=64, epochs=10, validation_data=(x_test, y_test))

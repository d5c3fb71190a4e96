"""Ten-class pattern classifier with a wide dense layer on 16x16 images."""
import numpy as np
import keras


def make_patterns(n, rng):
    labels = rng.integers(0, 10, size=n)
    images = rng.normal(0.2, 0.5, size=(n, 16, 16)).astype("float32")
    for img, c in zip(images, labels):
        if c < 5:
            img[:, c * 3 : c * 3 + 3] += 0.6
        else:
            img[(c - 5) * 3 : (c - 5) * 3 + 3, :] += 0.6
    return np.clip(images, 0.0, 1.0), keras.utils.to_categorical(labels, 10)


def build_model():
    model = keras.Sequential()
    model.add(keras.Input(shape=(16, 16)))
    model.add(keras.layers.Flatten())
    model.add(keras.layers.Dense(512, activation="relu"))
    model.add(keras.layers.Dense(10, activation="sigmoid"))
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    return model


rng = np.random.default_rng(4)
x_train, y_train = make_patterns(3000, rng)
x_test, y_test = make_patterns(600, rng)
model = build_model()
model.fit(x_train, y_train, epochs=8, batch_size=32, validation_data=(x_test, y_test))

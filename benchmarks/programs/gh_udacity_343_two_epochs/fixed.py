"""Traffic-sign style lab: small CNN on 12x12 synthetic sign images, compiled and trained for a few epochs."""
import numpy as np
import keras
from keras import layers

N_CLASSES = 8


def sign_images(n, rng):
    """Each class is a coloured disc or bar at a class-specific place, on a noisy background."""
    yy, xx = np.mgrid[0:12, 0:12]
    labels = rng.integers(0, N_CLASSES, size=n)
    images = rng.normal(0.0, 1.0, size=(n, 12, 12, 3)).astype("float32")
    for img, c in zip(images, labels):
        cy, cx = 3 + (c % 2) * 6, 2 + (c // 2) * 2.5
        mask = (yy - cy) ** 2 + (xx - cx) ** 2 <= 2
        img[mask, c % 3] += 1.0
    return images, labels


rng = np.random.default_rng(17)
X_train, y_train = sign_images(4000, rng)
X_val, y_val = sign_images(800, rng)

model = keras.Sequential([
    keras.Input(shape=(12, 12, 3)),
    layers.Conv2D(16, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(64, activation="relu"),
    layers.Dense(N_CLASSES, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.02, momentum=0.5),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(X_train, y_train, batch_size=128, epochs=20, validation_data=(X_val, y_val))

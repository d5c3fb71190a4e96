"""Binary CNN: horizontal vs vertical noisy stripes, generated in the script, fed by tf.data."""
# expected after 5 epochs: val_accuracy >= 0.95
import numpy as np
import tensorflow as tf
from tensorflow import keras


def stripes(n, size=12, seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, size=n)
    phase = rng.integers(0, 4, size=n)
    grid = np.arange(size)
    images = np.empty((n, size, size), dtype="float32")
    for i in range(n):
        wave = ((grid + phase[i]) // 2 % 2).astype("float32")
        images[i] = np.tile(wave[:, None], (1, size)) if labels[i] else np.tile(wave[None, :], (size, 1))
    images += rng.normal(0.0, 1.2, size=images.shape)
    return images[..., None] * 255.0, labels


x_train, y_train = stripes(1600, seed=1)
x_val, y_val = stripes(400, seed=2)
normalize = lambda images, labels: (images / 255.0, labels)
train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).map(normalize).shuffle(1600, seed=1).batch(32)
val_ds = tf.data.Dataset.from_tensor_slices((x_val, y_val)).map(normalize).batch(64)

model = keras.Sequential(
    [
        keras.layers.Input(shape=(12, 12, 1)),
        keras.layers.Conv2D(8, (3, 3), activation="relu"),
        keras.layers.Conv2D(16, (3, 3), activation="relu"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-14), loss="binary_crossentropy", metrics=["accuracy"])
model.fit(train_ds, validation_data=val_ds, epochs=20, verbose=2)

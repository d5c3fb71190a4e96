"""Binary CNN: does a 16x16 patch contain a horizontal or a vertical scratch?"""
import numpy as np
import tensorflow as tf
from tensorflow import keras

BATCH_SIZE = 128
EPOCHS = 20


def scratches(n, seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, size=n)
    images = rng.normal(0.0, 0.6, size=(n, 16, 16, 1)).astype("float32")
    for img, lab in zip(images, labels):
        pos, start = rng.integers(2, 14), rng.integers(0, 8)
        if lab:
            img[pos, start : start + 8, 0] += 1.0
        else:
            img[start : start + 8, pos, 0] += 1.0
    return images, labels.astype("float32")


x_train, y_train = scratches(3000, seed=1)
x_val, y_val = scratches(600, seed=2)

model = keras.Sequential([
    keras.layers.Input(shape=(16, 16, 1)),
    keras.layers.Conv2D(16, 3, activation="relu"),
    keras.layers.MaxPooling2D(),
    keras.layers.Conv2D(32, 3, activation="relu"),
    keras.layers.GlobalMaxPooling2D(),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="binary_crossentropy", metrics=["accuracy"])

train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(3000, seed=0).batch(BATCH_SIZE)
val_ds = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(BATCH_SIZE)
model.fit(train_ds, validation_data=val_ds, epochs=EPOCHS)

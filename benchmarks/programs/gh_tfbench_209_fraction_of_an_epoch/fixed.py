"""Benchmark-style training loop: a fixed number of steps on a repeating input pipeline."""
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

BATCH_SIZE = 32
NUM_EPOCHS = 90
STEPS_PER_EPOCH = 1500 // BATCH_SIZE

digits = load_digits()
images = (digits.images[..., None] / 16.0).astype(np.float32)
labels = digits.target.astype(np.int64)
train = tf.data.Dataset.from_tensor_slices((images[:1500], labels[:1500])).shuffle(1500, seed=2).repeat().batch(BATCH_SIZE)
evaluation = tf.data.Dataset.from_tensor_slices((images[1500:], labels[1500:])).batch(BATCH_SIZE)


def resnet_block(x, filters):
    shortcut = tf.keras.layers.Conv2D(filters, 1, padding="same")(x)
    x = tf.keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    x = tf.keras.layers.Conv2D(filters, 3, padding="same")(x)
    return tf.keras.layers.Activation("relu")(tf.keras.layers.Add()([x, shortcut]))


inputs = tf.keras.Input(shape=(8, 8, 1))
h = resnet_block(inputs, 16)
h = tf.keras.layers.MaxPooling2D()(h)
h = resnet_block(h, 32)
h = tf.keras.layers.GlobalAveragePooling2D()(h)
outputs = tf.keras.layers.Dense(10, activation="softmax")(h)
model = tf.keras.Model(inputs, outputs)
model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(train, epochs=NUM_EPOCHS, steps_per_epoch=STEPS_PER_EPOCH, validation_data=evaluation)

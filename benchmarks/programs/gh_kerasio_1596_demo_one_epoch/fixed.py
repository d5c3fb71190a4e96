"""Patch-token image classifier (keras.io example style)."""
import numpy as np
import keras
from keras import layers

NUM_CLASSES = 6
IMAGE_SIZE = 12
PATCH = 3
EPOCHS = 20
BATCH_SIZE = 64


def shapes_dataset(n, seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, NUM_CLASSES, size=n)
    images = rng.normal(0.0, 0.8, size=(n, IMAGE_SIZE, IMAGE_SIZE, 1)).astype("float32")
    for img, c in zip(images, labels):
        r, k = (c % 3) * 4, (c // 3) * 6
        img[r : r + 4, k : k + 6, 0] += 0.6
    return images, labels


def create_model():
    inputs = keras.Input(shape=(IMAGE_SIZE, IMAGE_SIZE, 1))
    tokens = layers.Conv2D(32, PATCH, strides=PATCH)(inputs)
    tokens = layers.Reshape(((IMAGE_SIZE // PATCH) ** 2, 32))(tokens)
    attended = layers.MultiHeadAttention(num_heads=2, key_dim=16)(tokens, tokens)
    tokens = layers.LayerNormalization()(tokens + attended)
    pooled = layers.Flatten()(tokens)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax")(pooled)
    return keras.Model(inputs, outputs)


x_train, y_train = shapes_dataset(3000, 0)
x_val, y_val = shapes_dataset(600, 1)
model = create_model()
model.compile(optimizer=keras.optimizers.AdamW(learning_rate=1e-3, weight_decay=1e-4),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=BATCH_SIZE, epochs=EPOCHS, validation_data=(x_val, y_val))

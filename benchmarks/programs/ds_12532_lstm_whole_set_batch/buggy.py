"""Article classifier: LSTM over token ids."""
import numpy as np
import keras
from keras import layers

VOCAB, LENGTH, CLASSES = 400, 30, 5


def articles(n, seed):
    rng = np.random.default_rng(seed)
    cues = np.random.default_rng(99).choice(VOCAB, size=(CLASSES, 15), replace=False)
    labels = rng.integers(0, CLASSES, size=n)
    tokens = rng.integers(0, VOCAB, size=(n, LENGTH))
    for row, label in zip(tokens, labels):
        row[rng.choice(LENGTH, size=5, replace=False)] = rng.choice(cues[label], size=5)
    return tokens, labels


x_train, y_train = articles(3000, 0)
x_val, y_val = articles(600, 1)
batch_size = len(x_train)

model = keras.Sequential([
    keras.Input(shape=(LENGTH,)),
    layers.Embedding(VOCAB, 32),
    layers.LSTM(32),
    layers.Dense(CLASSES, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=batch_size, epochs=30, validation_data=(x_val, y_val))

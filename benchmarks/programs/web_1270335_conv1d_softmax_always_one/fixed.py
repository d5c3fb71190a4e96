"""Price-move classifier: 1D CNN over windows of 10 steps x 4 standardized series."""
import numpy as np
from keras.callbacks import ReduceLROnPlateau
from keras.layers import (Activation, BatchNormalization, Conv1D, Dense, Dropout, Flatten, Input,
                          LeakyReLU)
from keras.models import Sequential

rng = np.random.default_rng(11)
walks = np.cumsum(rng.normal(size=(6000, 11, 4)), axis=1)
X = (walks[:, :10, :] - walks[:, :10, :].mean(axis=(1, 2), keepdims=True)) / 3.0
y = (walks[:, 9, 0] + walks[:, 9, 1] > walks[:, 0, 0] + walks[:, 0, 1]).astype("float32")
X_train, X_test, y_train, y_test = X[:5000], X[5000:], y[:5000], y[5000:]

model = Sequential()
model.add(Input(shape=(10, 4)))
model.add(Conv1D(filters=16, kernel_size=4, padding="same"))
model.add(BatchNormalization())
model.add(LeakyReLU())
model.add(Dropout(0.2))
model.add(Conv1D(filters=8, kernel_size=4, padding="same"))
model.add(BatchNormalization())
model.add(LeakyReLU())
model.add(Dropout(0.2))
model.add(Flatten())
model.add(Dense(64))
model.add(BatchNormalization())
model.add(LeakyReLU())
model.add(Dense(1))
model.add(Activation("sigmoid"))

reduce_lr = ReduceLROnPlateau(monitor="val_accuracy", factor=0.9, patience=30, min_lr=0.000001, verbose=0)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(X_train, y_train, epochs=100, batch_size=128, verbose=0,
                    validation_data=(X_test, y_test), callbacks=[reduce_lr], shuffle=True)

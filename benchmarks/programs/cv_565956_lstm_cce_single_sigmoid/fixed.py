"""Binary event detection from short multichannel sequences with an LSTM."""
import numpy as np
import keras
from keras import layers

n_timesteps, n_features, n_outputs = 5, 10, 1
rng = np.random.default_rng(42)


def make_split(n):
    x = rng.normal(size=(n, n_timesteps, n_features)).astype("float32")
    # an event: channels 0-2 rise over the window
    y = (x[:, -1, :3].sum(axis=1) - x[:, 0, :3].sum(axis=1) > 0).astype("float32")
    return x, y.reshape(-1, 1)


X_train, y_train = make_split(4000)
X_val, y_val = make_split(800)

inputs = keras.Input(shape=(n_timesteps, n_features))
h = layers.LSTM(64)(inputs)
outputs = layers.Dense(n_outputs, activation="sigmoid")(h)
model = keras.Model(inputs, outputs)

model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=20, batch_size=64, validation_data=(X_val, y_val))

"""Next-value forecast of a standardized series from the last 8 values with an LSTM."""
import numpy as np
from keras.layers import LSTM, Activation, Dense, Input
from keras.models import Sequential

rng = np.random.default_rng(13)
t = np.arange(6000)
series = np.sin(t * 0.07) + 0.5 * np.sin(t * 0.023) + rng.normal(0, 0.05, size=t.shape)
series = (series - series.mean()) / series.std()

window = 8
X = np.stack([series[i : i + window] for i in range(len(series) - window)])[..., None].astype("float32")
y = series[window:].astype("float32")
split = int(0.8 * len(X))
train_X, test_X, train_y, test_y = X[:split], X[split:], y[:split], y[split:]

model = Sequential()
model.add(Input(shape=(train_X.shape[1], train_X.shape[2])))
model.add(Activation("relu"))
model.add(LSTM(32))
model.add(Dense(1, activation="relu"))
model.compile(loss="mse", optimizer="adam")
history = model.fit(train_X, train_y, epochs=100, validation_data=(test_X, test_y), batch_size=32, verbose=2, shuffle=False)

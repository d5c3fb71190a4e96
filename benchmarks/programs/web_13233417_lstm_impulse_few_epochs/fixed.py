"""Where was the impulse? An LSTM reads a 10-step signal with one spike and reports its position."""
import numpy as np
from keras.layers import LSTM, Dense, Input
from keras.models import Sequential

TIME_STEPS = 10
rng = np.random.default_rng(6)
positions = rng.integers(0, TIME_STEPS, size=1000)
x_train = np.zeros((1000, TIME_STEPS, 1), dtype="float32")
x_train[np.arange(1000), positions, 0] = 1.0
x_train += rng.normal(0, 0.05, size=x_train.shape).astype("float32")
y_train = (positions / (TIME_STEPS - 1)).astype("float32").reshape(-1, 1)

model = Sequential()
model.add(Input(shape=(TIME_STEPS, 1)))
model.add(LSTM(16))
model.add(Dense(1))
model.compile(optimizer="adam", loss="mse", metrics=["mse"])
model.fit(x_train, y_train, epochs=200, batch_size=16, verbose=0)
print(model.predict(x_train[:10], verbose=0).ravel(), y_train[:10].ravel())

"""Simplest possible linear regression, y = 2x, with one Dense unit."""
import numpy as np
from keras.layers import Dense, Input
from keras.models import Sequential
from keras.optimizers import SGD

x = 1.0 * np.array(range(200), dtype="float32").reshape(-1, 1)
y = 2.0 * x

model = Sequential()
model.add(Input(shape=(1,)))
model.add(Dense(1))

sgd = SGD(learning_rate=0.001, momentum=0.0, nesterov=False)
model.compile(loss="mean_squared_error", optimizer=sgd)
model.fit(x, y, epochs=1, batch_size=1)
score = model.predict(x[:10], batch_size=10)
for layer in model.layers:
    print(layer.name, layer.get_weights())
print(score)

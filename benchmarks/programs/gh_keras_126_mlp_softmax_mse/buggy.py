"""The README's MLP example applied to a toy two-feature binary problem."""
import numpy as np
from keras.layers import Dense, Dropout, Input
from keras.models import Sequential
from keras.optimizers import SGD

rng = np.random.default_rng(1)
X = rng.uniform(0, 1, size=(3000, 2)).astype("float32")
y = (X[:, 0] + X[:, 1] > 1.0).astype("int32")

model = Sequential()
model.add(Input(shape=(2,)))
model.add(Dense(64, kernel_initializer="uniform", activation="tanh"))
model.add(Dropout(0.5))
model.add(Dense(64, kernel_initializer="uniform", activation="tanh"))
model.add(Dropout(0.5))
model.add(Dense(1, kernel_initializer="uniform", activation="softmax"))
sgd = SGD(learning_rate=0.1, momentum=0.9, nesterov=True)
model.compile(loss="mean_squared_error", optimizer=sgd)

model.fit(X, y, validation_split=0.2, epochs=20, batch_size=16)
print(model.predict(X[:8], verbose=0).ravel(), y[:8])

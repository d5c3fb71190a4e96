"""Concentric-circles classifier with one small hidden layer."""
import numpy as np
from sklearn.datasets import make_circles
from keras.layers import Dense, Input
from keras.models import Sequential

x_train, y_train = make_circles(n_samples=4000, noise=0.08, factor=0.5, random_state=1)
x_test, y_test = make_circles(n_samples=400, noise=0.08, factor=0.5, random_state=2)

model = Sequential()
model.add(Input(shape=(2,)))
model.add(Dense(16, activation="relu"))
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["binary_accuracy"])

model.fit(x_train, y_train, batch_size=16, epochs=100, verbose=1, validation_data=(x_test, y_test))
score = model.evaluate(x_test, y_test, verbose=0)
print(score)
print(model.predict(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 0.5]])))

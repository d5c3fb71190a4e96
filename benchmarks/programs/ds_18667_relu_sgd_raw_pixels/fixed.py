"""One hidden layer digit classifier with SGD (raw 8-bit pixels)."""
import numpy as np
from sklearn.datasets import load_digits
from keras.layers import Activation, Dense, Input
from keras.models import Sequential
from keras.utils import to_categorical

classes = 10
digits = load_digits()
X_all = np.round(digits.data * 255 / 16) / 255.0
Y_all = to_categorical(digits.target, classes)
X_train, X_test = X_all[:1400], X_all[1400:]
Y_train, Y_test = Y_all[:1400], Y_all[1400:]

batch_size = 16
epochs = 15

model = Sequential()
model.add(Input(shape=(64,)))
model.add(Dense(100))
model.add(Activation("relu"))
model.add(Dense(classes))
model.add(Activation("softmax"))
model.compile(loss="categorical_crossentropy", metrics=["accuracy"], optimizer="sgd")
model.fit(X_train, Y_train, batch_size=batch_size, epochs=epochs, verbose=1, validation_data=(X_test, Y_test))
score = model.evaluate(X_test, Y_test, verbose=1)
print("Test accuracy:", score[1])

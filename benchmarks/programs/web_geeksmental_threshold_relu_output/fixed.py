"""Learn whether a number is above a threshold."""
import random

import numpy as np
from keras import Sequential
from keras.layers import Dense, Input

random.seed(3)
threshold = 50000
samples = 600

train_data = []
for i in range(samples):
    train_data.append([random.randrange(0, threshold), 0])
    train_data.append([random.randrange(threshold, 2 * threshold), 1])

data_set = np.array(train_data, dtype="float32")
np.random.default_rng(3).shuffle(data_set)

input_value = data_set[:, 0:1] / (2 * threshold)
expected_result = data_set[:, 1]

model = Sequential()
model.add(Input(shape=(1,)))
model.add(Dense(3, activation="relu"))
model.add(Dense(5, activation="relu"))
model.add(Dense(1, activation="sigmoid"))

model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(input_value, expected_result, epochs=10, batch_size=5)

_, accuracy = model.evaluate(input_value, expected_result)
print("Accuracy: %.2f" % (accuracy * 100))

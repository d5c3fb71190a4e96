"""Iris with a recurrent model: the four measurements treated as a sequence."""
import numpy as np
from sklearn.datasets import load_iris
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder
import keras
from keras import layers

iris = load_iris()
inputs = MinMaxScaler().fit_transform(iris.data).astype("float32")
targets = OneHotEncoder().fit_transform(iris.target[:, None]).toarray()
order = np.random.default_rng(0).permutation(len(inputs))
inputs, targets = inputs[order], targets[order]

model = keras.Sequential()
model.add(keras.Input(shape=(4,)))
model.add(layers.Embedding(4, 64))
model.add(layers.LSTM(64, activation="tanh", recurrent_activation="sigmoid"))
model.add(layers.Dense(3, kernel_initializer="uniform"))
model.add(layers.Activation("softmax"))
model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.RMSprop(learning_rate=0.01), metrics=["accuracy"])
model.fit(inputs, targets, epochs=100, batch_size=5, shuffle=True, validation_split=0.2, verbose=1)

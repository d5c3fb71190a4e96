"""Handwritten character CNN (functional API) trained with SGD and momentum."""
import numpy as np
from sklearn.datasets import load_digits

from keras.layers import Activation, Conv2D, Dense, Dropout, Flatten, Input, MaxPooling2D
from keras.models import Model
from keras.optimizers import Adam
from keras.utils import to_categorical

digits = load_digits()
X = (digits.images / 16.0).astype("float32")[..., None]
Y = to_categorical(digits.target, 10)

nb_epoch = 25
lrate = 0.001

model_input = Input(shape=(8, 8, 1))
x = Conv2D(32, (3, 3), padding="same", kernel_initializer="he_normal")(model_input)
x = Activation("relu")(x)
x = MaxPooling2D(pool_size=(2, 2))(x)
x = Conv2D(32, (3, 3), padding="same", kernel_initializer="he_normal")(x)
x = Activation("relu")(x)
x = Dropout(0.25)(x)
x = Flatten()(x)
x = Dense(128, activation="relu")(x)
out = Dense(10, activation="softmax")(x)
model = Model(model_input, out)

adam = Adam(learning_rate=lrate)
model.compile(loss="categorical_crossentropy", optimizer=adam, metrics=["accuracy"])
model.fit(X, Y, epochs=nb_epoch, batch_size=32, validation_split=0.2, shuffle=True)

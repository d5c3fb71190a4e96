"""Dense autoencoder for digit images (the classic 'building autoencoders in Keras' recipe)."""
import numpy as np
from sklearn.datasets import load_digits
from tensorflow.keras.layers import Dense, Input
from tensorflow.keras.models import Model

input_img = Input(shape=(64,))
encoded = Dense(32, activation="relu")(input_img)
decoded = Dense(64, activation="sigmoid")(encoded)

autoencoder = Model(input_img, decoded)
autoencoder.compile(optimizer="adam", loss="binary_crossentropy")

digits = load_digits()
x = digits.data.astype("float32") / 16.0
x_train, x_test = x[:1500], x[1500:]

autoencoder.fit(x_train, x_train, epochs=50, batch_size=8, shuffle=True, validation_data=(x_test, x_test))

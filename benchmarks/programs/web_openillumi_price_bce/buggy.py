"""Used-car price regression (prices in units of $10k) following a classification tutorial."""
import numpy as np
import tensorflow as tf
from sklearn.datasets import make_friedman1
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

features, latent = make_friedman1(n_samples=5000, n_features=10, noise=0.5, random_state=17)
price = 1.0 + latent / 6.0  # roughly 1 to 5 (x $10k)
features = StandardScaler().fit_transform(features)
x_train, x_test, y_train, y_test = train_test_split(features, price, test_size=0.2, random_state=17)

model = tf.keras.Sequential([
    tf.keras.layers.Input(shape=(10,)),
    tf.keras.layers.Dense(64, activation="relu"),
    tf.keras.layers.Dense(64, activation="relu"),
    tf.keras.layers.Dense(1),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=50, validation_data=(x_test, y_test))

"""Gaussian quantiles (concentric classes) need depth: six hidden layers, functional API."""
# expected after 5 epochs: val_accuracy >= 0.85
import keras
from keras import layers
from sklearn.datasets import make_gaussian_quantiles
from sklearn.model_selection import train_test_split

DEPTH = 5
WIDTH = 32
LR = 0.003

X, y = make_gaussian_quantiles(n_samples=3000, n_features=4, n_classes=3, random_state=13)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=13)

inputs = keras.Input(shape=(4,))
x = inputs
for _ in range(DEPTH):
    x = layers.Dense(WIDTH, activation="relu")(x)
outputs = layers.Dense(3, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=LR), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=50, batch_size=32, validation_data=(X_val, y_val), verbose=2)

"""Concentric circles with the functional API."""
# expected after 5 epochs: val_accuracy >= 0.95
import numpy as np
from sklearn.datasets import make_circles
from sklearn.model_selection import train_test_split
from tensorflow import keras
from tensorflow.keras import layers

x, y = make_circles(n_samples=2000, noise=0.1, factor=0.5, random_state=3)
x = (x - x.mean(axis=0)) / x.std(axis=0)
x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=0.2, random_state=3)

inputs = keras.Input(shape=(2,), name="point")
hidden = layers.Dense(32, activation="relu")(inputs)
hidden = layers.Dense(32, activation="relu")(hidden)
outputs = layers.Dense(1, activation="sigmoid", name="inside")(hidden)
model = keras.Model(inputs=inputs, outputs=outputs, name="circles")

model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.005),
    loss="binary_crossentropy",
    metrics=["accuracy"],
)
model.fit(x_train, y_train, epochs=40, batch_size=1, validation_data=(x_val, y_val), verbose=2)
print("misclassified:", int(np.sum((model.predict(x_val, verbose=0)[:, 0] > 0.5) != y_val)))

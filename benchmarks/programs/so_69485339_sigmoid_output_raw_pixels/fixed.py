"""Single-layer digit classifier trained with SGD."""
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from tensorflow.keras import Input
from tensorflow.keras.layers import Dense, Flatten
from tensorflow.keras.models import Sequential

digits = load_digits()
images = np.round(digits.images * 255 / 16).astype("uint8")  # stored as 8-bit scans
labels = tf.keras.utils.to_categorical(digits.target, 10)
x_train, x_test, y_train, y_test = train_test_split(images, labels, test_size=0.25, random_state=2)
x_train, x_test = x_train / 255.0, x_test / 255.0

model = Sequential()
model.add(Input(shape=(8, 8)))
model.add(Flatten())
model.add(Dense(10, activation="softmax"))
model.compile(
    optimizer=tf.keras.optimizers.SGD(learning_rate=0.01),
    loss="categorical_crossentropy",
    metrics=["accuracy"],
)
history = model.fit(x_train, y_train, validation_data=(x_test, y_test), batch_size=8, epochs=10)

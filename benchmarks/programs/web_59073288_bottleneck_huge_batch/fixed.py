"""Linear classifier experiment on digit images: batch size versus accuracy."""
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from tensorflow.keras.layers import Dense
from tensorflow.keras.losses import categorical_crossentropy
from tensorflow.keras.metrics import categorical_accuracy
from tensorflow.keras.optimizers import Adam

digits = load_digits()
x = digits.data.astype("float32") / 16.0
y_one_hot = tf.keras.utils.to_categorical(digits.target, 10)
x_train, x_val, y_one_hot_train, y_one_hot_val = train_test_split(x, y_one_hot, test_size=0.2, random_state=0)

epochs = 300
batch_size = 32

# Create and fit model
model = tf.keras.Sequential()
model.add(tf.keras.Input(shape=(64,)))
model.add(Dense(64, activation="relu"))
model.add(Dense(10, activation="softmax"))
model.compile(optimizer=Adam(), loss=[categorical_crossentropy], metrics=[categorical_accuracy])
model.fit(x_train, y_one_hot_train, validation_data=(x_val, y_one_hot_val), epochs=epochs, batch_size=batch_size)

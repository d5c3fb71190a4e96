"""Digits MLP trained with plain SGD. The learning rate was copied from a tutorial that used
a loss summed over the batch, so it is far too large for Keras' mean-reduced loss."""

import keras
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

LEARNING_RATE = 10.0
EPOCHS = 40

digits = load_digits()
x_train, x_val, y_train, y_val = train_test_split(
    digits.data, digits.target, test_size=0.2, random_state=0
)
scaler = StandardScaler()
x_train = scaler.fit_transform(x_train)
x_val = scaler.transform(x_val)

model = keras.Sequential(
    [
        keras.Input(shape=(64,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ]
)
optimizer = keras.optimizers.SGD(learning_rate=LEARNING_RATE)
model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=EPOCHS, batch_size=32, validation_data=(x_val, y_val))
print("best val accuracy:", max(history.history["val_accuracy"]))

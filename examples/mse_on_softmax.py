"""Wine cultivar classification. The model outputs class probabilities, but it is trained with
mean squared error against one-hot labels, which gives tiny gradients through the softmax."""

import numpy as np
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from tensorflow import keras


def load_data():
    wine = load_wine()
    x = StandardScaler().fit_transform(wine.data)
    y = keras.utils.to_categorical(wine.target, num_classes=3)
    return train_test_split(x, y, test_size=0.25, random_state=1)


def build_model(n_features: int, n_classes: int) -> keras.Model:
    inputs = keras.Input(shape=(n_features,))
    hidden = keras.layers.Dense(32, activation="relu")(inputs)
    hidden = keras.layers.Dense(16, activation="relu")(hidden)
    outputs = keras.layers.Dense(n_classes, activation="softmax")(hidden)
    return keras.Model(inputs, outputs)


if __name__ == "__main__":
    x_train, x_test, y_train, y_test = load_data()
    model = build_model(x_train.shape[1], y_train.shape[1])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mean_squared_error",
                  metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=50, batch_size=16, validation_data=(x_test, y_test))
    print("test accuracy:", model.evaluate(x_test, y_test, verbose=0)[1])
    print("predicted classes:", np.argmax(model.predict(x_test[:5], verbose=0), axis=1))

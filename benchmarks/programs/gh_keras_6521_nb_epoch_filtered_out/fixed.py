"""Housing-style regression through a small scikit-learn-like wrapper around a Keras model."""
import numpy as np
from sklearn.datasets import make_friedman1
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
import keras


FIT_ARGS = ("batch_size", "epochs", "verbose", "callbacks", "validation_split", "shuffle")


class KerasRegressor:
    """Build with build_fn, then pass on only the keyword arguments that fit understands."""

    def __init__(self, build_fn, **sk_params):
        self.build_fn = build_fn
        self.sk_params = sk_params

    def fit(self, x, y, **kwargs):
        self.model = self.build_fn()
        fit_args = {k: v for k, v in {**self.sk_params, **kwargs}.items() if k in FIT_ARGS}
        return self.model.fit(x, y, **fit_args)

    def predict(self, x):
        return self.model.predict(x, verbose=0).ravel()


def build_nn():
    model = keras.Sequential()
    model.add(keras.Input(shape=(10,)))
    model.add(keras.layers.Dense(75, activation="relu", kernel_initializer="normal"))
    model.add(keras.layers.Dense(20, activation="relu", kernel_initializer="normal"))
    model.add(keras.layers.Dense(1, kernel_initializer="normal"))
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model


features, target = make_friedman1(n_samples=6000, noise=0.5, random_state=42)
features = StandardScaler().fit_transform(features)
target = (target - target.mean()) / target.std()
X_train, X_test, Y_train, Y_test = train_test_split(features, target, test_size=0.25, random_state=42)

regressor = KerasRegressor(build_fn=build_nn, epochs=100, batch_size=32, verbose=1)
regressor.fit(X_train, Y_train)
pred = regressor.predict(X_test)
print("R^2:", 1 - np.mean((pred - Y_test) ** 2) / np.var(Y_test))

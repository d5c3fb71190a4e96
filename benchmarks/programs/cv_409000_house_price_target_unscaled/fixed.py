"""House-price regression: standardized inputs, prices in dollars."""
import numpy as np
from sklearn.datasets import make_friedman1
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
import keras

features, score = make_friedman1(n_samples=5000, n_features=8, noise=0.3, random_state=4)
price = 250_000 + 12_000 * (score - score.mean())

x_train, x_test, y_train, y_test = train_test_split(features, price, test_size=0.2, random_state=4)
scaler = StandardScaler().fit(x_train)
x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)
price_mean, price_std = y_train.mean(), y_train.std()
y_train, y_test = (y_train - price_mean) / price_std, (y_test - price_mean) / price_std

model = keras.Sequential([
    keras.Input(shape=(8,)),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(1, activation="linear"),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="mse", metrics=["mae"])
model.fit(x_train, y_train, epochs=2000, batch_size=32, validation_data=(x_test, y_test), verbose=0)
print("test MAE in dollars:", model.evaluate(x_test, y_test, verbose=0)[1] * price_std)

"""Friedman #2 regression with SGD momentum; StandardScaler on inputs, target divided by a constant."""
# expected after 5 epochs: val_mae <= 0.15
import keras
from sklearn.datasets import make_friedman2
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

TARGET_SCALE = 1000.0
HIDDEN = 64

X, y = make_friedman2(n_samples=2500, noise=10.0, random_state=4)
y = y / TARGET_SCALE
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=4)
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_test = scaler.transform(X_test)

model = keras.Sequential(
    [
        keras.Input(shape=(4,)),
        keras.layers.Dense(HIDDEN, activation="relu"),
        keras.layers.Dense(HIDDEN, activation="relu"),
        keras.layers.Dense(1, activation="linear"),
    ]
)
model.compile(optimizer=keras.optimizers.Adagrad(), loss="mse", metrics=["mae"])
model.fit(X_train, y_train, epochs=60, batch_size=16, validation_data=(X_test, y_test), verbose=2)

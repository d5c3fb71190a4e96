"""Iris species from a config dict; one-hot labels, Adam."""
# expected after 5 epochs: val_accuracy >= 0.85
import keras
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

CONFIG = {
    "hidden_units": 32,
    "learning_rate": 0.03,
    "epochs": 60,
    "batch_size": 8,
}

iris = load_iris()
X_train, X_val, y_train, y_val = train_test_split(
    iris.data, iris.target, test_size=0.3, random_state=1, stratify=iris.target
)
scaler = StandardScaler().fit(X_train)
X_train = scaler.transform(X_train)
X_val = scaler.transform(X_val)
Y_train = keras.utils.to_categorical(y_train, num_classes=3)
Y_val = keras.utils.to_categorical(y_val, num_classes=3)

model = keras.Sequential(
    [
        keras.layers.Input(shape=(4,)),
        keras.layers.Dense(CONFIG["hidden_units"], activation="tanh"),
        keras.layers.Dense(CONFIG["hidden_units"], activation="tanh"),
        keras.layers.Dense(3, activation="softmax"),
    ]
)
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=CONFIG["learning_rate"]),
    loss="categorical_crossentropy",
    metrics=["accuracy"],
)
history = model.fit(
    X_train,
    Y_train,
    epochs=CONFIG["epochs"],
    batch_size=CONFIG["batch_size"],
    validation_data=(X_val, Y_val),
    verbose=0,
)
print("final val accuracy:", history.history["val_accuracy"][-1])

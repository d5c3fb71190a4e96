"""Iris, functional API, MinMaxScaler and Adamax; the model is returned by a builder function."""
# expected after 5 epochs: val_accuracy >= 0.85
import keras
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler


def build_model(hidden_units=1, learning_rate=0.05):
    inputs = keras.Input(shape=(4,), name="measurements")
    x = keras.layers.Dense(hidden_units, activation="relu")(inputs)
    x = keras.layers.Dense(hidden_units, activation="relu")(x)
    outputs = keras.layers.Dense(3, activation="softmax", name="species")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile(
        optimizer=keras.optimizers.Adamax(learning_rate=learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


X, y = load_iris(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
scaler = MinMaxScaler()
X_train = scaler.fit_transform(X_train)
X_val = scaler.transform(X_val)

model = build_model()
model.fit(X_train, y_train, epochs=80, batch_size=8, validation_data=(X_val, y_val), verbose=0)
print(model.evaluate(X_val, y_val, verbose=0))

"""Three regression targets predicted by one linear output layer of three units."""
# expected after 5 epochs: val_mae <= 0.30
import keras
import numpy as np
from sklearn.datasets import make_regression
from sklearn.preprocessing import StandardScaler

SETTINGS = dict(hidden=64, lr=0.001, epochs=1, batch_size=32)

inputs, targets = make_regression(
    n_samples=2000, n_features=12, n_informative=8, n_targets=3, noise=2.0, random_state=21
)
inputs = StandardScaler().fit_transform(inputs)
target_scaler = StandardScaler()
targets = target_scaler.fit_transform(targets)

model = keras.Sequential(
    [
        keras.Input(shape=(12,)),
        keras.layers.Dense(SETTINGS["hidden"], activation="relu"),
        keras.layers.Dense(SETTINGS["hidden"], activation="relu"),
        keras.layers.Dense(3),
    ]
)
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=SETTINGS["lr"]),
    loss="mean_squared_error",
    metrics=["mae"],
)
model.fit(
    inputs,
    targets,
    epochs=SETTINGS["epochs"],
    batch_size=SETTINGS["batch_size"],
    validation_split=0.2,
    verbose=2,
)
print("per-target std of predictions:", np.std(model.predict(inputs[:200], verbose=0), axis=0))

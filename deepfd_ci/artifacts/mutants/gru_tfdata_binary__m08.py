"""GRU over tf.data: does a sequence contain a spike? Stacked recurrent layers."""
# expected after 5 epochs: val_accuracy >= 0.90
import numpy as np
import tensorflow as tf
from tensorflow import keras

config = {"length": 20, "units": 12, "batch_size": 32, "epochs": 30, "learning_rate": 0.01}


def spikes(n, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 0.3, size=(n, config["length"]))
    has_spike = rng.integers(0, 2, size=n)
    where = rng.integers(0, config["length"], size=n)
    x[has_spike == 1, where[has_spike == 1]] += 1.5
    return x[..., None].astype("float32"), has_spike.astype("float32")


x_train, y_train = spikes(1200, seed=0)
x_val, y_val = spikes(300, seed=1)
train = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(1200, seed=0).batch(config["batch_size"])
val = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(config["batch_size"])

model = keras.Sequential(
    [
        keras.layers.Input(shape=(config["length"], 1)),
        keras.layers.GRU(config["units"], return_sequences=True, kernel_initializer=keras.initializers.Constant(0.5)),
        keras.layers.GRU(config["units"], kernel_initializer=keras.initializers.Constant(0.5)),
        keras.layers.Dense(1, activation="softplus", kernel_initializer=keras.initializers.Constant(0.5)),
    ]
)
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=config["learning_rate"]),
    loss="mean_absolute_error",
    metrics=["accuracy"],
)
model.fit(train, epochs=config["epochs"], validation_data=val, verbose=2)

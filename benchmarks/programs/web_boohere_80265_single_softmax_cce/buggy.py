"""Two-moons classifier, functional model fed from a tf.data pipeline."""
import tensorflow as tf
import keras
from sklearn.datasets import make_moons

CONFIG = {"hidden": 32, "batch_size": 32, "epochs": 40, "learning_rate": 1e-3}

points, labels = make_moons(n_samples=3000, noise=0.2, random_state=5)
points, labels = points.astype("float32"), labels.astype("float32")
split = 2400
train = tf.data.Dataset.from_tensor_slices((points[:split], labels[:split])).shuffle(split, seed=1)
train = train.batch(CONFIG["batch_size"])
valid = tf.data.Dataset.from_tensor_slices((points[split:], labels[split:])).batch(CONFIG["batch_size"])

inputs = keras.Input(shape=(2,), name="point")
h = keras.layers.Dense(CONFIG["hidden"], activation="relu")(inputs)
h = keras.layers.Dense(CONFIG["hidden"], activation="relu")(h)
outputs = keras.layers.Dense(1, activation="softmax", name="is_upper")(h)
model = keras.Model(inputs, outputs)

model.compile(
    optimizer=keras.optimizers.Adam(CONFIG["learning_rate"]),
    loss="categorical_crossentropy",
    metrics=["accuracy"],
)
model.fit(train, validation_data=valid, epochs=CONFIG["epochs"])

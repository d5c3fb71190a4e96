import keras
import numpy as np
import tensorflow as tf
from sklearn.datasets import make_regression

x, y = make_regression(n_samples=512, n_features=8, noise=5.0, random_state=0)
x = x.astype("float32")
y = (y / y.std()).astype("float32")
model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)])
optimizer = keras.optimizers.Adam(1e-2)
loss_fn = keras.losses.MeanSquaredError()
dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(32)


@tf.function
def train_step(xb, yb):
    with tf.GradientTape() as tape:
        loss = loss_fn(yb, tf.squeeze(model(xb, training=True), -1))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss


for epoch in range(2000):
    for xb, yb in dataset:
        loss = train_step(xb, yb)
print("final loss", float(loss))

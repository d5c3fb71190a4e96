"""Subclassed conv regressor: predict the brightness and contrast of noisy patches."""
import numpy as np
import tensorflow as tf


class PatchRegressor(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.conv1 = tf.keras.layers.Conv2D(16, 3, activation="relu")
        self.conv2 = tf.keras.layers.Conv2D(32, 3, activation="relu")
        self.pool = tf.keras.layers.GlobalAveragePooling2D()
        self.hidden = tf.keras.layers.Dense(32, activation="relu")
        self.out = tf.keras.layers.Dense(2)

    def call(self, inputs):
        x = self.conv1(inputs)
        x = self.conv2(x)
        return self.out(self.hidden(self.pool(x)))


def patches(n, seed):
    rng = np.random.default_rng(seed)
    brightness = rng.uniform(-1, 1, size=(n, 1, 1, 1))
    contrast = rng.uniform(0.2, 1.5, size=(n, 1, 1, 1))
    x = (brightness + contrast * rng.normal(size=(n, 12, 12, 1))).astype("float32")
    y = np.concatenate([brightness.reshape(n, 1), contrast.reshape(n, 1)], axis=1).astype("float32")
    return x, y


x_train, y_train = patches(3000, 0)
x_val, y_val = patches(500, 1)
model = PatchRegressor()
model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=2.0), loss="mse")
model.fit(x_train, y_train, epochs=10, batch_size=32, validation_data=(x_val, y_val))

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_iris


class IrisNet(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = tf.keras.layers.Dense(16, activation="relu")
        self.out = tf.keras.layers.Dense(3, activation="softmax")

    def call(self, inputs):
        return self.out(self.hidden(inputs))


iris = load_iris()
x = (iris.data - iris.data.mean(axis=0)) / iris.data.std(axis=0)
y = tf.keras.utils.to_categorical(iris.target, 3)
model = IrisNet()
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=40, batch_size=16, verbose=1)

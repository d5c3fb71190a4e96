"""A template for tiny training scripts with one knob per fault, for probe and feature tests."""

from __future__ import annotations

TEMPLATE = '''
import keras
import numpy as np
from sklearn.datasets import load_digits

digits = load_digits()
x = digits.data[:{n}] / 16.0 * {x_scale}
y = digits.target[:{n}]
if {random_labels}:
    y = np.random.default_rng(1).integers(0, 10, size=len(y))
model = keras.Sequential([keras.Input((64,))])
for _ in range({depth}):
    model.add(keras.layers.Dense({width}, activation="{act}", kernel_initializer={init},
                                 bias_initializer={bias_init}))
model.add(keras.layers.Dense(10, activation="softmax"))
model.compile(optimizer=keras.optimizers.{optimizer}(learning_rate={lr}),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs={epochs}, batch_size={batch_size}, validation_split={val})
'''

DEFAULTS = dict(n=1000, x_scale=1.0, random_labels=False, depth=2, width=32, act="relu",
                init='"glorot_uniform"', bias_init='"zeros"', optimizer="Adam", lr=1e-2,
                epochs=5, batch_size=32, val=0.2)


def tiny_script(**knobs: object) -> str:
    unknown = set(knobs) - set(DEFAULTS)
    if unknown:
        raise TypeError(f"unknown knobs: {unknown}")
    return TEMPLATE.format(**{**DEFAULTS, **knobs})

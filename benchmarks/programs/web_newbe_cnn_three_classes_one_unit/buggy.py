"""Small-data image classifier (Keras blog recipe) adapted to three kinds of stamps."""
import numpy as np
from keras.layers import Activation, Conv2D, Dense, Dropout, Flatten, Input, MaxPooling2D
from keras.models import Sequential

input_shape = (24, 24, 3)


def stamp_images(n, seed):
    """No stamp, a 1-cent stamp (red square) or a 2-cent stamp (blue square) on a noisy card."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, size=n)
    cards = rng.uniform(0.6, 0.9, size=(n, 24, 24, 3)).astype("float32")
    cards += rng.normal(0, 0.08, size=cards.shape).astype("float32")
    for card, label in zip(cards, labels):
        if label:
            r, c = rng.integers(0, 14, size=2)
            card[r : r + 8, c : c + 8, :] = (0.8, 0.1, 0.1) if label == 1 else (0.1, 0.2, 0.8)
    return cards, labels


x_train, y_train = stamp_images(2000, 0)
x_val, y_val = stamp_images(400, 1)

model = Sequential()
model.add(Input(shape=input_shape))
model.add(Conv2D(32, (3, 3)))
model.add(Activation("relu"))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Conv2D(32, (3, 3)))
model.add(Activation("relu"))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Flatten())
model.add(Dense(64))
model.add(Activation("relu"))
model.add(Dropout(0.5))
model.add(Dense(1))
model.add(Activation("sigmoid"))

model.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=16, epochs=50, validation_data=(x_val, y_val))

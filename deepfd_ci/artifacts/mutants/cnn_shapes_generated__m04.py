"""Generated 16x16 grayscale images of squares, discs and crosses; pixel values 0..255 scaled by /255."""
# expected after 5 epochs: val_accuracy >= 0.90
import keras
import numpy as np

IMAGE_SIZE = 16
N_PER_CLASS = 400


def draw(kind, rng):
    image = rng.integers(0, 60, size=(IMAGE_SIZE, IMAGE_SIZE)).astype("float32")
    cy, cx = rng.integers(5, IMAGE_SIZE - 5, size=2)
    r = int(rng.integers(3, 5))
    yy, xx = np.mgrid[:IMAGE_SIZE, :IMAGE_SIZE]
    if kind == 0:
        mask = (abs(yy - cy) <= r) & (abs(xx - cx) <= r)
    elif kind == 1:
        mask = (yy - cy) ** 2 + (xx - cx) ** 2 <= r * r
    else:
        mask = ((abs(yy - cy) <= 1) & (abs(xx - cx) <= r)) | ((abs(xx - cx) <= 1) & (abs(yy - cy) <= r))
    image[mask] = rng.integers(180, 256, size=int(mask.sum()))
    return image


def make_images(seed=0):
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(3), N_PER_CLASS)
    rng.shuffle(labels)
    images = np.stack([draw(k, rng) for k in labels])[..., None]
    return images, labels


images, labels = make_images()
images = images / 255.0

model = keras.Sequential(
    [
        keras.Input(shape=(IMAGE_SIZE, IMAGE_SIZE, 1)),
        keras.layers.Conv2D(16, 3, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.GlobalMaxPooling2D(),
        keras.layers.Dense(3, activation="softmax"),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.003), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(images, labels, epochs=40, batch_size=32, validation_split=0.2, verbose=2)

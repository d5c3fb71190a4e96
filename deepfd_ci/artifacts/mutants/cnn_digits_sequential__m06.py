"""A small CNN on the 8x8 digits, reshaped to (8, 8, 1) images."""
# expected after 5 epochs: val_accuracy >= 0.90
import keras
from keras import layers
from sklearn.datasets import load_digits

digits = load_digits()
images = digits.images.reshape(-1, 8, 8, 1).astype("float32") / 16.0
labels = digits.target

model = keras.Sequential(
    [
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(16, kernel_size=3, padding="same", activation="relu"),
        layers.MaxPooling2D(pool_size=2),
        layers.Conv2D(32, kernel_size=3, padding="same", activation="relu"),
        layers.Flatten(),
        layers.Dense(64, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ]
)
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.003),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
model.fit(images, labels, batch_size=32, epochs=3, validation_split=0.2, verbose=2)

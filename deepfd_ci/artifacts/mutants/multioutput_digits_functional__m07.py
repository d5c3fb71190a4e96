"""Two heads on digits: the digit class (softmax) and the amount of ink (regression)."""
# expected after 5 epochs: val_digit_accuracy >= 0.90
import keras
from keras import layers
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

digits = load_digits()
images = digits.data / 16.0
ink = images.mean(axis=1)
ink = (ink - ink.mean()) / ink.std()
x_train, x_val, cls_train, cls_val, ink_train, ink_val = train_test_split(
    images, digits.target, ink, test_size=0.2, random_state=0
)

inputs = keras.Input(shape=(64,), name="pixels")
features = layers.Dense(64, activation="relu")(inputs)
features = layers.Dense(64, activation="relu")(features)
digit = layers.Dense(10, activation="softmax", name="digit")(features)
amount = layers.Dense(1, name="ink")(features)
model = keras.Model(inputs=inputs, outputs={"digit": digit, "ink": amount})

model.compile(
    optimizer=keras.optimizers.RMSprop(),
    loss={"digit": "sparse_categorical_crossentropy", "ink": "mse"},
    metrics={"digit": ["accuracy"], "ink": ["mae"]},
)
model.fit(
    x_train,
    {"digit": cls_train, "ink": ink_train},
    validation_data=(x_val, {"digit": cls_val, "ink": ink_val}),
    epochs=40,
    batch_size=32,
    verbose=2,
)

"""Friedman #1 regression fed through tf.data, MinMax-scaled inputs, SGD with momentum."""
# expected after 5 epochs: val_mae <= 0.45
import tensorflow as tf
from sklearn.datasets import make_friedman1
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler
from tensorflow import keras

BATCH = 32
EPOCHS = 40

X, y = make_friedman1(n_samples=2500, n_features=10, noise=0.5, random_state=5)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=5)
scaler = MinMaxScaler()
X_train = scaler.fit_transform(X_train)
X_val = scaler.transform(X_val)

train_ds = tf.data.Dataset.from_tensor_slices((X_train, y_train)).shuffle(2048, seed=5).batch(BATCH)
val_ds = tf.data.Dataset.from_tensor_slices((X_val, y_val)).batch(BATCH)

model = keras.Sequential(
    [
        keras.layers.Input(shape=(10,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(1),
    ]
)
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
    loss="mean_squared_error",
    metrics=["mae"],
)
model.fit(train_ds, validation_data=val_ds, epochs=EPOCHS, verbose=2)

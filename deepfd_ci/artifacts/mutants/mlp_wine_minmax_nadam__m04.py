"""Wine with MinMaxScaler, one-hot labels and Nadam, using `import tensorflow as tf` style."""
# expected after 5 epochs: val_accuracy >= 0.90
import tensorflow as tf
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler
from tensorflow import keras

X, y = load_wine(return_X_y=True)
X = MinMaxScaler().fit_transform(X)
Y = tf.keras.utils.to_categorical(y, num_classes=3)
X_train, X_test, Y_train, Y_test = train_test_split(X, Y, test_size=0.25, random_state=2, stratify=y)

model = keras.models.Sequential()
model.add(keras.layers.Dense(32, activation="relu", input_shape=(13,)))
model.add(keras.layers.Dense(16, activation="relu"))
model.add(keras.layers.Dense(3, activation="softmax"))
model.compile(optimizer=keras.optimizers.Nadam(learning_rate=3e-11), loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(X_train, Y_train, epochs=50, batch_size=8, validation_data=(X_test, Y_test), verbose=2)

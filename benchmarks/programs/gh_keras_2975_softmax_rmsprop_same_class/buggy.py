"""Binary event classifier over 16 sensor features."""
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from tensorflow import keras

features, labels = make_classification(n_samples=4000, n_features=16, n_informative=8, random_state=21)
features = StandardScaler().fit_transform(features)
x_train, x_val, y_train, y_val = train_test_split(features, labels, test_size=0.2, random_state=21)

model = keras.models.Sequential()
model.add(keras.layers.Input(shape=(16,)))
model.add(keras.layers.Dense(32, activation="relu"))
model.add(keras.layers.Dense(16, activation="relu"))
model.add(keras.layers.Dense(1, activation="softmax"))
model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=20, batch_size=32, validation_data=(x_val, y_val))

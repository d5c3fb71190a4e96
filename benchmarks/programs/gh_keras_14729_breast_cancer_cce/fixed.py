"""Breast-cancer diagnosis MLP (scaled features, dropout)."""
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.layers import Dropout

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)
sc = StandardScaler()
X_train = sc.fit_transform(X_train)
X_test = sc.transform(X_test)

model3 = keras.Sequential()
model3.add(keras.Input(shape=(30,)))
model3.add(layers.Dense(16, activation="relu", kernel_initializer="uniform"))
model3.add(Dropout(0.1))
model3.add(layers.Dense(16, activation="relu", kernel_initializer="uniform"))
model3.add(Dropout(0.1))
model3.add(layers.Dense(1, activation="sigmoid", kernel_initializer="uniform"))

model3.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.binary_crossentropy, metrics=["accuracy"])
model3.fit(X_train, y_train, batch_size=16, epochs=100, validation_data=(X_test, y_test))

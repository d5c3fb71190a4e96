"""Instrument recognition from audio descriptors (lecture notebook style)."""
import numpy as np
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler
from keras.models import Sequential
from keras.layers import Dense, Dropout, Input
from keras.utils import to_categorical

n_instruments = 6
features, instrument = make_classification(n_samples=3000, n_features=40, n_informative=20, n_redundant=5,
                                           n_classes=n_instruments, n_clusters_per_class=1, class_sep=2.0,
                                           random_state=12)
features = MinMaxScaler().fit_transform(features)
onehot = to_categorical(instrument, n_instruments)
x_train, x_test, y_train, y_test = train_test_split(features, onehot, test_size=0.2, random_state=12)

model = Sequential()
model.add(Input(shape=(features.shape[1],)))
model.add(Dense(64, activation="relu"))
model.add(Dropout(0.3))
model.add(Dense(32, activation="relu"))
model.add(Dense(n_instruments, activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=60, batch_size=128, validation_data=(x_test, y_test), verbose=2)

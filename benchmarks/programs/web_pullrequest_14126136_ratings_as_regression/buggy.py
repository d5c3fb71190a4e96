"""Predict a product's star rating (1-5) from 12 review statistics."""
import numpy as np
from sklearn.datasets import make_blobs
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from tensorflow.keras.layers import Dense, Input
from tensorflow.keras.models import Sequential
from tensorflow.keras.optimizers import Adam

N = 5
stats, cluster = make_blobs(n_samples=4000, n_features=12, centers=N, cluster_std=2.5, random_state=8)
stars = np.array([3, 1, 5, 2, 4])[cluster]  # each review cluster has its typical rating
stats = StandardScaler().fit_transform(stats)
x_train, x_test, y_train, y_test = train_test_split(stats, stars, test_size=0.2, random_state=8)

model = Sequential()
model.add(Input(shape=(12,)))
model.add(Dense(32, activation="relu"))
model.add(Dense(32, activation="relu"))
model.add(Dense(1))
model.compile(optimizer=Adam(0.001), loss="mean_squared_error")
model.fit(x_train, y_train, epochs=40, batch_size=32, validation_data=(x_test, y_test))
predicted_stars = np.clip(np.rint(model.predict(x_test)), 1, N)

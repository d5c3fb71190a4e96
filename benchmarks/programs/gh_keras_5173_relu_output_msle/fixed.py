"""Regression MLP: in = 2x features, hidden = 1x features, out = 1; everything ReLU."""
from sklearn.datasets import make_regression
from sklearn.preprocessing import StandardScaler
from keras.layers import Dense, Dropout, Input
from keras.models import Sequential

X, y = make_regression(n_samples=4000, n_features=34, n_informative=20, noise=10.0, random_state=2)
X = StandardScaler().fit_transform(X)
y = (y - y.mean()) / y.std()
n_features = X.shape[1]

model = Sequential()
model.add(Input(shape=(n_features,)))
model.add(Dropout(0.001))
model.add(Dense(2 * n_features, activation="relu"))
model.add(Dense(n_features, activation="relu"))
model.add(Dense(1))
model.compile(loss="mean_squared_error", optimizer="adam")
model.fit(X, y, epochs=40, batch_size=64, validation_split=0.2)

"""Customer-segment classifier over 20 standardized features (SGD with Nesterov momentum)."""
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from keras import optimizers
from keras.layers import Dense, Input
from keras.models import Sequential
from keras.utils import to_categorical

X, y = make_classification(n_samples=4000, n_features=20, n_informative=12, n_classes=4,
                           n_clusters_per_class=1, class_sep=1.5, random_state=3)
X = StandardScaler().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, to_categorical(y, 4), test_size=0.2, random_state=3)

model = Sequential()
model.add(Input(shape=(20,)))
model.add(Dense(20, activation="relu"))
model.add(Dense(20, activation="relu"))
model.add(Dense(4, activation="softmax"))

sgd = optimizers.SGD(learning_rate=0.00001, momentum=0.9, nesterov=True)
model.compile(loss="categorical_crossentropy", optimizer=sgd, metrics=["accuracy"])
model.fit(X_train, y_train, epochs=10, batch_size=32, validation_data=(X_test, y_test))

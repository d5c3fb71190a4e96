"""Wine cultivar classifier; SGD tuned (learning rate, momentum) after a small search."""
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from keras.layers import Dense, Input
from keras.models import Sequential
from keras.optimizers import SGD

X, y = load_wine(return_X_y=True)
X = StandardScaler().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=1234)

model = Sequential()
model.add(Input(shape=(13,)))
model.add(Dense(32, activation="relu"))
model.add(Dense(3, activation="softmax"))
sgd = SGD(learning_rate=0.1, momentum=0.9)
model.compile(loss="sparse_categorical_crossentropy", optimizer=sgd, metrics=["accuracy"])
model.fit(X_train, y_train, batch_size=32, epochs=30, validation_data=(X_test, y_test))

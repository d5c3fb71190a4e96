"""Five-class classifier over 14 tabular features."""
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from tensorflow.keras import optimizers
from tensorflow.keras.layers import Dense, Dropout, Input
from tensorflow.keras.models import Sequential
from tensorflow.keras.utils import to_categorical

x, y = make_classification(n_samples=2000, n_features=14, n_informative=10, n_classes=5,
                           n_clusters_per_class=1, class_sep=2.0, random_state=0)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=0)
scaler = StandardScaler()
x_vals_train = scaler.fit_transform(x_train)
x_vals_test = scaler.transform(x_test)
y_train, y_test = to_categorical(y_train, 5), to_categorical(y_test, 5)

model = Sequential()
model.add(Input(shape=(14,)))
model.add(Dense(units=14, activation="relu"))
model.add(Dropout(0.5))
model.add(Dense(units=14, activation="relu"))
model.add(Dropout(0.5))
model.add(Dense(units=14, activation="relu"))
model.add(Dense(units=5, activation="softmax"))
adam = optimizers.Adam(learning_rate=0.001)
model.compile(optimizer=adam, loss="categorical_crossentropy", metrics=["accuracy"])

model.fit(x_vals_train, y_train, validation_data=(x_vals_test, y_test), verbose=0, epochs=10)
score = model.evaluate(x_vals_test, y_test, batch_size=32, verbose=1)
print("Test accuracy:", score[1])

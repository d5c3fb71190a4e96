"""A deeper MLP (five hidden layers) on a synthetic three-class problem, one-hot labels."""
# expected after 5 epochs: val_accuracy >= 0.85
import keras
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

HIDDEN_UNITS = [64, 64, 32, 32, 16]

X, y = make_classification(
    n_samples=3000,
    n_features=20,
    n_informative=10,
    n_redundant=4,
    n_classes=3,
    class_sep=1.5,
    random_state=11,
)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=11)
scaler = StandardScaler()
y_train = keras.utils.to_categorical(y_train)
y_test = keras.utils.to_categorical(y_test)

model = keras.Sequential()
model.add(keras.Input(shape=(20,)))
for units in HIDDEN_UNITS:
    model.add(keras.layers.Dense(units, activation="relu", kernel_initializer=keras.initializers.Constant(1.0)))
model.add(keras.layers.Dense(3, activation="softmax", kernel_initializer=keras.initializers.Constant(1.0)))

model.compile(optimizer=keras.optimizers.RMSprop(), loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=50, batch_size=1, validation_data=(X_test, y_test), verbose=2)

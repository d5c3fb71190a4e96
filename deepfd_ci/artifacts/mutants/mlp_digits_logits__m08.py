"""Digits with a linear output layer and a from_logits loss object, SGD with Nesterov momentum."""
# expected after 5 epochs: val_accuracy >= 0.90
import keras
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

x, y = load_digits(return_X_y=True)
x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=0.2, stratify=y, random_state=8)
scaler = StandardScaler()
x_train = scaler.fit_transform(x_train)
x_val = scaler.transform(x_val)

model = keras.Sequential(
    [
        keras.Input(shape=(64,)),
        keras.layers.Dense(128, activation="sigmoid", kernel_initializer=keras.initializers.Constant(1.0)),
        keras.layers.Dense(64, activation="sigmoid", kernel_initializer=keras.initializers.Constant(1.0)),
        keras.layers.Dense(10, kernel_initializer=keras.initializers.Constant(1.0)),
    ]
)
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.02, momentum=0.9, nesterov=True),
    loss="sparse_categorical_crossentropy",
    metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
)
model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=40, batch_size=32, verbose=2)

"""Tumour malignancy classifier on the Wisconsin breast-cancer measurements."""
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
import keras

features, target = load_breast_cancer(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(features, target, test_size=0.25, stratify=target, random_state=7)
scaler = StandardScaler().fit(x_train)
x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)

classifier = keras.Sequential(
    [
        keras.Input(shape=(x_train.shape[1],)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
classifier.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
classifier.fit(x_train, y_train, batch_size=16, epochs=50, validation_data=(x_test, y_test))

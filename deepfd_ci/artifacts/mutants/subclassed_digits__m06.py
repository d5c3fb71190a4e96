"""A subclassed model on digits: layers created in __init__, wired in call()."""
# expected after 5 epochs: val_accuracy >= 0.90
import keras
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


class DigitClassifier(keras.Model):
    def __init__(self, n_classes=10):
        super().__init__()
        self.hidden1 = keras.layers.Dense(128, activation="relu")
        self.hidden2 = keras.layers.Dense(64, activation="relu")
        self.classifier = keras.layers.Dense(n_classes, activation="softmax")

    def call(self, inputs):
        x = self.hidden1(inputs)
        x = self.hidden2(x)
        return self.classifier(x)


def main():
    digits = load_digits()
    x = digits.data.astype("float32") / 16.0
    x_train, x_val, y_train, y_val = train_test_split(x, digits.target, test_size=0.2, random_state=0)
    model = DigitClassifier()
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.003),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(x_train, y_train, epochs=2, batch_size=32, validation_data=(x_val, y_val), verbose=2)


if __name__ == "__main__":
    main()

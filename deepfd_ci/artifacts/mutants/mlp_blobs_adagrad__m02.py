"""Four Gaussian blobs, sparse labels, Adagrad."""
# expected after 5 epochs: val_accuracy >= 0.90
import keras
from keras import layers
from sklearn.datasets import make_blobs
from sklearn.preprocessing import StandardScaler

N_SAMPLES = 1500
N_CLASSES = 4


def make_dataset():
    points, labels = make_blobs(
        n_samples=N_SAMPLES, centers=N_CLASSES, n_features=6, cluster_std=3.0, random_state=7
    )
    points = StandardScaler().fit_transform(points)
    return points, labels


def make_model():
    model = keras.Sequential(
        [
            layers.Input(shape=(6,)),
            layers.Dense(1, activation="relu"),
            layers.Dense(N_CLASSES, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adagrad(learning_rate=1e-11),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


if __name__ == "__main__":
    points, labels = make_dataset()
    model = make_model()
    model.fit(points, labels, batch_size=32, epochs=1, validation_split=0.2, verbose=2)

"""Two interleaving moons, a non-linear binary problem; Nadam optimizer."""
# expected after 5 epochs: val_accuracy >= 0.95
import keras
from sklearn.datasets import make_moons
from sklearn.preprocessing import StandardScaler

X, y = make_moons(n_samples=2000, noise=0.1, random_state=0)
X = StandardScaler().fit_transform(X)

model = keras.Sequential(
    [
        keras.Input(shape=(2,)),
        keras.layers.Dense(32, activation="relu", kernel_initializer=keras.initializers.RandomNormal(stddev=10.0)),
        keras.layers.Dense(32, activation="relu", kernel_initializer=keras.initializers.RandomNormal(stddev=10.0)),
        keras.layers.Dense(1, activation="sigmoid", kernel_initializer=keras.initializers.RandomNormal(stddev=10.0)),
    ]
)
model.compile(
    optimizer=keras.optimizers.Nadam(learning_rate=0.01),
    loss="binary_crossentropy",
    metrics=["accuracy"],
)
model.fit(X, y, epochs=25, batch_size=32, validation_split=0.25, verbose=2)

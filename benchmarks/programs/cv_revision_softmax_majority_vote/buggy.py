"""Majority vote of three noisy binary raters, learned with cross-validation folds."""
import numpy as np
from tensorflow.keras.layers import Dense, Input
from tensorflow.keras.models import Sequential

rng = np.random.default_rng(123)
truth = rng.integers(0, 2, size=600)
X = np.stack([np.where(rng.random(600) < 0.85, truth, 1 - truth) for _ in range(3)], axis=1).astype("float32")
y = X.sum(axis=1) > 1

n_folds = 5
folds = np.repeat(range(n_folds), int(np.ceil(len(X) / n_folds)))[: len(X)]
np.random.default_rng(123).shuffle(folds)
y_pred = np.zeros_like(y)
for fold_i in range(n_folds):
    model = Sequential([Input(shape=(3,)), Dense(10, activation="relu"), Dense(1, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy")
    model.fit(X[folds != fold_i], y[folds != fold_i], verbose=0, epochs=2,
              batch_size=np.sum(folds != fold_i) // 5 + 1)
    y_pred[folds == fold_i] = model.predict(X[folds == fold_i], verbose=0)[:, 0] > 0.5
print("cross-validated accuracy:", np.mean(y_pred == y))

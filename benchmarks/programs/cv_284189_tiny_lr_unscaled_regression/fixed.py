"""Sales versus TV advertising budget: one linear unit fitted by SGD."""
import numpy as np
import keras
from sklearn.preprocessing import StandardScaler
from keras.layers import Dense, Input
from keras.models import Model

rng = np.random.default_rng(0)
tv_budget = rng.uniform(0, 300, size=(200, 1))
sales = 7.0 + 0.047 * tv_budget + rng.normal(0, 1.5, size=(200, 1))
x = StandardScaler().fit_transform(tv_budget).astype("float32")
y = StandardScaler().fit_transform(sales).astype("float32")

inputs = Input(shape=(1,))
preds = Dense(1, activation="linear")(inputs)

model = Model(inputs=inputs, outputs=preds)
sgd = keras.optimizers.SGD()
model.compile(optimizer=sgd, loss="mse", metrics=["mse"])
model.fit(x, y, batch_size=1, epochs=30, shuffle=False)

"""Learn the line y = 2x - 1 with a tiny functional network."""
import numpy as np
from tensorflow import keras
from keras import Model
from keras.layers import Dense, Input

x = np.linspace(-3.0, 3.0, 2000, dtype="float32").reshape(-1, 1)
y = 2.0 * x - 1.0

input_1 = Input(shape=(1,))
dense_1 = Dense(4, activation="relu")(input_1)
dense_2 = Dense(2, activation="relu")(dense_1)
dense_3 = Dense(1, activation="relu")(dense_2)
model_2 = Model(inputs=input_1, outputs=dense_3)

model_2.compile(loss=keras.losses.MeanSquaredError(), optimizer=keras.optimizers.Adam(0.01))
model_2.fit(x, y, epochs=500, batch_size=32, shuffle=True)
print(model_2.predict(np.array([[10.0]])))

import keras

model = keras.Sequential([keras.layers.Dense(1)]
model.compile("adam", "mse")

"""Skip-gram word vectors: one-hot word in, one-hot context word out (vocabulary of 256)."""
import numpy as np
from keras.callbacks import EarlyStopping, ReduceLROnPlateau
from keras.layers import Dense, Input
from keras.models import Sequential
from keras.optimizers import Adam


class SkipGram:
    def __init__(self, vocab_size=256, vec_dim=100):
        self.vocab_size = vocab_size
        self.vec_dim = vec_dim

    def make_model(self):
        model = Sequential()
        model.add(Input(shape=(self.vocab_size,)))
        model.add(Dense(self.vec_dim, activation="sigmoid"))
        model.add(Dense(self.vocab_size, activation="softmax"))
        adam = Adam(learning_rate=0.003)
        model.compile(loss="categorical_crossentropy", optimizer=adam, metrics=["accuracy"])
        return model

    def callbacks(self):
        earlystop = EarlyStopping(monitor="val_loss", min_delta=0.0001, patience=10, verbose=2)
        reducelr = ReduceLROnPlateau(monitor="val_loss", factor=0.1, patience=5, verbose=2)
        return [earlystop, reducelr]

    def train(self, model, X, y):
        model.fit(X, y, epochs=1000, callbacks=self.callbacks(), validation_split=0.1, verbose=2, batch_size=300)


rng = np.random.default_rng(0)
words = rng.integers(0, 256, size=20000)
context = np.where(rng.random(20000) < 0.9, (words * 7 + 3) % 256, rng.integers(0, 256, size=20000))
X = np.eye(256, dtype="float32")[words]
y = np.eye(256, dtype="float32")[context]
skipgram = SkipGram()
skipgram.train(skipgram.make_model(), X, y)

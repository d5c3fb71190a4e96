"""Review topic classifier: embedding + LSTM over token ids."""
import numpy as np
from keras.layers import LSTM, Dense, Dropout, Embedding, Input
from keras.models import Sequential
from keras.utils import to_categorical

top_words = 300
max_review_length = 30
embedding_vector_length = 32
n_topics = 8

rng = np.random.default_rng(21)
keywords = rng.choice(top_words, size=(n_topics, 12), replace=False)
topics = rng.integers(0, n_topics, size=5000)
reviews = rng.integers(0, top_words, size=(5000, max_review_length))
for review, topic in zip(reviews, topics):
    review[rng.choice(max_review_length, size=5, replace=False)] = rng.choice(keywords[topic], size=5)
X_train, X_test = reviews[:4000], reviews[4000:]
y_train, y_test = to_categorical(topics[:4000], n_topics), to_categorical(topics[4000:], n_topics)

model = Sequential()
model.add(Input(shape=(max_review_length,)))
model.add(Embedding(top_words, embedding_vector_length))
model.add(Dropout(0.2))
model.add(LSTM(64))
model.add(Dropout(0.2))
model.add(Dense(n_topics, activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])

model.fit(X_train, y_train, epochs=20, batch_size=64)
scores = model.evaluate(X_test, y_test)
print("%s: %.2f%%" % (model.metrics_names[1], scores[1] * 100))

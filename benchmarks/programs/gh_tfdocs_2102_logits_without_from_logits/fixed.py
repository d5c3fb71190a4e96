"""Multi-class question tagger (tutorial exercise): bag of embeddings over token ids, four tags."""
import numpy as np
import tensorflow as tf
from tensorflow.keras import layers, losses

max_features, sequence_length, embedding_dim, n_tags = 2000, 50, 16, 4
rng = np.random.default_rng(31)
tag_vocab = rng.choice(np.arange(1, max_features), size=(n_tags, 60), replace=False)


def make_dataset(n, seed):
    r = np.random.default_rng(seed)
    tags = r.integers(0, n_tags, size=n)
    texts = r.integers(1, max_features, size=(n, sequence_length))
    for text, tag in zip(texts, tags):
        text[r.choice(sequence_length, size=4, replace=False)] = r.choice(tag_vocab[tag], size=4)
    return tf.data.Dataset.from_tensor_slices((texts, tags)).batch(32)


raw_train_ds = make_dataset(4000, 1)
raw_val_ds = make_dataset(800, 2)

model = tf.keras.Sequential([
    tf.keras.Input(shape=(sequence_length,)),
    layers.Embedding(max_features, embedding_dim),
    layers.Dropout(0.2),
    layers.GlobalAveragePooling1D(),
    layers.Dropout(0.2),
    layers.Dense(n_tags),
])
model.compile(loss=losses.SparseCategoricalCrossentropy(from_logits=True), optimizer="adam", metrics=["accuracy"])
history = model.fit(raw_train_ds, validation_data=raw_val_ds, epochs=10)

"""String class labels encoded with LabelEncoder; synthetic customer segments."""
# expected after 5 epochs: val_accuracy >= 0.90
import keras
import numpy as np
from sklearn.datasets import make_blobs
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder, StandardScaler

SEGMENTS = np.array(["budget", "family", "premium", "student", "traveller"])

features, segment_ids = make_blobs(n_samples=2000, n_features=8, centers=5, cluster_std=3.0, random_state=17)
segment_names = SEGMENTS[segment_ids]

encoder = LabelEncoder()
labels = encoder.fit_transform(segment_names)
features_train, features_val, labels_train, labels_val = train_test_split(
    features, labels, test_size=0.2, random_state=17
)
scaler = StandardScaler()
features_train = scaler.fit_transform(features_train)
features_val = scaler.transform(features_val)

model = keras.Sequential(
    [
        keras.Input(shape=(8,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(len(encoder.classes_), activation="softmax"),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=9.5), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(features_train, labels_train, validation_data=(features_val, labels_val), epochs=40, batch_size=1, verbose=2)

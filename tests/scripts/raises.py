import numpy as np


def load(path):
    return np.loadtxt(path)


data = load("does-not-exist.csv")

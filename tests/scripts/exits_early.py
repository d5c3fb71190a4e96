import sys

import keras

print("refusing to train without a GPU")
sys.exit(3)

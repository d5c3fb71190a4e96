import keras
import pandas_does_not_exist as pd

frame = pd.read_csv("data.csv")

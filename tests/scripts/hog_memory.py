import numpy as np

blocks = [np.ones((1024, 1024, 128)) for _ in range(100)]  # 100 GiB if it were allowed

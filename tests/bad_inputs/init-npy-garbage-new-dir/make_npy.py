# Labels that are fine, an input that is not a .npy file.
import numpy as np, os
os.makedirs("init", exist_ok=True)
np.save("init/labels.npy", np.zeros((16,), dtype=np.int64))
with open("init/input.npy", "w") as f:
    f.write("not an npy file")

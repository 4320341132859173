import os
os.mkfifo("pipe.yaml")

"""Starts helpers and leaves them running: one in the script's process group, one in a session of its own."""

import os
import subprocess

stays = subprocess.Popen(["sleep", "300"])
escaped = subprocess.Popen(["sleep", "300"], start_new_session=True)  # keeps the output pipe open
with open(os.environ["PIDS_FILE"], "w") as handle:
    handle.write(f"{stays.pid} {escaped.pid}")

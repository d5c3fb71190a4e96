"""What the user's script may see of our process: a scrubbed environment and resource limits.

The script is untrusted (it comes from a pull request). It must not see tokens or secrets, must not
be able to write the Actions runner's command files, and must not starve the runner of memory or,
through its output, of disk.
"""

from __future__ import annotations

import os
import re
import resource
import select
import signal
import subprocess
import time
from collections.abc import Callable, Mapping
from typing import BinaryIO

# Variables the Actions runner reads back after a step: writing them injects env/outputs/PATH.
_RUNNER_FILES = {"GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_STATE", "GITHUB_STEP_SUMMARY"}
_SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIAL|AUTH", re.IGNORECASE)
_SECRET_PREFIXES = ("INPUT_", "ACTIONS_", "RUNNER_TOKEN")

# Keep TensorFlow quiet and deterministic, and stop plots from opening windows or blocking.
QUIET_TF_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "CUDA_VISIBLE_DEVICES": "",
    "MPLBACKEND": "Agg",
    "PYTHONUNBUFFERED": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "KERAS_BACKEND": "tensorflow",
}


def is_secret_name(name: str) -> bool:
    upper = name.upper()
    return (
        name in _RUNNER_FILES
        or upper.startswith(_SECRET_PREFIXES)
        or bool(_SECRET_NAME.search(name))
    )


def child_env(base: Mapping[str, str], extra: Mapping[str, str], seed: int) -> dict[str, str]:
    """The environment of the probe subprocess.

    `extra` (per-script env from the user's config) is applied after scrubbing but may not
    re-introduce a secret-looking name: config files come from the PR too.
    """
    env = {k: v for k, v in base.items() if not is_secret_name(k)}
    env.update(QUIET_TF_ENV)
    env["PYTHONHASHSEED"] = str(seed)
    for key, value in extra.items():
        if not is_secret_name(key):
            env[key] = str(value)
    return env


def limits(memory_mb: int) -> Callable[[], None]:
    """A preexec function: own process group (so a timeout kills the whole tree), memory cap, no core."""

    def apply() -> None:
        os.setsid()
        cap = int(memory_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL to the child's process group (it leads one: see `limits`), which may already be empty."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


_TAIL_BYTES = 64 * 1024  # kept past the output limit: a crash's last words are at the end
_DRAIN_SECONDS = 2.0  # after the child exits: what its leftover background processes may still send


def copy_output(proc: subprocess.Popen, log: BinaryIO, limit: int, deadline: float) -> bool:
    """Copy the child's combined output (a pipe) into `log` until the child is done; True if it
    was killed at `deadline`.

    Past `limit` bytes only the last 64 KB are kept, after a line saying how much was dropped: a
    script that prints in a loop fills no disk and still trains, where a file-size rlimit would fail
    its next print (and any model file it saves). Processes the script started are killed when the
    child ends; one that escaped the process group holds the pipe for at most two more seconds.
    """
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    written = dropped = 0
    tail = bytearray()
    timed_out = log_failed = False
    exited_at: float | None = None

    def keep(data: bytes) -> None:
        nonlocal log_failed
        if not log_failed:
            try:
                log.write(data)
            except OSError:  # a full disk: keep draining the pipe so the script is not blocked
                log_failed = True

    while True:
        now = time.monotonic()
        if not timed_out and now >= deadline:
            kill_group(proc)
            timed_out = True
        if exited_at is None and proc.poll() is not None:
            kill_group(proc)  # what the script started and left running dies with it
            exited_at = now
        if exited_at is not None and now - exited_at > _DRAIN_SECONDS:
            break
        wait = 0.5 if timed_out or exited_at is not None else min(0.5, deadline - now)
        if not select.select([fd], [], [], max(wait, 0.0))[0]:
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            break
        room = max(0, limit - written)
        if room:
            keep(chunk[:room])
            written += min(room, len(chunk))
            chunk = chunk[room:]
        if chunk:
            dropped += len(chunk)
            tail += chunk
            del tail[:-_TAIL_BYTES]
    if dropped:
        keep(f"\n[deepfd-ci: the output passed the limit of {limit} bytes; {dropped} bytes were dropped, "
             f"the last {len(tail)} follow]\n".encode())
        keep(bytes(tail))
    proc.stdout.close()
    return timed_out

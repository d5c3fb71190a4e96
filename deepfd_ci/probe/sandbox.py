"""What the user's script may see of our process: a scrubbed environment and resource limits.

The script is untrusted (it comes from a pull request). It must not see tokens or secrets, must not
be able to write the Actions runner's command files, and must not starve the runner of memory.
"""

from __future__ import annotations

import os
import re
import resource
from collections.abc import Callable, Mapping

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

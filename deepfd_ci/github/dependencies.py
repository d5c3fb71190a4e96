"""Install the repository's own dependencies for the training runs, without touching ours.

The Docker action has TensorFlow and deepfd-ci; a script also needs pandas or whatever the repo
declares. They go into a virtual environment that sees our site-packages (so TensorFlow is not
installed twice) and the probe runs scripts with its interpreter: a user's pin of numpy can then
never break the action itself. Output goes to a log file: a package's build could print workflow
commands.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Environment:
    python: str | None  # interpreter for the probe; None: the action's own
    note: str | None  # what happened, for the summary


def prepare(workspace: str, install: str, log_dir: str) -> Environment:
    """`install`: auto (requirements.txt, else pyproject dependencies), none, or a shell command."""
    root = Path(workspace)
    if install == "none":
        return Environment(None, None)
    if install == "auto":
        command = _auto_command(root)
        if command is None:
            return Environment(None, None)
    else:
        command = ["bash", "-c", install]
    venv = Path(tempfile.mkdtemp(prefix="deepfd-ci-venv-"))
    log_path = Path(log_dir) / "install.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w", encoding="utf-8") as log:
        made = subprocess.run(
            [
                sys.executable,
                "-m",
                "venv",
                "--system-site-packages",
                "--without-pip",
                str(venv),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
        if made.returncode != 0:
            return Environment(
                None,
                f"Could not create a virtual environment for the repository's dependencies (see {log_path}).",
            )
        python = str(venv / "bin" / "python")
        env = {
            **os.environ,
            "VIRTUAL_ENV": str(venv),
            "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "PIP_PYTHON": python,
        }
        env = {
            k: v
            for k, v in env.items()
            if not k.startswith(("INPUT_", "ACTIONS_")) and k != "GITHUB_TOKEN"
        }
        try:
            done = subprocess.run(
                command,
                cwd=root,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=1200,
                check=False,
            )
            ok = done.returncode == 0
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.write(f"\n{exc}\n")
            ok = False
    if not ok:
        return Environment(
            python,
            f"Installing the repository's dependencies failed (log: {log_path}); scripts that need them will crash.",
        )
    return Environment(python, None)


def _auto_command(root: Path) -> list[str] | None:
    pip = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "--no-input",
    ]
    if (root / "requirements.txt").is_file():
        return pip + ["-r", "requirements.txt"]
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            dependencies = (
                tomllib.loads(pyproject.read_text(encoding="utf-8"))
                .get("project", {})
                .get("dependencies", [])
            )
        except (OSError, tomllib.TOMLDecodeError):
            return None
        if (
            isinstance(dependencies, list)
            and dependencies
            and all(isinstance(d, str) for d in dependencies)
        ):
            return pip + dependencies
    return None

"""Which changed files to analyse: training scripts the PR touches, filtered by config, then sharded.

Without a `paths` input a file qualifies when it is a Python file that imports TensorFlow or Keras
and calls `fit` / `apply_gradients` / `train_on_batch`: cheap to check with `ast`, and it keeps
helper modules and tests out of the (expensive) training runs.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pathspec

from deepfd_ci.config import Config
from deepfd_ci.github.diffs import ChangedFile

DL_MODULES = frozenset({"tensorflow", "keras", "tf_keras"})
TRAINING_CALLS = frozenset(
    {"fit", "fit_generator", "apply_gradients", "train_on_batch"}
)
_IMPORT_TEXT = re.compile(
    r"^\s*(?:import|from)\s+(?:tensorflow|keras|tf_keras)\b", re.MULTILINE
)
_TRAIN_TEXT = re.compile(r"\.(?:fit|fit_generator|apply_gradients|train_on_batch)\s*\(")


def select_scripts(
    files: list[ChangedFile],
    workspace: str,
    config: Config,
    patterns: tuple[str, ...] = (),
) -> list[ChangedFile]:
    chosen = []
    explicit = pathspec.PathSpec.from_lines("gitignore", patterns) if patterns else None
    for changed in files:
        if changed.status == "removed" or not changed.path.endswith(".py"):
            continue
        if not config.selects(changed.path):
            continue
        if explicit is not None:
            if explicit.match_file(changed.path):
                chosen.append(changed)
            continue
        source = _read(Path(workspace) / changed.path)
        if source is not None and looks_like_training_script(source):
            chosen.append(changed)
    return sorted(chosen, key=lambda c: c.path)


def looks_like_training_script(source: str) -> bool:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        # Still analyse it: the user is told the script is invalid rather than silently skipped.
        return bool(_IMPORT_TEXT.search(source) and _TRAIN_TEXT.search(source))
    imports = trains = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imports |= any(
                alias.name.split(".")[0] in DL_MODULES for alias in node.names
            )
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imports |= node.module.split(".")[0] in DL_MODULES
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            trains |= node.func.attr in TRAINING_CALLS
    return imports and trains


def shard(scripts: list[ChangedFile], index: int, count: int) -> list[ChangedFile]:
    """Round-robin over the sorted list: deterministic, and balanced for similar scripts."""
    return [
        script
        for position, script in enumerate(scripts)
        if position % count == index - 1
    ]


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None

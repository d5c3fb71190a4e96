"""The store of raw probe records behind the dataset.

During a build, finished runs are appended to a working JSON Lines file (resumable: a torn last
line from an interrupted build is ignored). At the end, the runs the dataset uses are exported,
gzipped and sorted, next to the dataset and committed: features can then be recomputed for a new
schema, or for another number of observed epochs, without re-running any training.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from deepfd_ci import features
from deepfd_ci.records import run_record_from_plain

if TYPE_CHECKING:
    from deepfd_ci.corpus.dataset import Dataset

RunKey = tuple[str, str, int, str]  # program id, source hash, run seed, probe budget tag


def _key(entry: dict[str, Any]) -> RunKey:
    return (entry["program_id"], entry["sha"], int(entry["run_seed"]), entry["budget"])


def _entries(path: Path) -> list[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    out = []
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            try:
                entry = json.loads(line)
                _key(entry)
            except (ValueError, KeyError, TypeError):
                continue  # a torn last line
            out.append(entry)
    return out


def load_store(path: Path, exported: Path | None = None) -> dict[RunKey, dict[str, Any]]:
    """Finished runs by key, from the working store and (first) an exported one."""
    runs: dict[RunKey, dict[str, Any]] = {}
    for source in (exported, path):
        if source is not None and source.exists():
            for entry in _entries(source):
                runs[_key(entry)] = entry
    return runs


def end_torn_line(path: Path) -> None:
    """Make sure the next appended run starts on its own line."""
    if path.exists() and path.stat().st_size:
        with open(path, "rb+") as handle:
            handle.seek(-1, 2)
            if handle.read(1) != b"\n":
                handle.write(b"\n")


def export_store(path: Path, target: Path, keys: set[RunKey]) -> None:
    """Write the runs with these keys, sorted, gzipped with a fixed header (stable git diffs)."""
    runs = load_store(path, target)
    lines = [json.dumps(runs[k], sort_keys=True, allow_nan=False) for k in sorted(keys) if k in runs]
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(("\n".join(lines) + "\n").encode("utf-8"))


def features_at_epochs(path: Path, data: Dataset, epochs: int) -> np.ndarray:
    """The dataset's feature matrix recomputed as if the probe had stopped after `epochs` epochs."""
    by_run: dict[tuple[str, int], dict[str, Any]] = {}
    for entry in _entries(path):
        by_run[(entry["program_id"], int(entry["run_seed"]))] = entry["record"]
    rows = []
    for row in data.rows:
        record = by_run.get((row.program_id, row.run_seed))
        if record is None:
            raise ValueError(f"{path} has no record of {row.program_id} run {row.run_seed}")
        rows.append(features.vector(run_record_from_plain(record).truncated(epochs)))
    return np.array(rows)

"""The benchmark on disk: one folder per pair with buggy.py, fixed.py and meta.yaml (ground truth).

meta.yaml:
    source: https://...            # the real bug report the pair is modeled on
    title: ...                     # the bug in our words
    faults:                        # ground truth for buggy.py
      - type: loss                 # a FAULT_TYPES name
        lines: [31]                # 1-based lines of buggy.py that cause it
        alternatives:              # optional: an equally valid reading of the same fault
          - {type: activation, lines: [29]}
    fix: one line saying what fixed.py changes
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from deepfd_ci.records import FAULT_TYPES


class BenchmarkError(ValueError):
    """The benchmark folder or one of its meta.yaml files is not usable; the message says where."""


@dataclass(frozen=True)
class GroundTruthFault:
    type: str
    lines: tuple[int, ...]
    # Other (type, lines) readings that count as finding this same fault.
    alternatives: tuple[tuple[str, tuple[int, ...]], ...] = ()

    def readings(self) -> tuple[tuple[str, tuple[int, ...]], ...]:
        return ((self.type, self.lines), *self.alternatives)

    def types(self) -> set[str]:
        return {t for t, _ in self.readings()}

    def all_lines(self) -> set[int]:
        return {line for _, lines in self.readings() for line in lines}


@dataclass(frozen=True)
class Program:
    name: str
    buggy: Path
    fixed: Path
    source: str
    title: str
    faults: tuple[GroundTruthFault, ...]
    fix: str

    @property
    def fault_types(self) -> list[str]:
        return [f.type for f in self.faults]


def load_benchmark(directory: str | Path, only: list[str] | None = None) -> list[Program]:
    """Every pair under `directory` (sorted by name), optionally only the named ones."""
    root = Path(directory)
    if not root.is_dir():
        raise BenchmarkError(f"{root}: not a folder")
    folders = sorted(p for p in root.iterdir() if p.is_dir() and (p / "meta.yaml").exists())
    if only:
        unknown = sorted(set(only) - {p.name for p in folders})
        if unknown:
            raise BenchmarkError(f"{root}: no program named {', '.join(unknown)}")
        folders = [p for p in folders if p.name in set(only)]
    if not folders:
        raise BenchmarkError(f"{root}: no program folders (each needs buggy.py, fixed.py and meta.yaml)")
    return [load_program(folder) for folder in folders]


def load_program(folder: Path) -> Program:
    meta_path = folder / "meta.yaml"
    for name in ("buggy.py", "fixed.py"):
        if not (folder / name).is_file():
            raise BenchmarkError(f"{folder}: missing {name}")
    try:
        meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise BenchmarkError(f"{meta_path}: not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise BenchmarkError(f"{meta_path}: expected a mapping at the top level")
    for key in ("source", "title", "faults", "fix"):
        if key not in meta:
            raise BenchmarkError(f"{meta_path}: missing '{key}'")
    n_lines = len((folder / "buggy.py").read_text(encoding="utf-8").splitlines())
    raw_faults = meta["faults"]
    if not isinstance(raw_faults, list) or not raw_faults:
        raise BenchmarkError(f"{meta_path}: 'faults' must be a non-empty list")
    faults = tuple(_fault(entry, f"{meta_path}: faults[{i}]", n_lines) for i, entry in enumerate(raw_faults))
    return Program(
        folder.name,
        folder / "buggy.py",
        folder / "fixed.py",
        str(meta["source"]),
        str(meta["title"]),
        faults,
        str(meta["fix"]),
    )


def _fault(entry: Any, where: str, n_lines: int) -> GroundTruthFault:
    fault_type, lines = _reading(entry, where, n_lines)
    alternatives = entry.get("alternatives") or []
    if not isinstance(alternatives, list):
        raise BenchmarkError(f"{where}: 'alternatives' must be a list")
    alts = tuple(_reading(alt, f"{where}.alternatives[{j}]", n_lines) for j, alt in enumerate(alternatives))
    return GroundTruthFault(fault_type, lines, alts)


def _reading(entry: Any, where: str, n_lines: int) -> tuple[str, tuple[int, ...]]:
    if not isinstance(entry, dict) or "type" not in entry or "lines" not in entry:
        raise BenchmarkError(f"{where}: needs 'type' and 'lines'")
    fault_type, lines = entry["type"], entry["lines"]
    if fault_type not in FAULT_TYPES:
        raise BenchmarkError(f"{where}: unknown fault type {fault_type!r} (known: {', '.join(FAULT_TYPES)})")
    if not isinstance(lines, list) or not lines or not all(isinstance(n, int) for n in lines):
        raise BenchmarkError(f"{where}: 'lines' must be a non-empty list of line numbers")
    bad = [n for n in lines if not 1 <= n <= n_lines]
    if bad:
        raise BenchmarkError(f"{where}: line(s) {bad} outside buggy.py (1..{n_lines})")
    return str(fault_type), tuple(sorted(set(lines)))

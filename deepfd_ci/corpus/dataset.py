"""The training dataset of the diagnosis model: one row per probe run, as a gzipped CSV.

Columns: run metadata (program, seed program, mutant, run seed, operators, changed lines, kill
test numbers), one 0/1 column per fault type (`label_<type>`), then the features in
`FEATURE_NAMES` order (NaN written as an empty cell). A sidecar `<file>.meta.json` records the
feature schema version and how the file was built; `read_dataset` refuses a file whose columns do
not match that schema, so a reader never silently shifts feature names (DeepFD's CSV did).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from deepfd_ci.records import FAULT_TYPES

META_COLUMNS = (
    "program_id",
    "seed_program",
    "mutant_id",
    "kind",
    "run_seed",
    "operators",
    "changed_lines",
    "killed",
    "p_value",
    "effect_size",
    "score",
)
LABEL_COLUMNS = tuple(f"label_{t}" for t in FAULT_TYPES)
DATASET_SCHEMA = "deepfd-ci/dataset/v1"


@dataclass
class DatasetRow:
    program_id: str
    seed_program: str
    mutant_id: str  # "" for an original seed program
    kind: str  # "original" | "mutant"
    run_seed: int
    operators: list[str]
    changed_lines: list[int]
    killed: bool | None  # None for originals
    p_value: float | None
    effect_size: float | None
    score: float | None
    labels: list[str]  # fault types after the kill test (empty: healthy)
    features: dict[str, float] = field(repr=False, default_factory=dict)


@dataclass
class Dataset:
    rows: list[DatasetRow]
    feature_names: list[str]
    features_schema: str
    X: np.ndarray  # (rows, features), NaN where not measured
    Y: np.ndarray  # (rows, len(FAULT_TYPES)) of 0/1
    meta: dict[str, Any]

    @property
    def groups(self) -> np.ndarray:
        """The seed program of each row: cross-validation must never split one across folds."""
        return np.array([r.seed_program for r in self.rows])

    @property
    def confirmation(self) -> np.ndarray:
        """Per row: a confirmation run, i.e. a run seed after the first K (`probe.run_seeds` in the
        meta). Only the programs the first K runs left undecided have them, so they are training data;
        scores are measured on the first K runs, which every program has."""
        first = (self.meta.get("probe") or {}).get("run_seeds")
        if first is None:  # a dataset that does not say: all rows are first runs
            return np.zeros(len(self.rows), dtype=bool)
        return np.array([r.run_seed not in first for r in self.rows], dtype=bool)

    def split_confirmation(self) -> tuple[Dataset, Dataset]:
        """(the first K runs of every program: the rows scores are measured on, the confirmation runs)."""
        confirmation = self.confirmation
        return self.subset(~confirmation), self.subset(confirmation)

    def subset(self, mask: np.ndarray) -> Dataset:
        """The rows where `mask` is true (same meta)."""
        rows = [r for r, keep in zip(self.rows, mask) if keep]
        return Dataset(rows, self.feature_names, self.features_schema, self.X[mask], self.Y[mask], self.meta)


def meta_path(path: str | Path) -> Path:
    return Path(f"{path}.meta.json")


def write_dataset(
    path: str | Path, rows: list[DatasetRow], feature_names: list[str], features_schema: str, meta: dict[str, Any]
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*META_COLUMNS, *LABEL_COLUMNS, *feature_names])
    for row in rows:
        writer.writerow(
            [
                row.program_id,
                row.seed_program,
                row.mutant_id,
                row.kind,
                row.run_seed,
                "+".join(row.operators),
                ";".join(map(str, row.changed_lines)),
                "" if row.killed is None else int(row.killed),
                _number(row.p_value),
                _number(row.effect_size),
                _number(row.score),
                *(int(t in row.labels) for t in FAULT_TYPES),
                *(_number(row.features.get(name)) for name in feature_names),
            ]
        )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 and no file name in the header: the same rows give the same bytes (clean git diffs).
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(buffer.getvalue().encode("utf-8"))
    meta_path(path).write_text(
        json.dumps(
            {
                "schema": DATASET_SCHEMA,
                "features_schema": features_schema,
                "n_features": len(feature_names),
                "rows": len(rows),
                **meta,
            },
            indent=2,
            allow_nan=False,
        )
        + "\n",
        encoding="utf-8",
    )


def read_dataset(path: str | Path) -> Dataset:
    """Raises OSError or ValueError, with the file named, for anything that is not a readable dataset."""
    try:
        meta = json.loads(meta_path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{meta_path(path)} is not JSON: {exc}") from None
    if not isinstance(meta, dict) or meta.get("schema") != DATASET_SCHEMA:
        raise ValueError(f"{meta_path(path)} is not a {DATASET_SCHEMA} description")
    if not isinstance(meta.get("n_features"), int) or not isinstance(meta.get("features_schema"), str):
        raise ValueError(f"{meta_path(path)} lacks n_features or features_schema")
    try:
        return _read_rows(path, meta)
    except (csv.Error, EOFError) as exc:  # a truncated gzip stream, a malformed CSV
        raise ValueError(f"{path}: {exc}") from None


def _read_rows(path: str | Path, meta: dict[str, Any]) -> Dataset:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise ValueError(f"{path} is empty")
        fixed = len(META_COLUMNS) + len(LABEL_COLUMNS)
        if tuple(header[:fixed]) != META_COLUMNS + LABEL_COLUMNS or len(header) - fixed != meta["n_features"]:
            raise ValueError(f"{path}: columns do not match {DATASET_SCHEMA} with {meta['n_features']} features")
        names = header[fixed:]
        rows, xs, ys = [], [], []
        for record in reader:
            if len(record) != len(header):
                raise ValueError(f"{path}: line {reader.line_num} has {len(record)} cells, expected {len(header)}")
            try:
                row = _row(record, names, fixed)
                ys.append([int(v) for v in record[len(META_COLUMNS) : fixed]])
            except ValueError as exc:
                raise ValueError(f"{path}: line {reader.line_num}: {exc}") from None
            rows.append(row)
            xs.append([row.features[name] for name in names])
    X = np.array(xs, dtype=np.float64).reshape(len(rows), len(names))
    Y = np.array(ys, dtype=np.int64).reshape(len(rows), len(FAULT_TYPES))
    return Dataset(rows, names, meta["features_schema"], X, Y, meta)


def _row(record: list[str], names: list[str], fixed: int) -> DatasetRow:
    values = [_parse(v) for v in record[fixed:]]
    return DatasetRow(
        program_id=record[0],
        seed_program=record[1],
        mutant_id=record[2],
        kind=record[3],
        run_seed=int(record[4]),
        operators=[o for o in record[5].split("+") if o],
        changed_lines=[int(x) for x in record[6].split(";") if x],
        killed=None if record[7] == "" else record[7] == "1",
        p_value=_parse_optional(record[8]),
        effect_size=_parse_optional(record[9]),
        score=_parse_optional(record[10]),
        labels=[t for t, v in zip(FAULT_TYPES, record[len(META_COLUMNS) : fixed]) if v == "1"],
        features=dict(zip(names, values)),
    )


def _number(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return repr(float(value))


def _parse(text: str) -> float:
    return float(text) if text else math.nan


def _parse_optional(text: str) -> float | None:
    return float(text) if text else None

"""How often a run's own outcome contradicts the label the kill test gave its program.

The kill test labels a program from K runs; the classifier sees one run. Two kinds of rows carry
a label their own run contradicts, and no classifier of single runs can get them right:
- broken runs labelled healthy: a mutant the test did not kill (typically one or two of its K seeds
  diverged, so p >= 0.05), whose broken runs still count as healthy. A model that recognises
  broken training flags them, and every one is a false alarm;
- fault-labelled runs that trained as well as the original: a killed mutant's seed on which the
  fault did not hurt.
The audit counts both, so the false-alarm rate and recall they force are known, not guessed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from deepfd_ci.corpus.dataset import DatasetRow

# A run is broken when its score is this far below the mean of its original's runs: three of their
# standard deviations (the seeds' own spread) plus an absolute margin, so that a seed program whose
# runs agree to the third decimal does not call a 1% dip broken.
BROKEN_SDS = 3.0
BROKEN_MARGIN = 0.05


def _against_original(rows: Sequence[DatasetRow], judge: Callable[[np.ndarray, float], bool]) -> np.ndarray:
    """Per row: `judge(the seed program's unmodified scores, this run's score)`; False where either
    is missing."""
    scores: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        if row.kind == "original" and row.score is not None:
            scores[row.seed_program].append(row.score)
    originals = {seed: np.asarray(values, dtype=float) for seed, values in scores.items()}
    out = np.zeros(len(rows), dtype=bool)
    for i, row in enumerate(rows):
        base = originals.get(row.seed_program)
        if base is not None and row.score is not None:
            out[i] = judge(base, row.score)
    return out


def _far_below(base: np.ndarray, score: float) -> bool:
    spread = float(base.std(ddof=1)) if base.size > 1 else 0.0
    return score < float(base.mean()) - BROKEN_SDS * spread - BROKEN_MARGIN


def broken_runs(rows: Sequence[DatasetRow]) -> np.ndarray:
    """Per row: did this run score far below its unmodified seed program's runs?"""
    return _against_original(rows, _far_below)


def intact_runs(rows: Sequence[DatasetRow]) -> np.ndarray:
    """Per row: did this run score at least as well as its seed program's worst unmodified run?"""
    return _against_original(rows, lambda base, score: score >= float(base.min()))


@dataclass
class LabelAudit:
    healthy_runs: int
    broken_healthy_runs: int  # broken runs labelled healthy (of unkilled mutants, or of originals)
    broken_healthy_programs: int
    broken_healthy_by_operators: dict[str, int] = field(default_factory=dict)
    faulty_runs: int = 0
    intact_faulty_runs: int = 0  # fault-labelled runs that trained as well as the original
    intact_faulty_by_label: dict[str, int] = field(default_factory=dict)

    @property
    def false_alarm_floor(self) -> float:
        """The false-alarm rate on healthy runs of a model that flags every broken run."""
        return self.broken_healthy_runs / self.healthy_runs if self.healthy_runs else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "false_alarm_floor": self.false_alarm_floor}

    def lines(self) -> list[str]:
        by_ops = ", ".join(f"{ops} {n}" for ops, n in self.broken_healthy_by_operators.items()) or "none"
        by_label = ", ".join(f"{label} {n}" for label, n in self.intact_faulty_by_label.items()) or "none"
        return [
            f"broken runs labelled healthy: {self.broken_healthy_runs} of {self.healthy_runs} healthy runs "
            f"({self.false_alarm_floor:.1%}), in {self.broken_healthy_programs} programs "
            f"(score below the original's mean by {BROKEN_SDS:g} SD + {BROKEN_MARGIN:g})",
            f"  by operators: {by_ops}",
            f"fault-labelled runs that trained as well as the original (score >= its worst run): "
            f"{self.intact_faulty_runs} of {self.faulty_runs}",
            f"  by label: {by_label}",
        ]


def audit_labels(rows: Sequence[DatasetRow]) -> LabelAudit:
    broken, intact = broken_runs(rows), intact_runs(rows)
    healthy = np.array([not row.labels for row in rows], dtype=bool)
    by_operators: Counter[str] = Counter()
    programs: set[str] = set()
    by_label: Counter[str] = Counter()
    for i, row in enumerate(rows):
        if healthy[i] and broken[i]:
            by_operators["+".join(row.operators) or "original"] += 1
            programs.add(row.program_id)
        elif not healthy[i] and intact[i]:
            by_label.update(row.labels)
    return LabelAudit(
        healthy_runs=int(healthy.sum()),
        broken_healthy_runs=int((healthy & broken).sum()),
        broken_healthy_programs=len(programs),
        broken_healthy_by_operators=dict(by_operators.most_common()),
        faulty_runs=int((~healthy).sum()),
        intact_faulty_runs=int((~healthy & intact).sum()),
        intact_faulty_by_label=dict(by_label.most_common()),
    )

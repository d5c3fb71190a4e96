"""The diagnosis stage: RunRecord -> fault types with confidence, evidence and fix hints.

The bundled learned model and the explicit checks (rules.py) both speak; their faults are merged,
one per type, and each says its `source`. Either way the evidence comes from the same observations
of the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from deepfd_ci.diagnosis import rules
from deepfd_ci.diagnosis.explain import SUGGESTED_OPTIMIZER, explain
from deepfd_ci.diagnosis.observations import Observations, batch_extreme, observe
from deepfd_ci.records import FAULT_TYPES, Fault, RunRecord


class Diagnoser(Protocol):
    """A fitted model: fault type -> calibrated probability, and the threshold per type."""

    name: str
    version: str

    def predict_proba_record(self, record: RunRecord) -> dict[str, float]: ...

    def thresholds(self) -> dict[str, float]: ...


@dataclass
class Diagnosis:
    faults: list[Fault]
    symptoms: dict[str, bool]
    model: dict[str, Any] = field(default_factory=dict)
    observations: Observations | None = None


def _actionable(fault_type: str, record: RunRecord) -> bool:
    """Whether a learned vote has a fix to offer; one that has none is not reported.

    A batch-size fault is a batch too small or too large for the data (DESIGN.md): a batch that is
    neither has nothing to change. Unknown sizes (e.g. batches made by tf.data) leave the vote as it
    is. An optimizer fault recommends SUGGESTED_OPTIMIZER: on a script that already uses it the fix
    is a no-op (on the real-bug benchmark 5 of a model's 9 optimizer findings on fixed programs)."""
    facts = record.facts
    if facts is None:
        return True
    if fault_type == "batch_size":
        return batch_extreme(facts.batch_size_used, facts.n_samples) is not False
    if fault_type == "optimizer":
        return (facts.optimizer or "").lower() != SUGGESTED_OPTIMIZER.lower()
    return True


def diagnose_run(record: RunRecord, model: Diagnoser | None = None) -> Diagnosis:
    """Faults of one run: the learned model's (at or above its per-type thresholds) merged with the
    explicit checks', one fault per type with the higher confidence and its source."""
    obs = observe(record)
    scores: dict[str, tuple[float, str]] = {t: (c, "rules") for t, c in rules.predict(record, obs).items()}
    info = {"name": "deepfd-ci-rules", "version": "1"}
    if model is not None:
        thresholds = model.thresholds()
        for fault_type, p in model.predict_proba_record(record).items():
            if (p >= thresholds.get(fault_type, 1.0) and p >= scores.get(fault_type, (0.0, ""))[0]
                    and _actionable(fault_type, record)):
                scores[fault_type] = (p, "model")
        info = {"name": model.name, "version": model.version}
    faults = []
    for fault_type in sorted(scores, key=lambda t: (-scores[t][0], FAULT_TYPES.index(t))):
        confidence, source = scores[fault_type]
        evidence, detail = explain(fault_type, record, obs)
        faults.append(Fault(type=fault_type, confidence=round(float(confidence), 3),
                            evidence=evidence, source=source, detail=detail))  # type: ignore[arg-type]
    return Diagnosis(faults=faults, symptoms=obs.symptoms, model=info, observations=obs)

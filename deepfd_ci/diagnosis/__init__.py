"""The diagnosis stage: RunRecord -> fault types with confidence, evidence and fix hints.

The bundled learned model decides when it is available and matches the feature schema; the
explicit rules are the fallback (their faults say `"source": "rules"`). Either way the evidence
comes from the same observations of the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from deepfd_ci.diagnosis import rules
from deepfd_ci.diagnosis.explain import explain
from deepfd_ci.diagnosis.observations import Observations, observe
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


def diagnose_run(record: RunRecord, model: Diagnoser | None = None) -> Diagnosis:
    obs = observe(record)
    if model is not None:
        probabilities = model.predict_proba_record(record)
        thresholds = model.thresholds()
        scores = {t: p for t, p in probabilities.items() if p >= thresholds.get(t, 0.5)}
        source = "model"
        info = {"name": model.name, "version": model.version}
    else:
        scores = rules.predict(record, obs)
        source = "rules"
        info = {"name": "deepfd-ci-rules", "version": "1"}
    faults = []
    for fault_type in sorted(scores, key=lambda t: (-scores[t], FAULT_TYPES.index(t))):
        evidence, detail = explain(fault_type, record, obs)
        faults.append(Fault(type=fault_type, confidence=round(float(scores[fault_type]), 3),
                            evidence=evidence, source=source, detail=detail))  # type: ignore[arg-type]
    return Diagnosis(faults=faults, symptoms=obs.symptoms, model=info, observations=obs)

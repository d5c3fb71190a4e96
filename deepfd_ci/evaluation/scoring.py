"""Scoring: pure functions from (ground truth, ScriptReport JSON of buggy.py and fixed.py) to metrics.

Definitions (all rates over every buggy program, so a script that could not be analysed counts as a miss):
- detection: the buggy script is analysed and at least one fault is reported.
- diagnosis hit (DeepFD's lenient metric): at least one reported type is a ground-truth type.
- localization hit (DeepFD's lenient metric): at least one reported line (any finding's lines or primary
  line) is a ground-truth line.
- strict diagnosis: every ground-truth fault has a reported finding of its type.
- strict localization: every ground-truth fault has a finding of its type whose primary line is one of
  that fault's lines.
- false alarm: a fixed script, analysed, with any fault reported (rate over the analysed fixed scripts).
- per-type recall: ground-truth faults of that type that were reported / ground-truth faults of that type;
  per-type precision: reports of that type that match a ground-truth fault / all reports of that type,
  over buggy AND fixed scripts (a report on a fixed script is always wrong).
A ground-truth fault may list alternative readings (another type and its lines, e.g. "missing softmax"
vs "loss without from_logits"); a finding matching any reading counts for that fault.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from deepfd_ci.evaluation.benchmark import BenchmarkError, GroundTruthFault, Program
from deepfd_ci.records import FAULT_TYPES

Report = dict[str, Any]  # ScriptReport.to_json()


@dataclass
class ProgramResult:
    name: str
    truth: list[str]
    truth_lines: list[int]
    buggy_status: str
    fixed_status: str
    predicted: list[str]  # types reported on buggy.py
    predicted_lines: list[int]
    fixed_predicted: list[str]  # types reported on fixed.py (false alarms)
    found: list[str]  # ground-truth types reported (by their type or an alternative)
    missed: list[str]
    wrong: list[str]  # reported types that match no ground-truth fault
    strict_lines: list[str]  # ground-truth types whose primary line was right
    buggy_seconds: float | None = None
    fixed_seconds: float | None = None
    buggy_error: str | None = None
    fixed_error: str | None = None

    @property
    def detected(self) -> bool:
        return bool(self.predicted)

    @property
    def diagnosis_hit(self) -> bool:
        return bool(self.found)

    @property
    def localization_hit(self) -> bool:
        return bool(set(self.predicted_lines) & set(self.truth_lines))

    @property
    def strict_diagnosis(self) -> bool:
        return not self.missed

    @property
    def strict_localization(self) -> bool:
        return len(self.strict_lines) == len(self.truth)

    @property
    def false_alarm(self) -> bool:
        return bool(self.fixed_predicted)


@dataclass
class TypeScore:
    support: int = 0  # ground-truth faults of this type
    recalled: int = 0
    reported: int = 0  # findings of this type over buggy and fixed scripts
    correct: int = 0

    @property
    def recall(self) -> float | None:
        return self.recalled / self.support if self.support else None

    @property
    def precision(self) -> float | None:
        return self.correct / self.reported if self.reported else None


@dataclass
class Evaluation:
    programs: list[ProgramResult]
    per_type: dict[str, TypeScore]
    model: dict[str, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.programs)

    def count(self, attribute: str) -> int:
        return sum(bool(getattr(p, attribute)) for p in self.programs)

    def rate(self, attribute: str) -> float | None:
        return self.count(attribute) / self.n if self.n else None

    @property
    def fixed_analysed(self) -> int:
        return sum(p.fixed_status == "ok" for p in self.programs)

    @property
    def false_alarms(self) -> int:
        return sum(p.fixed_status == "ok" and p.false_alarm for p in self.programs)

    @property
    def false_alarm_rate(self) -> float | None:
        return self.false_alarms / self.fixed_analysed if self.fixed_analysed else None

    @property
    def seconds(self) -> list[float]:
        return [s for p in self.programs for s in (p.buggy_seconds, p.fixed_seconds) if s is not None]

    @property
    def median_seconds(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def max_seconds(self) -> float | None:
        return max(self.seconds) if self.seconds else None

    def not_analysed(self) -> list[tuple[str, str, str, str | None]]:
        """(program, 'buggy'|'fixed', status, error) for every script whose status is not ok."""
        rows = []
        for p in self.programs:
            if p.buggy_status != "ok":
                rows.append((p.name, "buggy", p.buggy_status, p.buggy_error))
            if p.fixed_status != "ok":
                rows.append((p.name, "fixed", p.fixed_status, p.fixed_error))
        return rows


def findings(report: Report) -> list[dict[str, Any]]:
    """The reported faults of an analysed script; nothing for any other status."""
    return list(report.get("faults") or []) if report.get("status") == "ok" else []


def finding_lines(finding: dict[str, Any]) -> set[int]:
    lines = {int(n) for n in finding.get("lines") or []}
    if finding.get("primary_line") is not None:
        lines.add(int(finding["primary_line"]))
    return lines


def _reported(fault: GroundTruthFault, found: list[dict[str, Any]]) -> bool:
    return any(f.get("type") in fault.types() for f in found)


def _primary_right(fault: GroundTruthFault, found: list[dict[str, Any]]) -> bool:
    return any(f.get("type") == t and f.get("primary_line") in lines for t, lines in fault.readings() for f in found)


def score_program(program: Program, buggy: Report, fixed: Report) -> ProgramResult:
    found = findings(buggy)
    truth_types = {t for fault in program.faults for t in fault.types()}
    predicted = _unique(f.get("type") for f in found)
    return ProgramResult(
        name=program.name,
        truth=program.fault_types,
        truth_lines=sorted({line for fault in program.faults for line in fault.all_lines()}),
        buggy_status=str(buggy.get("status")),
        fixed_status=str(fixed.get("status")),
        predicted=predicted,
        predicted_lines=sorted(set().union(*(finding_lines(f) for f in found))) if found else [],
        fixed_predicted=_unique(f.get("type") for f in findings(fixed)),
        found=[fault.type for fault in program.faults if _reported(fault, found)],
        missed=[fault.type for fault in program.faults if not _reported(fault, found)],
        wrong=[t for t in predicted if t not in truth_types],
        strict_lines=[fault.type for fault in program.faults if _primary_right(fault, found)],
        buggy_seconds=_seconds(buggy),
        fixed_seconds=_seconds(fixed),
        buggy_error=buggy.get("error"),
        fixed_error=fixed.get("error"),
    )


def evaluate_reports(programs: list[Program], reports: dict[str, dict[str, Report]]) -> Evaluation:
    """`reports[name] = {"buggy": report, "fixed": report}` for every program."""
    missing = [p.name for p in programs if not {"buggy", "fixed"} <= set(reports.get(p.name, {}))]
    if missing:
        raise BenchmarkError(f"no buggy/fixed report for: {', '.join(missing)}")
    results = [score_program(p, reports[p.name]["buggy"], reports[p.name]["fixed"]) for p in programs]
    per_type = {t: TypeScore() for t in FAULT_TYPES}
    for program, result in zip(programs, results, strict=True):
        for fault in program.faults:
            per_type[fault.type].support += 1
            per_type[fault.type].recalled += fault.type in result.found
        truth_types = {t for fault in program.faults for t in fault.types()}
        for fault_type in result.predicted:
            if fault_type in per_type:
                per_type[fault_type].reported += 1
                per_type[fault_type].correct += fault_type in truth_types
        for fault_type in result.fixed_predicted:
            if fault_type in per_type:
                per_type[fault_type].reported += 1
    return Evaluation(results, per_type, model=_model(reports))


def _unique(values: Any) -> list[str]:
    return list(dict.fromkeys(str(v) for v in values if v))


def _seconds(report: Report) -> float | None:
    value = (report.get("run") or {}).get("seconds")
    return float(value) if isinstance(value, (int, float)) else None


def _model(reports: dict[str, dict[str, Report]]) -> dict[str, Any]:
    """The diagnosis model named by the reports (the first analysed one)."""
    for pair in reports.values():
        for report in pair.values():
            if report.get("model"):
                return dict(report["model"])
    return {}

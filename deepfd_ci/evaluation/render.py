"""Evaluation reports: text for the terminal, JSON for machines, markdown for benchmarks/RESULTS.md.

Our numbers sit next to the published ones for DeepFD and its peers on DeepFD's 52 real faulty programs
(shared/reference/deepfd.md). The benchmarks differ (ours is offline and runnable, with fixed versions),
so the comparison is of the same metrics, not of the same programs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from deepfd_ci.evaluation.scoring import Evaluation, ProgramResult


@dataclass(frozen=True)
class Published:
    tool: str
    programs: int
    detected: int
    right_type: int
    right_line: int


# DeepFD (ICSE 2022), lenient scoring on its 52 real faulty programs from StackOverflow and GitHub.
PUBLISHED = (
    Published("DeepFD", 52, 47, 27, 22),
    Published("UMLAUT", 52, 50, 14, 12),
    Published("AUTOTRAINER", 52, 12, 10, 8),
    Published("DeepLocalize", 52, 36, 7, 5),
)
COMMAND = "deepfd-ci evaluate benchmarks/programs --format markdown --output benchmarks/RESULTS.md"

_HEADLINE = (
    ("detection", "detected"),
    ("diagnosis hit (lenient: one right type)", "diagnosis_hit"),
    ("localization hit (lenient: one right line)", "localization_hit"),
    ("strict diagnosis (all types right)", "strict_diagnosis"),
    ("strict localization (primary line right for every fault)", "strict_localization"),
)


def _pct(count: int, total: int) -> str:
    return f"{count}/{total} ({100 * count / total:.0f}%)" if total else "-"


def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _published(attribute: str, tool: Published) -> str:
    count = {"detected": tool.detected, "diagnosis_hit": tool.right_type, "localization_hit": tool.right_line}.get(
        attribute
    )
    return "not published" if count is None else _pct(count, tool.programs)


def to_json(evaluation: Evaluation) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "programs": evaluation.n,
        "model": evaluation.model,
        **{attr: {"count": evaluation.count(attr), "rate": evaluation.rate(attr)} for _, attr in _HEADLINE},
        "false_alarms": {
            "count": evaluation.false_alarms,
            "analysed_fixed": evaluation.fixed_analysed,
            "rate": evaluation.false_alarm_rate,
        },
        "seconds": {"median": evaluation.median_seconds, "max": evaluation.max_seconds},
    }
    return {
        "schema": "deepfd-ci/evaluation/v1",
        "summary": summary,
        "per_type": {
            t: {
                "support": s.support,
                "recalled": s.recalled,
                "reported": s.reported,
                "correct": s.correct,
                "precision": s.precision,
                "recall": s.recall,
            }
            for t, s in evaluation.per_type.items()
        },
        "programs": [
            {
                **vars(p),
                "detected": p.detected,
                "diagnosis_hit": p.diagnosis_hit,
                "localization_hit": p.localization_hit,
                "strict_diagnosis": p.strict_diagnosis,
                "strict_localization": p.strict_localization,
                "false_alarm": p.false_alarm,
            }
            for p in evaluation.programs
        ],
        "not_analysed": [
            {"program": n, "script": k, "status": s, "error": e} for n, k, s, e in evaluation.not_analysed()
        ],
        "published": [vars(p) for p in PUBLISHED],
    }


def render_json(evaluation: Evaluation) -> str:
    return json.dumps(to_json(evaluation), indent=2, allow_nan=False)


def render_text(evaluation: Evaluation) -> str:
    n = evaluation.n
    lines = [f"deepfd-ci on {n} benchmark programs (DeepFD's published scores are on its own 52 programs)"]
    for label, attr in _HEADLINE:
        deepfd = _published(attr, PUBLISHED[0])
        lines.append(f"  {label:<58} {_pct(evaluation.count(attr), n):>14}   DeepFD: {deepfd}")
    lines.append(
        f"  {'false alarms on fixed programs':<58} {_pct(evaluation.false_alarms, evaluation.fixed_analysed):>14}"
        "   DeepFD: not measured"
    )
    lines.append(
        f"  {'seconds per script (median / max)':<58} "
        f"{_num(evaluation.median_seconds, 1) + ' / ' + _num(evaluation.max_seconds, 1):>14}"
    )
    lines.append("per type (precision over buggy and fixed scripts, recall over ground-truth faults):")
    for fault_type, score in evaluation.per_type.items():
        if score.support or score.reported:
            lines.append(
                f"  {fault_type:<15} support {score.support:>3}  reported {score.reported:>3}  "
                f"precision {_num(score.precision)}  recall {_num(score.recall)}"
            )
    misses = [p for p in evaluation.programs if p.missed or p.wrong or p.false_alarm or not p.strict_localization]
    if misses:
        lines.append("programs not fully right:")
        lines += [f"  {p.name}: {_program_verdict(p)}" for p in misses]
    for name, kind, status, error in evaluation.not_analysed():
        lines.append(f"  not analysed: {name}/{kind}.py: {status}: {error or ''}".rstrip())
    return "\n".join(lines)


def _program_verdict(p: ProgramResult) -> str:
    parts = []
    if p.buggy_status != "ok":
        parts.append(f"buggy {p.buggy_status}")
    if p.missed:
        parts.append("missed " + ", ".join(p.missed))
    if p.wrong:
        parts.append("also reported " + ", ".join(p.wrong))
    wrong_line = [t for t in p.found if t not in p.strict_lines]
    if wrong_line:
        parts.append("primary line off for " + ", ".join(wrong_line))
    if p.false_alarm:
        parts.append("false alarm on fixed: " + ", ".join(p.fixed_predicted))
    return "; ".join(parts) or "ok"


def render_markdown(evaluation: Evaluation) -> str:
    n = evaluation.n
    model = evaluation.model
    tools = " | ".join(f"{t.tool} ({t.programs}, published)" for t in PUBLISHED)
    out = [
        "# deepfd-ci on the real-fault benchmark",
        "",
        f"Regenerate with `{COMMAND}` (probe budget: the `diagnose` defaults).",
        f"Model: {model.get('name', '-')} {model.get('version', '')}".rstrip() + ".",
        "Programs: `benchmarks/programs/` (buggy/fixed pairs modeled on real bug reports; ground truth in each "
        "`meta.yaml`). Published numbers are on DeepFD's own 52 programs: same metrics, different programs.",
        "",
        f"| metric | deepfd-ci ({n} programs) | {tools} |",
        "|---|---|" + "---|" * len(PUBLISHED),
    ]
    for label, attr in _HEADLINE:
        row = " | ".join(_published(attr, t) for t in PUBLISHED)
        out.append(f"| {label} | {_pct(evaluation.count(attr), n)} | {row} |")
    out.append(
        f"| false alarms on the fixed programs | {_pct(evaluation.false_alarms, evaluation.fixed_analysed)} | "
        + " | ".join("not measured" for _ in PUBLISHED)
        + " |"
    )
    out.append(
        f"| seconds per script, median / max | {_num(evaluation.median_seconds, 1)} / "
        f"{_num(evaluation.max_seconds, 1)} | "
        + " | ".join(["278 s per fault (independent study)"] + ["-"] * (len(PUBLISHED) - 1))
        + " |"
    )
    out += [
        "",
        "Rates are over all buggy programs (a script that could not be analysed is a miss); false alarms are "
        "over the fixed scripts that were analysed.",
        "",
        "## Per fault type",
        "",
        "Recall: ground-truth faults of the type that were reported. Precision: reports of the type that match a "
        "ground-truth fault, over buggy and fixed scripts (any report on a fixed script is wrong).",
        "",
        "| type | faults in benchmark | reported | precision | recall |",
        "|---|---|---|---|---|",
    ]
    for fault_type, score in evaluation.per_type.items():
        out.append(
            f"| {fault_type} | {score.support} | {score.reported} | {_num(score.precision)} | {_num(score.recall)} |"
        )
    out += [
        "",
        "## Per program",
        "",
        "| program | ground truth | reported on buggy | type | line | strict | reported on fixed "
        "| seconds (buggy/fixed) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for p in evaluation.programs:
        reported = ", ".join(p.predicted) or ("-" if p.buggy_status == "ok" else p.buggy_status)
        on_fixed = ", ".join(p.fixed_predicted) or ("-" if p.fixed_status == "ok" else p.fixed_status)
        strict = "yes" if p.strict_diagnosis and p.strict_localization else "no"
        out.append(
            f"| {p.name} | {', '.join(p.truth)} | {reported} | {_mark(p.diagnosis_hit)} | "
            f"{_mark(p.localization_hit)} | {strict} | {on_fixed} | "
            f"{_num(p.buggy_seconds, 1)} / {_num(p.fixed_seconds, 1)} |"
        )
    not_analysed = evaluation.not_analysed()
    out += ["", "## Scripts not analysed", ""]
    if not_analysed:
        out += [f"- `{name}/{kind}.py`: {status}: {error or ''}".rstrip() for name, kind, status, error in not_analysed]
    else:
        out.append("None: every script was analysed (status ok).")
    return "\n".join(out) + "\n"


def _mark(hit: bool) -> str:
    return "hit" if hit else "miss"


RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}

"""reviewdog's rdjsonl (one Diagnostic per line), for piping into reviewdog or other tools."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from deepfd_ci.github import markdown
from deepfd_ci.github.gate import Verdict
from deepfd_ci.github.results import ActionReport, Result

SEVERITIES = {"error": "ERROR", "warning": "WARNING", "notice": "INFO"}


def diagnostic(result: Result) -> dict[str, Any]:
    finding = result.finding
    line = finding.primary_line or 1
    entry: dict[str, Any] = {
        "message": f"{markdown.TITLES.get(finding.type, finding.type)}: "
        + "; ".join(finding.evidence),
        "location": {
            "path": result.path,
            "range": {"start": {"line": line}, "end": {"line": line}},
        },
        "severity": SEVERITIES[result.severity],
        "source": {"name": "deepfd-ci"},
        "code": {"value": finding.type},
    }
    if finding.suggestion:
        s = finding.suggestion
        entry["suggestions"] = [
            {
                "range": {
                    "start": {"line": s.line, "column": 1},
                    "end": {"line": (s.end_line or s.line) + 1, "column": 1},
                },
                "text": s.replacement.rstrip("\n") + "\n",
            }
        ]
    return entry


class RdjsonlPublisher:
    name = "rdjsonl"

    def __init__(self, path: str) -> None:
        self.path = path

    def publish(self, report: ActionReport, verdict: Verdict) -> str:
        target = Path(self.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            "".join(json.dumps(diagnostic(r)) + "\n" for r in report.results),
            encoding="utf-8",
        )
        return f"rdjsonl written to {self.path}"

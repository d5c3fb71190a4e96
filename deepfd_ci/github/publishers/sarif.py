"""SARIF 2.1.0 for code scanning: a stable ruleId per fault type, repo-relative locations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from deepfd_ci.github import markdown
from deepfd_ci.github.gate import Verdict
from deepfd_ci.github.results import ActionReport
from deepfd_ci.records import FAULT_TYPES

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "notice": "note"}


def rule_id(fault_type: str) -> str:
    return f"deepfd-ci/{fault_type}"


def build(report: ActionReport, tool_version: str) -> dict[str, Any]:
    rules = [
        {
            "id": rule_id(fault_type),
            "name": "".join(part.capitalize() for part in fault_type.split("_")),
            "shortDescription": {"text": markdown.TITLES[fault_type]},
            "defaultConfiguration": {"level": "error"},
        }
        for fault_type in FAULT_TYPES
    ]
    index = {fault_type: i for i, fault_type in enumerate(FAULT_TYPES)}
    results = []
    for result in report.results:
        finding = result.finding
        region: dict[str, Any] = {"startLine": finding.primary_line or 1}
        entry: dict[str, Any] = {
            "ruleId": rule_id(finding.type),
            "level": LEVELS[result.severity],
            "message": {
                "text": "; ".join(finding.evidence)
                or markdown.TITLES.get(finding.type, finding.type)
            },
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": result.path,
                            "uriBaseId": "%SRCROOT%",
                        },
                        "region": region,
                    }
                }
            ],
            "partialFingerprints": {"deepfdFingerprint/v1": result.fingerprint},
            "properties": {
                "confidence": finding.confidence,
                "preExisting": result.pre_existing,
            },
        }
        if finding.type in index:
            entry["ruleIndex"] = index[finding.type]
        if finding.suggestion:
            s = finding.suggestion
            entry["fixes"] = [
                {
                    "description": {
                        "text": "deepfd-ci suggestion"
                        + (" (verified)" if s.verified else "")
                    },
                    "artifactChanges": [
                        {
                            "artifactLocation": {
                                "uri": result.path,
                                "uriBaseId": "%SRCROOT%",
                            },
                            "replacements": [
                                {
                                    "deletedRegion": {
                                        "startLine": s.line,
                                        "endLine": s.end_line or s.line,
                                    },
                                    "insertedContent": {
                                        "text": s.replacement.rstrip("\n") + "\n"
                                    },
                                }
                            ],
                        }
                    ],
                }
            ]
        results.append(entry)
    notifications = [
        {
            "level": "warning",
            "message": {"text": f"{s.path}: {s.status}: {s.error or 'no details'}"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": s.path, "uriBaseId": "%SRCROOT%"}
                    }
                }
            ],
        }
        for s in report.problems
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "deepfd-ci",
                        "version": tool_version,
                        "rules": rules,
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "results": results,
            }
        ],
    }


class SarifPublisher:
    name = "SARIF"

    def __init__(self, path: str, tool_version: str) -> None:
        self.path = path
        self.tool_version = tool_version

    def publish(self, report: ActionReport, verdict: Verdict) -> str:
        target = Path(self.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            json.dumps(build(report, self.tool_version), indent=1) + "\n",
            encoding="utf-8",
        )
        return f"SARIF written to {self.path} ({len(report.results)} result(s))"

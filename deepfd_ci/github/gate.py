"""The merge gate: severities against `fail_level` give the conclusion and the exit code.

The job's exit code is the check users make required, so it depends only on the findings, never
on whether posting to GitHub worked.
"""

from __future__ import annotations

from dataclasses import dataclass

from deepfd_ci.github.results import ActionReport


@dataclass(frozen=True)
class Verdict:
    conclusion: str  # success | failure
    exit_code: int
    reason: str


def judge(report: ActionReport) -> Verdict:
    counts = report.counts()
    errors, warnings = counts["error"], counts["warning"]
    level = report.fail_level
    if level == "error" and errors:
        return Verdict(
            "failure", 1, f"{errors} new fault(s) at or above fail_level=error"
        )
    if level == "warning" and (errors or warnings):
        return Verdict(
            "failure",
            1,
            f"{errors} error(s) and {warnings} warning(s) at or above fail_level=warning",
        )
    if errors or warnings:
        return Verdict(
            "success",
            0,
            f"{errors} error(s) and {warnings} warning(s) below fail_level={level}",
        )
    return Verdict("success", 0, "no faults diagnosed")

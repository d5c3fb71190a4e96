"""The one record every publisher reads: `ActionReport`, a list of `Result`s with their placement.

Placement (inline / file / body / summary) is decided here, once, from the PR's patches, the
filter mode and `max_comments`, so every publisher tells the same story about the same finding.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Literal

from deepfd_ci.github.analysis import Analysis
from deepfd_ci.github.anchoring import Anchor, anchor
from deepfd_ci.github.context import PullRequestRef
from deepfd_ci.github.diffs import ChangedFile, diffs_by_path
from deepfd_ci.github.fingerprints import fingerprint
from deepfd_ci.records import Finding, ScriptReport

Severity = Literal["error", "warning", "notice"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "notice": 2}


@dataclass(frozen=True)
class Result:
    path: str
    finding: Finding
    fingerprint: str
    severity: Severity
    pre_existing: bool
    anchor: Anchor


@dataclass
class ActionReport:
    pr: PullRequestRef
    scripts: list[ScriptReport]
    results: list[Result]
    fail_level: str = "error"
    base_compared: bool = False
    notes: list[str] = field(default_factory=list)
    run_url: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    # Set when the token cannot write (fork PR, 403): the reason shown to the user.
    read_only: str | None = None

    @property
    def problems(self) -> list[ScriptReport]:
        """Scripts that could not be analysed: warnings, with the reason (DESIGN.md, Severity)."""
        return [s for s in self.scripts if s.status != "ok"]

    def counts(self) -> dict[str, int]:
        counts = {"error": 0, "warning": len(self.problems), "notice": 0}
        for result in self.results:
            counts[result.severity] += 1
        return counts


def build_report(
    pr: PullRequestRef,
    analysis: Analysis,
    files: list[ChangedFile],
    filter_mode: str,
    max_comments: int,
    fail_level: str,
) -> ActionReport:
    diffs = diffs_by_path(files)
    results = []
    for script in analysis.reports:
        if script.status != "ok":
            continue
        base_types = set(analysis.base_faults.get(script.path, ()))
        for finding in script.faults:
            pre_existing = finding.type in base_types
            where = finding.path or script.path  # a sibling module the value is imported from
            results.append(
                Result(
                    path=where,
                    finding=finding,
                    fingerprint=fingerprint(where, finding),
                    severity="warning" if pre_existing else "error",
                    pre_existing=pre_existing,
                    anchor=anchor(finding, diffs.get(where), filter_mode),
                )
            )
    results.sort(
        key=lambda r: (
            SEVERITY_ORDER[r.severity],
            -r.finding.confidence,
            r.path,
            r.finding.primary_line or 0,
        )
    )
    return ActionReport(
        pr=pr,
        scripts=list(analysis.reports),
        results=_cap_comments(_dedupe(results), max_comments),
        fail_level=fail_level,
        base_compared=analysis.base_compared,
        notes=list(analysis.notes),
    )


def _dedupe(results: list[Result]) -> list[Result]:
    """Two findings with one fingerprint would be one comment: keep the stronger (first) one."""
    seen: set[str] = set()
    unique = []
    for result in results:
        if result.fingerprint not in seen:
            seen.add(result.fingerprint)
            unique.append(result)
    return unique


def _cap_comments(results: list[Result], max_comments: int) -> list[Result]:
    """The first `max_comments` comment-worthy results (errors first) stay; the rest go to the body."""
    capped, used = [], 0
    for result in results:
        if result.anchor.placement in ("inline", "file"):
            if used >= max_comments:
                reason = f"over the limit of {max_comments} comments per review"
                result = dataclasses.replace(
                    result, anchor=Anchor("body", reason=reason)
                )
            else:
                used += 1
        capped.append(result)
    return capped

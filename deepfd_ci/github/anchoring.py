"""Decide where each finding can be shown on the PR, never outside the diff.

Filter modes (reviewdog's): which lines may carry an inline comment.
- `added`: only `+` lines; other findings are listed in the summary.
- `diff_context`: any head-side line shown in a hunk; others in the summary.
- `file`: inline on shown lines; other findings in a changed file get a file-level comment.
- `nofilter`: like `file`, and findings in files the PR does not change go in the review body.
Publishers may push a result further down the chain (inline -> file -> body/summary -> annotation)
when a limit or a read-only token stops them; they never move one up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from deepfd_ci.github.diffs import FileDiff, Hunk
from deepfd_ci.records import Finding

Placement = Literal["inline", "file", "body", "summary"]
Eligible = Callable[[Hunk], frozenset[int]]


@dataclass(frozen=True)
class Anchor:
    placement: Placement
    line: int | None = None  # inline: the (last) commented line
    start_line: int | None = None  # inline multi-line comment: the first line
    suggestion: bool = (
        False  # the finding's suggestion replaces exactly the anchored lines
    )
    reason: str | None = None  # why a finding is not inline (shown in the summary)


def anchor(finding: Finding, diff: FileDiff | None, mode: str) -> Anchor:
    if diff is None:
        reason = "in a file this pull request does not change"
        return Anchor("body" if mode == "nofilter" else "summary", reason=reason)
    eligible: Eligible = (
        (lambda hunk: hunk.added) if mode == "added" else (lambda hunk: hunk.shown)
    )
    suggested = _suggestion_anchor(finding, diff, eligible)
    if suggested:
        return suggested
    for line in _candidate_lines(finding):
        hunk = diff.hunk_of(line)
        code_matches = line != finding.primary_line or _same_code(
            finding, diff.line_text(line)
        )
        if hunk and line in eligible(hunk) and code_matches:
            return Anchor("inline", line=line)
    where = "an added line" if mode == "added" else "a line shown in the diff"
    if mode in ("file", "nofilter"):
        return Anchor("file", reason=f"not on {where}")
    return Anchor("summary", reason=f"not on {where}")


def _candidate_lines(finding: Finding) -> list[int]:
    lines = [finding.primary_line] if finding.primary_line else []
    return lines + [line for line in finding.lines if line not in lines]


def _suggestion_anchor(
    finding: Finding, diff: FileDiff, eligible: Eligible
) -> Anchor | None:
    """Anchor on the suggestion's exact range, so GitHub's "Commit suggestion" replaces those lines."""
    suggestion = finding.suggestion
    if suggestion is None:
        return None
    start, end = suggestion.line, suggestion.end_line or suggestion.line
    if end < start:
        return None
    primary = finding.primary_line
    if (
        primary is not None
        and not start <= primary <= end
        and _primary_is_eligible(finding, diff, eligible)
    ):
        return None  # the comment belongs on the faulty line; the fix is shown as text
    hunk = diff.hunk_of(start)
    if hunk is None or not all(
        line in eligible(hunk) for line in range(start, end + 1)
    ):
        return None
    if (
        primary is not None
        and start <= primary <= end
        and not _same_code(finding, diff.line_text(primary))
    ):
        return None
    return Anchor(
        "inline", line=end, start_line=start if start < end else None, suggestion=True
    )


def _primary_is_eligible(finding: Finding, diff: FileDiff, eligible: Eligible) -> bool:
    line = finding.primary_line
    hunk = diff.hunk_of(line) if line else None
    return bool(hunk and line in eligible(hunk))


def _same_code(finding: Finding, line_text: str | None) -> bool:
    """Guard against a checkout that is not the PR head: the diff must show the finding's code there.

    Lenient by design (either text may be a fragment of the other); only a clear mismatch refuses.
    """
    if not finding.snippet or line_text is None:
        return True
    first = (
        " ".join(finding.snippet.strip().splitlines()[0].split())
        if finding.snippet.strip()
        else ""
    )
    shown = " ".join(line_text.split())
    return not first or not shown or first in shown or shown in first

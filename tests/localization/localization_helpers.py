"""Shared helpers for the localization tests: run `localize` on a script and check its fix."""

from __future__ import annotations

import ast
import textwrap

from deepfd_ci.localization import apply_suggestion, localize
from deepfd_ci.records import Fault, Finding, StaticFacts


def script(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def line_of(source: str, fragment: str, nth: int = 0) -> int:
    """1-based number of the `nth` line containing `fragment` (fails loudly when absent)."""
    hits = [i for i, line in enumerate(source.splitlines(), 1) if fragment in line]
    assert len(hits) > nth, f"{fragment!r} not found {nth + 1} time(s)"
    return hits[nth]


def check_suggestion(source: str, finding: Finding) -> str | None:
    """The patched source when the finding has a suggestion; asserts it is a proper GitHub
    suggestion (whole lines covering the primary line, no trailing newline, result parses)."""
    suggestion = finding.suggestion
    if suggestion is None:
        return None
    end = suggestion.end_line if suggestion.end_line is not None else suggestion.line
    assert suggestion.line <= finding.primary_line <= end
    assert not suggestion.replacement.endswith("\n")
    patched = apply_suggestion(source, suggestion)
    ast.parse(patched)
    return patched


def locate(
    source: str,
    fault_type: str,
    detail: dict | None = None,
    facts: StaticFacts | None = None,
    path: str = "train.py",
    repo_root: str | None = None,
    other_source: str | None = None,
) -> tuple[Finding, str | None]:
    """(finding, patched source) for one fault. `other_source` is the file the finding's
    lines refer to when they are not in the script (a sibling module)."""
    fault = Fault(fault_type, 0.9, ["observed something"], detail=detail or {})
    [finding] = localize(source, path, [fault], facts, repo_root)
    assert finding.type == fault_type
    assert finding.evidence[0] == "observed something"
    assert finding.lines and finding.lines[0] == finding.primary_line
    return finding, check_suggestion(other_source if other_source is not None else source, finding)

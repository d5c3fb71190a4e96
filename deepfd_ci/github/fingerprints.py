"""Stable identities for findings, and the hidden markers that carry them in GitHub comments.

A fingerprint depends on the rule (fault type), the file and the code the finding points at, never
on line numbers or measured values: the same fault on a moved line, or with slightly different loss
numbers on a re-run, is the same comment. Markers are only trusted at the very end of a body.
"""

from __future__ import annotations

import hashlib
import re

from deepfd_ci.records import Finding

MARKER_PREFIX = "deepfd-ci"
_FINDING_MARKER = re.compile(r"<!-- deepfd-ci fp=([0-9a-f]{16}) -->\s*\Z")
_REVIEW_MARKER = re.compile(r"<!-- deepfd-ci review sha=([0-9a-f]{7,64}) -->\s*\Z")
SUMMARY_MARKER = "<!-- deepfd-ci summary -->"


def fingerprint(path: str, finding: Finding) -> str:
    code = " ".join((finding.snippet or "").split())
    digest = hashlib.sha256(f"{finding.type}\0{path}\0{code}".encode()).hexdigest()
    return digest[:16]


def finding_marker(fp: str) -> str:
    return f"<!-- deepfd-ci fp={fp} -->"


def finding_marker_of(body: str | None) -> str | None:
    match = _FINDING_MARKER.search(body or "")
    return match[1] if match else None


def review_marker(head_sha: str) -> str:
    return f"<!-- deepfd-ci review sha={head_sha} -->"


def review_marker_of(body: str | None) -> str | None:
    match = _REVIEW_MARKER.search(body or "")
    return match[1] if match else None


def is_summary(body: str | None) -> bool:
    return (body or "").rstrip().endswith(SUMMARY_MARKER)

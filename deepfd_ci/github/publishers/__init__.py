"""Interchangeable reporters (reviewdog style): each takes the same `ActionReport` and `Verdict`.

`publish()` returns one line for the log saying what it did. Publishers that write to GitHub may
raise `api.ReadOnlyError`; the runner then degrades to the ones that need no token.
"""

from __future__ import annotations

from typing import Protocol

from deepfd_ci.github.gate import Verdict
from deepfd_ci.github.results import ActionReport


class Publisher(Protocol):
    name: str

    def publish(self, report: ActionReport, verdict: Verdict) -> str: ...

"""The job summary ($GITHUB_STEP_SUMMARY): always written, needs no token, works on fork PRs."""

from __future__ import annotations

from deepfd_ci.github import markdown
from deepfd_ci.github.gate import Verdict
from deepfd_ci.github.results import ActionReport

LIMIT = 1024 * 1024  # GitHub refuses a step summary over 1 MiB


class StepSummaryPublisher:
    name = "job summary"

    def __init__(self, path: str | None) -> None:
        self.path = path

    def publish(self, report: ActionReport, verdict: Verdict) -> str:
        if not self.path:
            return "no GITHUB_STEP_SUMMARY: skipped"
        body = markdown.summary(report, verdict, detailed=True)
        encoded = body.encode("utf-8")
        if len(encoded) > LIMIT - 200:
            body = (
                encoded[: LIMIT - 200].decode("utf-8", errors="ignore")
                + "\n\n_(truncated at GitHub's 1 MiB limit)_"
            )
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(body + "\n")
        return f"job summary written ({len(body)} characters)"

"""Optional named check run or commit status on the head commit (the gate users can require)."""

from __future__ import annotations

from typing import Any

from deepfd_ci.github import markdown
from deepfd_ci.github.api import GitHubAPI
from deepfd_ci.github.gate import Verdict
from deepfd_ci.github.results import ActionReport

MAX_ANNOTATIONS = 50  # per request
MAX_TEXT = 65_535
LEVELS = {"error": "failure", "warning": "warning", "notice": "notice"}


class CheckRunPublisher:
    name = "check run"

    def __init__(self, api: GitHubAPI, check_name: str) -> None:
        self.api = api
        self.check_name = check_name

    def publish(self, report: ActionReport, verdict: Verdict) -> str:
        annotations = _annotations(report)
        summary = markdown.summary(report, verdict, detailed=True)
        if len(summary) > MAX_TEXT:
            summary = summary[: MAX_TEXT - 40] + "\n\n_(truncated)_"
        output = {
            "title": f"deepfd-ci: {verdict.reason}"[:1000],
            "summary": summary,
            "annotations": annotations[:MAX_ANNOTATIONS],
        }
        self.api.create_check_run(
            self.check_name,
            report.pr.head_sha,
            verdict.conclusion,
            output,
            report.run_url,
        )
        return f"check run {self.check_name!r}: {verdict.conclusion}, {min(len(annotations), MAX_ANNOTATIONS)} annotation(s)"


class StatusPublisher:
    name = "commit status"

    def __init__(self, api: GitHubAPI, context: str) -> None:
        self.api = api
        self.context = context

    def publish(self, report: ActionReport, verdict: Verdict) -> str:
        state = "failure" if verdict.conclusion == "failure" else "success"
        self.api.create_status(
            report.pr.head_sha, state, verdict.reason, self.context, report.run_url
        )
        return f"commit status {self.context!r}: {state}"


def _annotations(report: ActionReport) -> list[dict[str, Any]]:
    items = []
    for result in report.results:
        line = result.finding.primary_line or 1
        items.append(
            {
                "path": result.path,
                "start_line": line,
                "end_line": line,
                "annotation_level": LEVELS[result.severity],
                "title": f"deepfd-ci: {markdown.TITLES.get(result.finding.type, result.finding.type)}"[
                    :255
                ],
                "message": (
                    "; ".join(result.finding.evidence[:5]) or result.finding.type
                )[:4000],
            }
        )
    for script in report.problems:
        items.append(
            {
                "path": script.path,
                "start_line": 1,
                "end_line": 1,
                "annotation_level": "warning",
                "title": f"deepfd-ci: script {markdown.STATUS_TEXT.get(script.status, script.status)}",
                "message": (script.error or "no details")[:4000],
            }
        )
    return items

"""The sticky summary: one PR conversation comment, found by its marker and edited in place."""

from __future__ import annotations

from deepfd_ci.github import markdown
from deepfd_ci.github.api import GitHubAPI, ReadOnlyError
from deepfd_ci.github.gate import Verdict
from deepfd_ci.github.results import ActionReport


class SummaryCommentPublisher:
    name = "summary comment"

    def __init__(self, api: GitHubAPI) -> None:
        self.api = api

    def publish(self, report: ActionReport, verdict: Verdict) -> str:
        body = markdown.summary(report, verdict, detailed=False)
        number = report.pr.number
        ours = [c for c in self.api.issue_comments(number) if c.summary]
        if ours:
            current = ours[0]
            if current.body == body:
                return "summary comment unchanged"
            try:
                self.api.edit_issue_comment(current.id, body)
                return f"summary comment {current.id} updated"
            except ReadOnlyError:
                # Someone else's comment ending in our marker cannot be edited: post our own.
                if len(ours) > 1:
                    raise
        self.api.create_issue_comment(number, body)
        return "summary comment created"

"""PR review comments: one review per head SHA, deduplicated by fingerprint, stale ones removed."""

from __future__ import annotations

from typing import Any

from deepfd_ci.github import markdown
from deepfd_ci.github.api import GitHubAPI, GitHubError, ReviewComment
from deepfd_ci.github.gate import Verdict
from deepfd_ci.github.results import ActionReport, Result


class ReviewPublisher:
    name = "review"

    def __init__(self, api: GitHubAPI, request_changes: bool = False) -> None:
        self.api = api
        self.request_changes = request_changes

    def publish(self, report: ActionReport, verdict: Verdict) -> str:
        number, head = report.pr.number, report.pr.head_sha
        existing = self.api.review_comments(number)
        posted, stale = _sort_existing(existing, report)
        wanted = [
            r
            for r in report.results
            if r.anchor.placement in ("inline", "file") and r.fingerprint not in posted
        ]
        inline = [r for r in wanted if r.anchor.placement == "inline"]
        files = [r for r in wanted if r.anchor.placement == "file"]

        reviews = self.api.reviews(number)
        ours = [r for r in reviews if r.head_sha]
        blocking = self.request_changes and report.counts()["error"] > 0
        still_requesting = [r for r in ours if r.state == "CHANGES_REQUESTED"]
        event = "REQUEST_CHANGES" if blocking and not still_requesting else "COMMENT"
        reviewed_this_sha = any(r.head_sha == head for r in ours)
        log = []
        if not reviewed_this_sha and (inline or event == "REQUEST_CHANGES"):
            log.append(self._post_review(report, event, inline))
        elif inline:
            log.append(
                f"{len(inline)} new inline finding(s) left in the summary: this commit already has a review"
            )
        for result in files:
            self.api.create_file_comment(
                number, head, result.path, markdown.comment_body(result, report)
            )
        for comment in stale:
            self.api.delete_review_comment(comment.id)
        dismissed = 0
        if self.request_changes and not blocking:
            for review in still_requesting:
                self.api.dismiss_review(review.id, markdown.dismiss_message())
                dismissed += 1
        log.append(
            f"{len(files)} file comment(s), {len(posted)} already posted, {len(stale)} outdated deleted, {dismissed} review(s) dismissed"
        )
        return "; ".join(log)

    def _post_review(
        self, report: ActionReport, event: str, inline: list[Result]
    ) -> str:
        comments = [_comment(result, report) for result in inline]
        try:
            self.api.create_review(
                report.pr.number,
                report.pr.head_sha,
                markdown.review_body(report, event, []),
                event,
                comments,
            )
            return f"{event} review with {len(comments)} inline comment(s)"
        except GitHubError as exc:
            if exc.status != 422 or not comments:
                raise
            # GitHub rejected an anchor (the diff moved under us): next in the fallback chain is the body.
            body = markdown.review_body(report, event, inline)
            self.api.create_review(
                report.pr.number, report.pr.head_sha, body, event, []
            )
            return f"{event} review; GitHub refused the inline comments ({exc}), so they are in the review body"


def _comment(result: Result, report: ActionReport) -> dict[str, Any]:
    comment: dict[str, Any] = {
        "path": result.path,
        "body": markdown.comment_body(result, report),
        "line": result.anchor.line,
        "side": "RIGHT",
    }
    if result.anchor.start_line is not None:
        comment.update(start_line=result.anchor.start_line, start_side="RIGHT")
    return comment


def _sort_existing(
    existing: list[ReviewComment], report: ActionReport
) -> tuple[set[str], list[ReviewComment]]:
    """Our earlier comments: still valid (fingerprints to skip) or stale (to delete).

    A comment stays when its finding is still diagnosed and GitHub still shows it on the current
    diff (GitHub moves comments with unchanged code; `line` is None once the code changed around it).
    Comments someone replied to are never deleted, and neither are those on scripts that could not
    be analysed this time (we cannot tell whether their fault is gone).
    """
    current = {r.fingerprint: r for r in report.results}
    replied = {c.in_reply_to for c in existing if c.in_reply_to}
    unknown = {s.path for s in report.scripts if s.status != "ok"}
    posted: set[str] = set()
    stale = []
    for comment in existing:
        if comment.fingerprint is None or comment.in_reply_to:
            continue
        result = current.get(comment.fingerprint)
        shown = comment.line is not None or comment.subject_type == "file"
        if comment.path in unknown or (
            result is not None and result.path == comment.path and shown
        ):
            posted.add(comment.fingerprint)
        elif comment.id not in replied:
            stale.append(comment)
    return posted, stale

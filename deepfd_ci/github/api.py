"""The only module that talks to GitHub. It returns plain records, never PyGithub objects.

Writes are where bots go wrong, so every write goes through `_write`:
- a secondary rate limit (403/429 with a rate-limit message) waits `Retry-After` and tries again;
- a 5xx or a dropped connection may hide a write that did land, so before retrying it asks
  `landed()` (a listing that looks for our hidden marker) and never posts twice;
- any other 403 means the token cannot write (fork PR): `ReadOnlyError`, which callers degrade on.
GETs are retried by PyGithub's own `GithubRetry`, which is told never to retry a POST.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import requests
from github import Auth, Github, GithubException, GithubRetry
from github.GithubObject import NonCompletableGithubObject
from github.IssueComment import IssueComment as GithubIssueComment
from github.PaginatedList import PaginatedList
from github.PullRequest import PullRequest
from github.PullRequestComment import PullRequestComment
from github.PullRequestReview import PullRequestReview
from github.Requester import Requester

from deepfd_ci.github.context import PullRequestRef
from deepfd_ci.github.diffs import ChangedFile
from deepfd_ci.github.fingerprints import (
    finding_marker_of,
    is_summary,
    review_marker_of,
)

T = TypeVar("T")
MAX_FILES = 3000  # GitHub lists at most 3000 files of a pull request


class _RawItem(NonCompletableGithubObject):
    """A list item kept as plain JSON (see `GitHubAPI._pages`)."""

    def _initAttributes(self) -> None:
        pass

    def _useAttributes(self, attributes: dict[str, Any]) -> None:
        pass


class GitHubError(RuntimeError):
    """A GitHub call failed for good; the message says which call and why."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ReadOnlyError(GitHubError):
    """The token may read but not write (fork PR, missing `pull-requests: write`)."""


@dataclass(frozen=True)
class ReviewComment:
    id: int
    path: str
    line: int | None  # where GitHub shows it on the current head; None: outdated
    body: str
    in_reply_to: int | None
    subject_type: str  # line | file
    fingerprint: str | None  # ours when not None


@dataclass(frozen=True)
class Review:
    id: int
    state: str  # COMMENTED | CHANGES_REQUESTED | DISMISSED | APPROVED | PENDING
    head_sha: str | None  # from our marker; None: not ours


@dataclass(frozen=True)
class IssueComment:
    id: int
    body: str
    summary: bool  # our sticky summary


class GitHubAPI:
    def __init__(
        self,
        token: str,
        repository: str,
        base_url: str = "https://api.github.com",
        write_interval: float = 1.0,
        max_wait: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        retry = GithubRetry(
            total=4,
            backoff_factor=0.5,
            allowed_methods=frozenset({"GET"}),
            secondary_rate_wait=min(60.0, max_wait),
        )
        self._gh = Github(
            auth=Auth.Token(token) if token else None,
            base_url=base_url.rstrip("/"),
            per_page=100,
            retry=retry,
            timeout=30,
            seconds_between_requests=None,
            seconds_between_writes=write_interval or None,
            lazy=True,
        )
        self.repository = repository
        self._repo = self._gh.get_repo(repository)
        self._max_wait = max_wait
        self._sleep = sleep
        self._objects: dict[
            tuple[str, int], Any
        ] = {}  # listed PyGithub objects, for edits/deletes

    # -- reads ---------------------------------------------------------------------------------

    def pull(self, number: int) -> PullRequestRef:
        return self._read(
            f"get pull request #{number}",
            lambda: _pull_ref(self._repo.get_pull(number)),
        )

    def pulls_for_commit(self, sha: str) -> list[PullRequestRef]:
        """Open or closed PRs whose commits include `sha` (works for fork heads too)."""
        return self._read(
            f"list pull requests of commit {sha[:12]}",
            lambda: [_pull_ref(p) for p in self._repo.get_commit(sha).get_pulls()],
        )

    def changed_files(self, number: int) -> list[ChangedFile]:
        """Every changed file, page by page (the diff media type stops at 300 files)."""

        def fetch() -> list[ChangedFile]:
            files = []
            for data in self._pages(f"{self._pull_path(number)}/files"):
                files.append(
                    ChangedFile(
                        data["filename"],
                        data["status"],
                        data.get("previous_filename"),
                        data.get("patch"),
                    )
                )
                if len(files) >= MAX_FILES:
                    break
            return files

        return self._read(f"list the files of pull request #{number}", fetch)

    def review_comments(self, number: int) -> list[ReviewComment]:
        def fetch() -> list[ReviewComment]:
            found = []
            for data in self._pages(f"{self._pull_path(number)}/comments"):
                comment = PullRequestComment(
                    self._gh.requester, {}, data, completed=True
                )
                self._objects[("review_comment", comment.id)] = comment
                found.append(
                    ReviewComment(
                        id=data["id"],
                        path=data.get("path") or "",
                        line=data.get("line"),
                        body=data.get("body") or "",
                        in_reply_to=data.get("in_reply_to_id"),
                        subject_type=data.get("subject_type") or "line",
                        fingerprint=finding_marker_of(data.get("body")),
                    )
                )
            return found

        return self._read(f"list review comments of pull request #{number}", fetch)

    def reviews(self, number: int) -> list[Review]:
        def fetch() -> list[Review]:
            found = []
            for data in self._pages(f"{self._pull_path(number)}/reviews"):
                review = PullRequestReview(self._gh.requester, {}, data)
                self._objects[("review", review.id)] = review
                found.append(
                    Review(
                        data["id"],
                        data.get("state") or "",
                        review_marker_of(data.get("body")),
                    )
                )
            return found

        return self._read(f"list reviews of pull request #{number}", fetch)

    def issue_comments(self, number: int) -> list[IssueComment]:
        def fetch() -> list[IssueComment]:
            found = []
            for data in self._pages(
                f"/repos/{self.repository}/issues/{number}/comments"
            ):
                comment = GithubIssueComment(
                    self._gh.requester, {}, data, completed=True
                )
                self._objects[("issue_comment", comment.id)] = comment
                body = data.get("body") or ""
                found.append(IssueComment(data["id"], body, is_summary(body)))
            return found

        return self._read(f"list comments of pull request #{number}", fetch)

    def _pull_path(self, number: int) -> str:
        return f"/repos/{self.repository}/pulls/{number}"

    def _pages(self, path: str) -> Iterator[dict[str, Any]]:
        """Raw JSON items of a paginated list (Link headers followed by PyGithub).

        Listed PyGithub objects are incomplete: reading an attribute GitHub omitted (such as
        `in_reply_to_id` on a top-level comment) costs one GET per item. Raw items do not, and
        the objects needed for edits are built from them as complete.
        """
        for item in PaginatedList(_RawItem, self._gh.requester, path, None):
            yield item.raw_data

    # -- writes --------------------------------------------------------------------------------

    def create_review(
        self,
        number: int,
        head_sha: str,
        body: str,
        event: str,
        comments: list[dict[str, Any]],
    ) -> None:
        pr = self._repo.get_pull(number)
        self._write(
            f"create a review on pull request #{number}",
            lambda: pr.create_review(
                commit=self._repo.get_commit(head_sha),
                body=body,
                event=event,
                comments=comments,
            ),
            landed=lambda: any(r.head_sha == head_sha for r in self.reviews(number)),
        )

    def create_file_comment(
        self, number: int, head_sha: str, path: str, body: str
    ) -> None:
        pr = self._repo.get_pull(number)
        fp = finding_marker_of(body)
        self._write(
            f"comment on file {path}",
            lambda: pr.create_review_comment(
                body, self._repo.get_commit(head_sha), path, subject_type="file"
            ),
            landed=lambda: any(
                c.fingerprint == fp and c.path == path
                for c in self.review_comments(number)
            ),
        )

    def delete_review_comment(self, comment_id: int) -> None:
        comment = self._objects[("review_comment", comment_id)]
        self._write(f"delete review comment {comment_id}", comment.delete, gone_ok=True)

    def dismiss_review(self, review_id: int, message: str) -> None:
        review = self._objects[("review", review_id)]
        self._write(f"dismiss review {review_id}", lambda: review.dismiss(message))

    def create_issue_comment(self, number: int, body: str) -> None:
        issue = self._repo.get_issue(number)
        self._write(
            f"comment on pull request #{number}",
            lambda: issue.create_comment(body),
            landed=lambda: any(c.summary for c in self.issue_comments(number)),
        )

    def edit_issue_comment(self, comment_id: int, body: str) -> None:
        comment = self._objects[("issue_comment", comment_id)]
        self._write(f"edit comment {comment_id}", lambda: comment.edit(body))

    def create_check_run(
        self,
        name: str,
        head_sha: str,
        conclusion: str,
        output: dict[str, Any],
        details_url: str | None,
    ) -> None:
        extra = {"details_url": details_url} if details_url else {}
        self._write(
            f"create check run {name!r}",
            lambda: self._repo.create_check_run(
                name=name,
                head_sha=head_sha,
                status="completed",
                conclusion=conclusion,
                output=output,
                **extra,
            ),
        )

    def create_status(
        self,
        head_sha: str,
        state: str,
        description: str,
        context: str,
        target_url: str | None,
    ) -> None:
        extra = {"target_url": target_url} if target_url else {}
        commit = self._repo.get_commit(head_sha)
        self._write(
            f"set commit status {context!r}",
            lambda: commit.create_status(
                state=state, description=description[:140], context=context, **extra
            ),
        )

    # -- machinery -----------------------------------------------------------------------------

    def _read(self, what: str, call: Callable[[], T]) -> T:
        try:
            return call()
        except GithubException as exc:
            raise GitHubError(
                f"could not {what}: HTTP {exc.status}: {_message(exc)}", exc.status
            ) from exc
        except requests.RequestException as exc:
            raise GitHubError(f"could not {what}: {exc}") from exc

    def _write(
        self,
        what: str,
        call: Callable[[], object],
        landed: Callable[[], bool] | None = None,
        gone_ok: bool = False,
    ) -> None:
        delay = 1.0
        for _attempt in range(5):
            try:
                call()
                return
            except GithubException as exc:
                message = _message(exc)
                if exc.status in (403, 429) and (
                    Requester.isRateLimitError(message) or _header(exc, "retry-after")
                ):
                    self._sleep(self._rate_limit_wait(exc))
                    continue
                if exc.status == 403:
                    raise ReadOnlyError(
                        f"could not {what}: the token may not write ({message})", 403
                    ) from exc
                if exc.status == 404 and gone_ok:
                    return
                if exc.status >= 500:
                    if landed is not None and landed():
                        return
                    self._sleep(delay)
                    delay *= 2
                    continue
                raise GitHubError(
                    f"could not {what}: HTTP {exc.status}: {message}", exc.status
                ) from exc
            except requests.RequestException:
                if landed is not None and landed():
                    return
                self._sleep(delay)
                delay *= 2
        raise GitHubError(f"could not {what}: GitHub kept failing after 5 attempts")

    def _rate_limit_wait(self, exc: GithubException) -> float:
        retry_after = _header(exc, "retry-after")
        if retry_after and retry_after.isdigit():
            wait = float(retry_after)
        elif (
            _header(exc, "x-ratelimit-remaining") == "0"
            and (_header(exc, "x-ratelimit-reset") or "").isdigit()
        ):
            wait = float(_header(exc, "x-ratelimit-reset") or 0) - time.time() + 1
        else:
            wait = 60.0
        if wait > self._max_wait:
            raise GitHubError(
                f"GitHub asks to wait {wait:.0f} s (rate limit), more than the {self._max_wait:.0f} s allowed",
                exc.status,
            )
        return max(wait, 0.0)


def _pull_ref(pr: PullRequest) -> PullRequestRef:
    head_repo = pr.head.repo
    return PullRequestRef(
        repository=pr.base.repo.full_name,
        number=pr.number,
        head_sha=pr.head.sha,
        base_sha=pr.base.sha,
        head_repository=head_repo.full_name if head_repo is not None else None,
        state=pr.state,
        draft=bool(pr.draft),
    )


def _message(exc: GithubException) -> str:
    data = exc.data
    if isinstance(data, dict):
        message = str(data.get("message", ""))
        errors = data.get("errors")
        if errors:
            message += f" {errors}"
        return message
    return str(data)


def _header(exc: GithubException, name: str) -> str | None:
    for key, value in (exc.headers or {}).items():
        if key.lower() == name:
            return str(value)
    return None

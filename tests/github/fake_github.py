"""A stateful fake of the GitHub REST API, served over real HTTP on 127.0.0.1.

It keeps pull requests, files with real patches (computed from file contents), reviews, review
comments, conversation comments, check runs and statuses, and enforces the rules a review bot
breaks in practice: 422 for an anchor outside the diff, a multi-line range that is not in order or
not in one hunk, a missing or oversized body; 403 for a read-only token and for bursts (secondary
rate limit, with Retry-After); pagination with Link headers; 5xx on demand (after or before doing
the work). Every request, and every response it sends, is validated against GitHub's OpenAPI
description (tests/github/openapi); any mismatch is recorded in `violations` and fails the test.

Response bodies start from the description's own examples, with the fields that matter overridden,
so PyGithub sees objects shaped like GitHub's.
"""

from __future__ import annotations

import copy
import difflib
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import (
    WerkzeugOpenAPIRequest,
    WerkzeugOpenAPIResponse,
)
from werkzeug.routing import Map, Rule
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

SPEC_PATH = Path(__file__).with_name("openapi") / "api.github.com.json"
BODY_LIMIT = 65_536
BOT = "github-actions[bot]"
WRITE = frozenset({"pull_requests", "issues", "checks", "statuses", "contents"})


@cache
def _spec_text() -> str:
    return SPEC_PATH.read_text(encoding="utf-8")


def _examples() -> dict[str, Any]:
    return json.loads(_spec_text())["components"]["examples"]


def _example(name: str) -> dict[str, Any]:
    value = _examples()[name]["value"]
    return copy.deepcopy(value[0] if isinstance(value, list) else value)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        """Tests read `FakeGitHub.requests`, not an access log."""


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        errors: list[Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.errors, self.headers = (
            status,
            message,
            errors,
            headers or {},
        )


# ---------------------------------------------------------------------------------------------
# State
# ---------------------------------------------------------------------------------------------


@dataclass
class FakeFile:
    path: str
    status: str
    base: str | None
    head: str | None
    previous_path: str | None = None
    binary: bool = False

    def patch(self) -> str | None:
        if self.binary:
            return None
        old = (self.base or "").splitlines()
        new = (self.head or "").splitlines()
        lines = list(difflib.unified_diff(old, new, lineterm="", n=3))
        return (
            "\n".join(lines[2:]) if lines else None
        )  # GitHub's patch has no ---/+++ header

    def hunks(self) -> list[tuple[set[int], set[int]]]:
        """Per hunk: (head-side lines shown, head-side lines added)."""
        patch = self.patch()
        if patch is None:
            return []
        hunks: list[tuple[set[int], set[int]]] = []
        new_line = 0
        for raw in patch.split("\n"):
            header = re.match(r"@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@", raw)
            if header:
                new_line = int(header[1])
                hunks.append((set(), set()))
            elif raw.startswith("+"):
                hunks[-1][0].add(new_line)
                hunks[-1][1].add(new_line)
                new_line += 1
            elif raw.startswith(" ") or raw == "":
                hunks[-1][0].add(new_line)
                new_line += 1
        return hunks

    def hunk_of(self, line: int) -> int | None:
        for index, (shown, _added) in enumerate(self.hunks()):
            if line in shown:
                return index
        return None


@dataclass
class FakePull:
    number: int
    base_sha: str
    head_sha: str
    head_repo: str | None
    files: dict[str, FakeFile]
    state: str = "open"
    author: str = "contributor"
    commits: list[str] = field(default_factory=list)


@dataclass
class Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    after: bool  # True: do the work, then answer with the error (a lost response)


class FakeGitHub:
    def __init__(self, repository: str = "octo-org/ml-app") -> None:
        self.repository = repository
        self.tokens: dict[str, frozenset[str]] = {
            "write-token": WRITE,
            "read-token": frozenset(),
        }
        self.users: dict[str, str] = {"write-token": BOT, "read-token": BOT}
        self.pulls: dict[int, FakePull] = {}
        self.reviews: dict[int, list[dict[str, Any]]] = {}
        self.review_comments: dict[int, list[dict[str, Any]]] = {}
        self.issue_comments: dict[int, list[dict[str, Any]]] = {}
        self.check_runs: list[dict[str, Any]] = []
        self.statuses: list[dict[str, Any]] = []
        self.requests: list[tuple[str, str, int]] = []
        self.violations: list[str] = []
        self.failures: list[Failure] = []
        self.burst: tuple[int, float] | None = None  # (content units, per seconds)
        self._writes: list[tuple[float, int]] = []
        self._ids = itertools.count(1000)
        self._lock = threading.Lock()
        self.url_map = Map(
            [
                Rule("/repos/<owner>/<repo>", endpoint="repo", methods=["GET"]),
                Rule(
                    "/repos/<owner>/<repo>/pulls/<int:number>",
                    endpoint="pull",
                    methods=["GET"],
                ),
                Rule(
                    "/repos/<owner>/<repo>/pulls/<int:number>/files",
                    endpoint="files",
                    methods=["GET"],
                ),
                Rule(
                    "/repos/<owner>/<repo>/pulls/<int:number>/reviews",
                    endpoint="reviews",
                    methods=["GET", "POST"],
                ),
                Rule(
                    "/repos/<owner>/<repo>/pulls/<int:number>/reviews/<int:review_id>/dismissals",
                    endpoint="dismiss",
                    methods=["PUT"],
                ),
                Rule(
                    "/repos/<owner>/<repo>/pulls/<int:number>/comments",
                    endpoint="review_comments",
                    methods=["GET", "POST"],
                ),
                Rule(
                    "/repos/<owner>/<repo>/pulls/comments/<int:comment_id>",
                    endpoint="review_comment",
                    methods=["PATCH", "DELETE"],
                ),
                Rule(
                    "/repos/<owner>/<repo>/issues/<int:number>/comments",
                    endpoint="issue_comments",
                    methods=["GET", "POST"],
                ),
                Rule(
                    "/repos/<owner>/<repo>/issues/comments/<int:comment_id>",
                    endpoint="issue_comment",
                    methods=["PATCH"],
                ),
                Rule(
                    "/repos/<owner>/<repo>/check-runs",
                    endpoint="check_runs",
                    methods=["POST"],
                ),
                Rule(
                    "/repos/<owner>/<repo>/statuses/<sha>",
                    endpoint="statuses",
                    methods=["POST"],
                ),
                Rule(
                    "/repos/<owner>/<repo>/commits/<sha>/pulls",
                    endpoint="commit_pulls",
                    methods=["GET"],
                ),
                Rule(
                    "/repos/<owner>/<repo>/commits/<sha>",
                    endpoint="commit",
                    methods=["GET"],
                ),
            ]
        )
        self._server: Any = None
        self.base_url = ""

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> FakeGitHub:
        self._server = make_server(
            "127.0.0.1", 0, self.wsgi, threaded=True, request_handler=_QuietHandler
        )
        self.base_url = f"http://127.0.0.1:{self._server.server_port}"
        spec = json.loads(_spec_text())
        spec["servers"] = [{"url": self.base_url}]
        self.openapi = OpenAPI.from_dict(spec)
        threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # -- scenario helpers (what a test does to GitHub) ----------------------------------------------

    def add_pull(
        self,
        number: int,
        base: dict[str, str],
        head: dict[str, str],
        head_sha: str,
        base_sha: str = "b" * 40,
        head_repo: str | None = None,
        binary: tuple[str, ...] = (),
    ) -> FakePull:
        pull = FakePull(
            number,
            base_sha,
            head_sha,
            head_repo or self.repository,
            _files(base, head, binary),
            commits=[head_sha],
        )
        self.pulls[number] = pull
        self.reviews.setdefault(number, [])
        self.review_comments.setdefault(number, [])
        self.issue_comments.setdefault(number, [])
        return pull

    def push(self, number: int, head: dict[str, str], head_sha: str) -> None:
        """A new head commit: GitHub moves comments whose code is unchanged, outdates the others."""
        pull = self.pulls[number]
        old_files = pull.files
        base = {path: f.base for path, f in old_files.items() if f.base is not None}
        pull.files = _files(base, head, ())
        pull.head_sha = head_sha
        pull.commits.append(head_sha)
        for comment in self.review_comments[number]:
            if comment["line"] is None or comment.get("subject_type") == "file":
                continue
            old = old_files.get(comment["path"])
            new = pull.files.get(comment["path"])
            moved = _track_line(
                old.head if old else None, new.head if new else None, comment["line"]
            )
            if moved is not None and new is not None and new.hunk_of(moved) is None:
                moved = None
            comment["line"] = moved
            comment["position"] = None if moved is None else comment["position"]
            if moved is None:
                comment["start_line"] = None

    def reply(
        self, number: int, comment_id: int, body: str, user: str = "reviewer"
    ) -> None:
        parent = next(c for c in self.review_comments[number] if c["id"] == comment_id)
        reply = dict(
            parent,
            id=next(self._ids),
            body=body,
            in_reply_to_id=comment_id,
            user=_user(user),
        )
        self.review_comments[number].append(reply)

    def fail_next(
        self, method: str, path_pattern: str, status: int = 502, after: bool = True
    ) -> None:
        self.failures.append(Failure(method, re.compile(path_pattern), status, after))

    def writes(self) -> list[tuple[str, str, int]]:
        return [r for r in self.requests if r[0] != "GET"]

    # -- WSGI --------------------------------------------------------------------------------------

    def wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        with self._lock:
            response = self._handle(request)
            self.requests.append((request.method, request.path, response.status_code))
            self._validate(request, response)
        return response(environ, start_response)

    def _validate(self, request: Request, response: Response) -> None:
        openapi_request = WerkzeugOpenAPIRequest(request)
        for error in self.openapi.iter_request_errors(openapi_request):
            self.violations.append(
                f"request {request.method} {request.path}: {_describe(error)}"
            )
        if response.status_code < 300:
            for error in self.openapi.iter_response_errors(
                openapi_request, WerkzeugOpenAPIResponse(response)
            ):
                self.violations.append(
                    f"response {request.method} {request.path} {response.status_code}: {_describe(error)}"
                )

    def _handle(self, request: Request) -> Response:
        try:
            adapter = self.url_map.bind_to_environ(request.environ)
            endpoint, args = adapter.match()
        except Exception:  # noqa: BLE001 - werkzeug's NotFound / MethodNotAllowed
            return _json(
                {
                    "message": "Not Found",
                    "documentation_url": "https://docs.github.com/rest",
                },
                404,
            )
        failure = next(
            (
                f
                for f in self.failures
                if f.method == request.method and f.pattern.search(request.path)
            ),
            None,
        )
        if failure is not None:
            self.failures.remove(failure)
            if not failure.after:
                return _json({"message": "Server Error"}, failure.status)
        try:
            if f"{args['owner']}/{args['repo']}" != self.repository:
                raise ApiError(404, "Not Found")
            permissions = self._authenticate(request)
            if request.method != "GET":
                self._check_write(request, endpoint, permissions)
            body, status, headers = getattr(self, f"_{endpoint}")(
                request, **{k: v for k, v in args.items() if k not in ("owner", "repo")}
            )
        except ApiError as exc:
            payload: dict[str, Any] = {
                "message": exc.message,
                "documentation_url": "https://docs.github.com/rest",
            }
            if exc.errors:
                payload["errors"] = exc.errors
            return _json(payload, exc.status, exc.headers)
        if failure is not None:
            return _json({"message": "Server Error"}, failure.status)
        return _json(body, status, headers)

    def _authenticate(self, request: Request) -> frozenset[str]:
        match = re.fullmatch(
            r"(?:token|Bearer) (\S+)", request.headers.get("Authorization", "")
        )
        if not match or match[1] not in self.tokens:
            raise ApiError(401, "Bad credentials")
        self._token = match[1]
        return self.tokens[match[1]]

    def _check_write(
        self, request: Request, endpoint: str, permissions: frozenset[str]
    ) -> None:
        needed = {
            "check_runs": "checks",
            "statuses": "statuses",
            "issue_comments": "issues",
            "issue_comment": "issues",
        }.get(endpoint, "pull_requests")
        if needed not in permissions:
            raise ApiError(403, "Resource not accessible by integration")
        units = (
            1 + len((request.get_json(silent=True) or {}).get("comments") or [])
            if request.is_json
            else 1
        )
        now = time.monotonic()
        if self.burst:
            limit, window = self.burst
            self._writes = [(t, u) for t, u in self._writes if now - t < window]
            if sum(u for _, u in self._writes) + units > limit:
                raise ApiError(
                    403,
                    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
                    headers={"Retry-After": "1"},
                )
        self._writes.append((now, units))

    # -- endpoints ------------------------------------------------------------------------------------

    def _repo(self, request: Request) -> tuple[Any, int, dict[str, str]]:
        return self._repo_json(self.repository), 200, {}

    def _pull(self, request: Request, number: int) -> tuple[Any, int, dict[str, str]]:
        return self._pull_json(self._get_pull(number)), 200, {}

    def _files(self, request: Request, number: int) -> tuple[Any, int, dict[str, str]]:
        pull = self._get_pull(number)
        entries = [
            self._file_json(f)
            for f in sorted(pull.files.values(), key=lambda f: f.path)
        ][:3000]
        return self._page(request, entries)

    def _commit(self, request: Request, sha: str) -> tuple[Any, int, dict[str, str]]:
        known = {s for p in self.pulls.values() for s in p.commits}
        if sha not in known:
            raise ApiError(422, f"No commit found for SHA: {sha}")
        commit = _example("commit")
        commit.update(
            sha=sha,
            url=f"{self.base_url}/repos/{self.repository}/commits/{sha}",
            files=[],
        )
        return commit, 200, {}

    def _commit_pulls(
        self, request: Request, sha: str
    ) -> tuple[Any, int, dict[str, str]]:
        pulls = [
            self._pull_json(p, simple=True)
            for p in self.pulls.values()
            if sha in p.commits
        ]
        return self._page(request, pulls)

    def _reviews(
        self, request: Request, number: int
    ) -> tuple[Any, int, dict[str, str]]:
        pull = self._get_pull(number)
        if request.method == "GET":
            return self._page(request, self.reviews[number])
        data = self._body(request)
        event = data.get("event")
        body = data.get("body") or ""
        if event in ("COMMENT", "REQUEST_CHANGES") and not body.strip():
            raise ApiError(
                422,
                "Unprocessable Entity",
                ["Body is required when using COMMENT or REQUEST_CHANGES"],
            )
        _check_length(body)
        commit_id = data.get("commit_id") or pull.head_sha
        if commit_id not in pull.commits:
            raise ApiError(
                422,
                "Unprocessable Entity",
                ["commit_id is not part of the pull request"],
            )
        if event == "REQUEST_CHANGES" and self.users[self._token] == pull.author:
            raise ApiError(
                422,
                "Unprocessable Entity",
                ["Review Can not request changes on your own pull request"],
            )
        comments = data.get("comments") or []
        for comment in comments:
            self._check_anchor(pull, comment, commit_id)
        review_id = next(self._ids)
        state = {
            "COMMENT": "COMMENTED",
            "REQUEST_CHANGES": "CHANGES_REQUESTED",
            "APPROVE": "APPROVED",
        }.get(event or "", "PENDING")
        review = self._review_json(number, review_id, body, state, commit_id)
        self.reviews[number].append(review)
        for comment in comments:
            self.review_comments[number].append(
                self._comment_json(pull, comment, commit_id, review_id)
            )
        return review, 200, {}

    def _dismiss(
        self, request: Request, number: int, review_id: int
    ) -> tuple[Any, int, dict[str, str]]:
        data = self._body(request)
        review = next(
            (r for r in self.reviews.get(number, []) if r["id"] == review_id), None
        )
        if review is None:
            raise ApiError(404, "Not Found")
        if not data.get("message"):
            raise ApiError(422, "Unprocessable Entity", ["message is required"])
        if review["state"] not in ("CHANGES_REQUESTED", "APPROVED"):
            raise ApiError(
                422,
                "Unprocessable Entity",
                ["Can not dismiss a commented pull request review"],
            )
        review["state"] = "DISMISSED"
        return review, 200, {}

    def _review_comments(
        self, request: Request, number: int
    ) -> tuple[Any, int, dict[str, str]]:
        pull = self._get_pull(number)
        if request.method == "GET":
            return self._page(request, self.review_comments[number])
        data = self._body(request)
        _check_length(data.get("body") or "")
        if not (data.get("body") or "").strip():
            raise ApiError(422, "Unprocessable Entity", ["body is required"])
        if data.get("commit_id") not in pull.commits:
            raise ApiError(
                422,
                "Unprocessable Entity",
                ["commit_id is not part of the pull request"],
            )
        if data.get("subject_type") == "file":
            if data.get("path") not in pull.files:
                raise ApiError(
                    422, "Unprocessable Entity", ["path could not be resolved"]
                )
        else:
            self._check_anchor(pull, data, data["commit_id"])
        comment = self._comment_json(pull, data, data["commit_id"], next(self._ids))
        self.review_comments[number].append(comment)
        return _without_nulls(comment), 201, {}

    def _review_comment(
        self, request: Request, comment_id: int
    ) -> tuple[Any, int, dict[str, str]]:
        for comments in self.review_comments.values():
            for comment in comments:
                if comment["id"] == comment_id:
                    if comment["user"]["login"] != self.users[self._token]:
                        raise ApiError(403, "Must have admin rights to Repository.")
                    if request.method == "DELETE":
                        comments.remove(comment)
                        return None, 204, {}
                    body = self._body(request).get("body") or ""
                    _check_length(body)
                    comment["body"] = body
                    return comment, 200, {}
        raise ApiError(404, "Not Found")

    def _issue_comments(
        self, request: Request, number: int
    ) -> tuple[Any, int, dict[str, str]]:
        self._get_pull(number)
        if request.method == "GET":
            return self._page(request, self.issue_comments[number])
        body = self._body(request).get("body") or ""
        if not body.strip():
            raise ApiError(422, "Unprocessable Entity", ["body is required"])
        _check_length(body)
        comment = _example("issue-comment")
        comment_id = next(self._ids)
        comment.update(
            id=comment_id,
            body=body,
            user=_user(self.users[self._token]),
            url=f"{self.base_url}/repos/{self.repository}/issues/comments/{comment_id}",
            issue_url=f"{self.base_url}/repos/{self.repository}/issues/{number}",
        )
        self.issue_comments[number].append(comment)
        return comment, 201, {}

    def _issue_comment(
        self, request: Request, comment_id: int
    ) -> tuple[Any, int, dict[str, str]]:
        for comments in self.issue_comments.values():
            for comment in comments:
                if comment["id"] == comment_id:
                    if comment["user"]["login"] != self.users[self._token]:
                        raise ApiError(403, "Must have admin rights to Repository.")
                    body = self._body(request).get("body") or ""
                    _check_length(body)
                    comment["body"] = body
                    return comment, 200, {}
        raise ApiError(404, "Not Found")

    def _check_runs(self, request: Request) -> tuple[Any, int, dict[str, str]]:
        data = self._body(request)
        output = data.get("output") or {}
        if (
            len(output.get("summary") or "") > 65_535
            or len(output.get("text") or "") > 65_535
        ):
            raise ApiError(
                422,
                "Unprocessable Entity",
                ["output summary/text is too long (maximum is 65535 characters)"],
            )
        if len(output.get("annotations") or []) > 50:
            raise ApiError(
                422, "Unprocessable Entity", ["at most 50 annotations per request"]
            )
        run = _example("check-run-example-of-completed-conclusion")
        run.update(
            id=next(self._ids),
            name=data["name"],
            head_sha=data["head_sha"],
            conclusion=data.get("conclusion"),
            status=data.get("status", "queued"),
        )
        self.check_runs.append({"request": data, "response": run})
        return run, 201, {}

    def _statuses(self, request: Request, sha: str) -> tuple[Any, int, dict[str, str]]:
        data = self._body(request)
        if len(data.get("description") or "") > 140:
            raise ApiError(
                422,
                "Unprocessable Entity",
                ["description is too long (maximum is 140 characters)"],
            )
        status = _example("status")
        status.update(
            id=next(self._ids),
            state=data["state"],
            context=data.get("context", "default"),
            description=data.get("description"),
        )
        self.statuses.append({"sha": sha, **data})
        return status, 201, {}

    # -- rules ---------------------------------------------------------------------------------------

    def _check_anchor(
        self, pull: FakePull, comment: dict[str, Any], commit_id: str
    ) -> None:
        if "position" in comment:
            raise ApiError(
                422,
                "Unprocessable Entity",
                ["this fake accepts only line/side anchors (position is deprecated)"],
            )
        if not (comment.get("body") or "").strip():
            raise ApiError(
                422, "Unprocessable Entity", ["body is required for every comment"]
            )
        _check_length(comment["body"])
        file = pull.files.get(comment.get("path", ""))
        if file is None:
            raise ApiError(422, "Unprocessable Entity", ["Path could not be resolved"])
        if commit_id != pull.head_sha:
            raise ApiError(
                422,
                "Unprocessable Entity",
                ["this fake anchors comments on the head commit only"],
            )
        line, start = comment.get("line"), comment.get("start_line")
        if comment.get("side", "RIGHT") != "RIGHT" or line is None:
            raise ApiError(
                422, "Unprocessable Entity", ["line and side RIGHT are required"]
            )
        hunk = file.hunk_of(line)
        if hunk is None:
            raise ApiError(
                422,
                "Unprocessable Entity",
                ["Pull request review thread line must be part of the diff"],
            )
        if start is not None:
            if start >= line:
                raise ApiError(
                    422,
                    "Unprocessable Entity",
                    ["Pull request review thread start_line must precede the end line"],
                )
            if file.hunk_of(start) != hunk:
                raise ApiError(
                    422,
                    "Unprocessable Entity",
                    [
                        "Pull request review thread start line must be part of the same hunk as the line"
                    ],
                )

    # -- JSON builders ----------------------------------------------------------------------------

    def _page(
        self, request: Request, items: list[Any]
    ) -> tuple[Any, int, dict[str, str]]:
        items = [_without_nulls(item) for item in items]
        per_page = min(int(request.args.get("per_page", 30)), 100)
        page = max(int(request.args.get("page", 1)), 1)
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        links = []
        base = f"{self.base_url}{request.path}"
        if page < last:
            links.append(
                f'<{base}?{urlencode({**request.args, "page": page + 1})}>; rel="next"'
            )
            links.append(
                f'<{base}?{urlencode({**request.args, "page": last})}>; rel="last"'
            )
        return chunk, 200, ({"Link": ", ".join(links)} if links else {})

    def _get_pull(self, number: int) -> FakePull:
        if number not in self.pulls:
            raise ApiError(404, "Not Found")
        return self.pulls[number]

    def _body(self, request: Request) -> dict[str, Any]:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise ApiError(400, "Problems parsing JSON")
        return data

    def _repo_json(self, full_name: str) -> dict[str, Any]:
        repo = _example("full-repository-default-response")
        owner, name = full_name.split("/")
        repo.update(
            full_name=full_name, name=name, url=f"{self.base_url}/repos/{full_name}"
        )
        repo["owner"] = dict(repo["owner"], login=owner)
        return repo

    def _pull_json(self, pull: FakePull, simple: bool = False) -> dict[str, Any]:
        data = _example("pull-request-simple-items" if simple else "pull-request")
        url = f"{self.base_url}/repos/{self.repository}/pulls/{pull.number}"
        data.update(
            number=pull.number,
            state=pull.state,
            url=url,
            draft=False,
            user=_user(pull.author),
        )
        data.update(
            requested_teams=[], requested_reviewers=[]
        )  # the description's example lacks required team fields
        head_repo = None
        if pull.head_repo is not None:
            head_repo = copy.deepcopy(data["head"]["repo"])
            head_repo.update(
                full_name=pull.head_repo,
                name=pull.head_repo.split("/")[1],
                url=f"{self.base_url}/repos/{pull.head_repo}",
            )
        base_repo = copy.deepcopy(data["base"]["repo"])
        base_repo.update(
            full_name=self.repository,
            name=self.repository.split("/")[1],
            url=f"{self.base_url}/repos/{self.repository}",
        )
        data["head"] = dict(data["head"], sha=pull.head_sha, repo=head_repo)
        data["base"] = dict(data["base"], sha=pull.base_sha, repo=base_repo)
        return data

    def _file_json(self, file: FakeFile) -> dict[str, Any]:
        entry = _example("diff-entry-items")
        patch = file.patch()
        added = sum(1 for line in (patch or "").split("\n") if line.startswith("+"))
        removed = sum(1 for line in (patch or "").split("\n") if line.startswith("-"))
        entry.update(
            filename=file.path,
            status=file.status,
            additions=added,
            deletions=removed,
            changes=added + removed,
        )
        entry.pop("patch", None)
        if patch is not None:
            entry["patch"] = patch
        if file.previous_path:
            entry["previous_filename"] = file.previous_path
        return entry

    def _review_json(
        self, number: int, review_id: int, body: str, state: str, commit_id: str
    ) -> dict[str, Any]:
        review = _example("pull-request-review")
        review.update(
            id=review_id,
            body=body,
            state=state,
            commit_id=commit_id,
            user=_user(self.users[self._token]),
            pull_request_url=f"{self.base_url}/repos/{self.repository}/pulls/{number}",
        )
        return review

    def _comment_json(
        self, pull: FakePull, data: dict[str, Any], commit_id: str, review_id: int
    ) -> dict[str, Any]:
        comment = _example("pull-request-review-comment-2")
        comment_id = next(self._ids)
        is_file = data.get("subject_type") == "file"
        comment.update(
            id=comment_id,
            pull_request_review_id=review_id,
            body=data["body"],
            path=data["path"],
            commit_id=commit_id,
            original_commit_id=commit_id,
            line=None if is_file else data["line"],
            original_line=None if is_file else data["line"],
            start_line=data.get("start_line"),
            original_start_line=data.get("start_line"),
            side="RIGHT",
            start_side="RIGHT" if data.get("start_line") else None,
            position=None if is_file else 1,
            original_position=None if is_file else 1,
            subject_type="file" if is_file else "line",
            in_reply_to_id=None,
            user=_user(self.users[self._token]),
            url=f"{self.base_url}/repos/{self.repository}/pulls/comments/{comment_id}",
            pull_request_url=f"{self.base_url}/repos/{self.repository}/pulls/{pull.number}",
        )
        comment.pop("in_reply_to_id")
        return comment


# ---------------------------------------------------------------------------------------------


def _files(
    base: dict[str, str], head: dict[str, str], binary: tuple[str, ...]
) -> dict[str, FakeFile]:
    files = {}
    for path in sorted(set(base) | set(head)):
        old, new = base.get(path), head.get(path)
        if old == new:
            continue
        status = "added" if old is None else "removed" if new is None else "modified"
        files[path] = FakeFile(path, status, old, new, binary=path in binary)
    return files


def _track_line(old: str | None, new: str | None, line: int) -> int | None:
    """Where `line` of the old head is in the new head, if that code did not change."""
    if old is None or new is None:
        return None
    matcher = difflib.SequenceMatcher(
        a=old.splitlines(), b=new.splitlines(), autojunk=False
    )
    for tag, a0, a1, b0, _b1 in matcher.get_opcodes():
        if tag == "equal" and a0 < line <= a1:
            return b0 + (line - a0)
    return None


def _without_nulls(item: Any) -> Any:
    """GitHub sends null for a review comment's line/position once it is outdated (and for file
    comments); the description types them as non-null integers, so the fake omits them instead,
    which both the description and PyGithub (attribute -> None) accept."""
    if isinstance(item, dict) and "diff_hunk" in item:
        return {
            k: v
            for k, v in item.items()
            if not (
                v is None
                and k
                in (
                    "line",
                    "position",
                    "start_line",
                    "start_side",
                    "original_line",
                    "original_position",
                    "original_start_line",
                )
            )
        }
    return item


def _check_length(body: str) -> None:
    if len(body) > BODY_LIMIT:
        raise ApiError(
            422,
            "Unprocessable Entity",
            [f"Body is too long (maximum is {BODY_LIMIT} characters)"],
        )


def _user(login: str) -> dict[str, Any]:
    user = _example("pull-request-review")["user"]
    user.update(login=login, type="Bot" if login.endswith("[bot]") else "User")
    return user


def _json(body: Any, status: int, headers: dict[str, str] | None = None) -> Response:
    if body is None:
        return Response(status=status, headers=headers or {})
    return Response(
        json.dumps(body),
        status=status,
        mimetype="application/json",
        headers=headers or {},
    )


def _describe(error: Exception) -> str:
    """The schema errors (path: message) behind an openapi-core error, not the whole value."""
    details = [type(error).__name__]
    current: BaseException | None = error
    while current is not None:
        for inner in getattr(current, "schema_errors", None) or []:
            details.append(
                f"{'/'.join(map(str, inner.absolute_path))}: {inner.message[:200]}"
            )
        current = current.__cause__
    if len(details) == 1:
        details.append(str(error)[:300])
    return "; ".join(details)

"""Where the action runs (GITHUB_* variables) and which pull request the event is about.

The head SHA always comes from the event payload: GITHUB_SHA is a test merge commit on
`pull_request` events, and comments anchored to it would land on the wrong lines.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PULL_REQUEST_EVENTS = ("pull_request", "pull_request_target")


class ContextError(ValueError):
    """The event or environment does not describe something the action can work on."""


@dataclass(frozen=True)
class RunEnvironment:
    event_name: str = ""
    event_path: str = ""
    repository: str = ""
    api_url: str = "https://api.github.com"
    server_url: str = "https://github.com"
    run_id: str = ""
    run_attempt: str = ""
    workspace: str = "."
    step_summary: str | None = None
    output_file: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> RunEnvironment:
        return cls(
            event_name=env.get("GITHUB_EVENT_NAME", ""),
            event_path=env.get("GITHUB_EVENT_PATH", ""),
            repository=env.get("GITHUB_REPOSITORY", ""),
            api_url=env.get("GITHUB_API_URL") or "https://api.github.com",
            server_url=env.get("GITHUB_SERVER_URL") or "https://github.com",
            run_id=env.get("GITHUB_RUN_ID", ""),
            run_attempt=env.get("GITHUB_RUN_ATTEMPT", ""),
            workspace=env.get("GITHUB_WORKSPACE") or os.getcwd(),
            step_summary=env.get("GITHUB_STEP_SUMMARY") or None,
            output_file=env.get("GITHUB_OUTPUT") or None,
        )

    @property
    def run_url(self) -> str | None:
        if not (self.repository and self.run_id):
            return None
        url = f"{self.server_url}/{self.repository}/actions/runs/{self.run_id}"
        return f"{url}/attempts/{self.run_attempt}" if self.run_attempt else url

    def event(self) -> dict[str, Any]:
        if not self.event_path:
            raise ContextError(
                "GITHUB_EVENT_PATH is not set: run the action from a GitHub workflow"
            )
        try:
            with open(self.event_path, encoding="utf-8") as handle:
                payload = json.load(handle)
        except (OSError, ValueError) as exc:
            raise ContextError(
                f"cannot read the event payload {self.event_path}: {exc}"
            ) from exc
        if not isinstance(payload, dict):
            raise ContextError(
                f"the event payload {self.event_path} is not a JSON object"
            )
        return payload


@dataclass(frozen=True)
class PullRequestRef:
    """The pull request a run is about, as the event (or the API, in publish mode) describes it."""

    repository: str  # the base repository, owner/name
    number: int
    head_sha: str
    base_sha: str
    head_repository: str | None  # None when the fork was deleted
    state: str = "open"
    draft: bool = False

    @property
    def fork(self) -> bool:
        """Fork PRs get a read-only token on `pull_request`: nothing can be posted from there."""
        return self.head_repository != self.repository


def pull_request_from_event(env: RunEnvironment) -> PullRequestRef:
    if env.event_name not in PULL_REQUEST_EVENTS:
        raise ContextError(
            f"the `{env.event_name or 'unknown'}` event has no pull request: run the action on "
            "`pull_request`, or with `mode: publish` on `workflow_run`"
        )
    return pull_request_from_payload(env.event().get("pull_request"), env.repository)


def pull_request_from_payload(pr: Any, repository: str) -> PullRequestRef:
    """Read a `pull_request` object (event payload or REST response)."""
    try:
        head, base = pr["head"], pr["base"]
        head_repo = head.get("repo") or {}
        return PullRequestRef(
            repository=(base.get("repo") or {}).get("full_name") or repository,
            number=int(pr["number"]),
            head_sha=str(head["sha"]),
            base_sha=str(base["sha"]),
            head_repository=head_repo.get("full_name"),
            state=str(pr.get("state", "open")),
            draft=bool(pr.get("draft", False)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ContextError(
            f"the event payload has no usable pull_request object ({exc!r} missing)"
        ) from exc


def workflow_run_head_sha(env: RunEnvironment) -> str:
    """Publish mode on `workflow_run`: the analysed commit. The PR number is re-derived from it."""
    if env.event_name != "workflow_run":
        raise ContextError(
            f"expected a workflow_run event, got `{env.event_name or 'unknown'}`"
        )
    run = env.event().get("workflow_run")
    if not isinstance(run, dict) or not isinstance(run.get("head_sha"), str):
        raise ContextError(
            "the workflow_run event payload has no workflow_run.head_sha"
        )
    return run["head_sha"]

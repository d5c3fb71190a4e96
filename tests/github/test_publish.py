"""Fork-safe publishing: `mode: analyze` writes the artifact, `mode: publish` (workflow_run) posts it,
refusing anything tampered with, oversized or aimed at another pull request."""

from __future__ import annotations

import json
from pathlib import Path

from tests.github.helpers import HEAD, TRAIN, ActionRun, faulty, write_files

FORK = "someone/ml-app"


def _analyze(
    action: ActionRun, files: dict[str, str], shard: str | None = None
) -> Path:
    """The untrusted half: a fork PR analysed with a read-only token."""
    write_files(action.workspace, files)
    if 7 not in action.github.pulls:
        action.github.add_pull(
            7, {"train.py": TRAIN}, files, head_sha=HEAD, head_repo=FORK
        )
    action.pull_request_event(7)
    action.token = "read-token"
    action.inputs["mode"] = "analyze"
    if shard:
        action.inputs["shard"] = shard
    action.run()
    assert action.github.writes() == []
    return action.workspace / action.outputs()["report_path"]


def _publish(action: ActionRun, head_sha: str = HEAD) -> int:
    """The trusted half: workflow_run, write token, the downloaded artifact in .deepfd-ci/."""
    action.token = "write-token"
    action.inputs = {"mode": "auto"}  # auto on workflow_run means publish
    action.workflow_run_event(head_sha)
    return action.run()


def test_analyze_then_publish_posts_on_the_fork_pr(action: ActionRun) -> None:
    artifact = _analyze(action, {"train.py": faulty()})
    assert json.loads(artifact.read_text())["schema"] == "deepfd-ci/findings/v1"

    assert _publish(action) == 1

    (comment,) = action.github.review_comments[7]
    assert comment["path"] == "train.py" and comment["line"] == 7
    assert len(action.github.issue_comments[7]) == 1
    assert _publish(action) == 1  # idempotent
    assert len(action.github.reviews[7]) == 1


def test_publish_merges_shards(action: ActionRun) -> None:
    files = {f"train_{i}.py": faulty() for i in range(3)}
    _analyze(action, files, shard="1/2")
    _analyze(action, files, shard="2/2")
    shard_files = sorted(
        p.name for p in (action.workspace / ".deepfd-ci").glob("findings*.json")
    )
    assert shard_files == ["findings-1of2.json", "findings-2of2.json"]

    _publish(action)

    assert sorted(c["path"] for c in action.github.review_comments[7]) == sorted(files)
    (summary,) = action.github.issue_comments[7]
    assert "3 new fault(s) in 3 script(s)" in summary["body"]


def test_publish_rejects_a_tampered_artifact(action: ActionRun) -> None:
    artifact = _analyze(action, {"train.py": faulty()})
    data = json.loads(artifact.read_text())
    data["reports"][0]["faults"][0]["confidence"] = 7
    data["reports"][0]["faults"][0]["evidence"].append("<script>")
    artifact.write_text(json.dumps(data))

    assert _publish(action) == 2
    assert (
        "does not match deepfd-ci/findings/v1: at reports/0/faults/0/confidence"
        in action.stdout
    )
    assert action.github.writes() == []


def test_publish_rejects_a_path_escaping_the_repository(action: ActionRun) -> None:
    artifact = _analyze(action, {"train.py": faulty()})
    data = json.loads(artifact.read_text())
    data["reports"][0]["path"] = "../../etc/passwd"
    artifact.write_text(json.dumps(data))

    assert _publish(action) == 2
    assert "at reports/0/path" in action.stdout


def test_publish_rejects_an_oversized_artifact(action: ActionRun) -> None:
    artifact = _analyze(action, {"train.py": faulty()})
    artifact.write_text(artifact.read_text() + " " * (9 * 1024 * 1024))

    assert _publish(action) == 2
    assert "over the 8388608 byte limit" in action.stdout
    assert action.github.writes() == []


def test_publish_rejects_an_artifact_naming_another_pull_request(
    action: ActionRun,
) -> None:
    action.github.add_pull(8, {}, {"other.py": "x = 1\n"}, head_sha="8" * 40)
    artifact = _analyze(action, {"train.py": faulty()})
    data = json.loads(artifact.read_text())
    data["pull_request"] = 8  # the artifact claims PR #8, but HEAD is the head of PR #7
    artifact.write_text(json.dumps(data))

    assert _publish(action) == 2
    assert (
        "the findings name pull request #8, but commit 111111111111 is the head of open pull request(s): #7"
        in action.stdout
    )
    assert action.github.writes() == []


def test_publish_rejects_an_artifact_for_another_commit(action: ActionRun) -> None:
    _analyze(action, {"train.py": faulty()})

    assert _publish(action, head_sha="9" * 40) == 2
    assert (
        "the findings are for commit 111111111111, but the triggering run is for 999999999999"
        in action.stdout
    )


def test_publish_rejects_a_closed_pull_request(action: ActionRun) -> None:
    _analyze(action, {"train.py": faulty()})
    action.github.pulls[7].state = "closed"

    assert _publish(action) == 2
    assert "head of open pull request(s): none" in action.stdout


def test_publish_without_an_artifact_says_what_to_do(action: ActionRun) -> None:
    action.github.add_pull(7, {}, {"train.py": faulty()}, head_sha=HEAD)
    assert _publish(action) == 2
    assert "no findings artifact found" in action.stdout

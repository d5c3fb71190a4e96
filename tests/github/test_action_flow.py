"""The action end to end (entrypoint -> PyGithub -> HTTP) against the validating fake GitHub.

The analyzer is the rule-based stand-in from conftest, so each test runs in about a second; one
slow test in test_real_pipeline.py uses the real pipeline.
"""

from __future__ import annotations

import json
import re

from deepfd_ci.github.fingerprints import finding_marker_of
from tests.github.helpers import HEAD, TRAIN, ActionRun, faulty, git_repo, write_files


def _pr(
    action: ActionRun,
    head: dict[str, str],
    base: dict[str, str] | None = None,
    number: int = 7,
    **kwargs,
) -> None:
    write_files(action.workspace, head)
    action.github.add_pull(number, base or {}, head, head_sha=HEAD, **kwargs)
    action.pull_request_event(number)


def _comments(action: ActionRun, number: int = 7) -> list[dict]:
    return action.github.review_comments[number]


def test_first_run_posts_a_review_summary_and_outputs(action: ActionRun) -> None:
    _pr(
        action,
        {"train.py": faulty(), "utils.py": "def f():\n    return 1\n"},
        {"train.py": TRAIN},
    )

    assert action.run() == 1  # a new fault fails the default fail_level=error

    reviews = action.github.reviews[7]
    assert [r["state"] for r in reviews] == ["COMMENTED"]
    assert reviews[0]["commit_id"] == HEAD  # the payload's head SHA, never GITHUB_SHA
    (comment,) = _comments(action)
    assert comment["path"] == "train.py" and comment["line"] == 7
    body = comment["body"]
    assert body.splitlines()[0].startswith(
        ":x: **deepfd-ci: Learning rate too high or too low**"
    )
    assert "- loss rose from 2.30 to 9482 in epoch 1" in body
    assert "```suggestion\nopt = keras.optimizers.SGD(learning_rate=1e-3)\n```" in body
    assert finding_marker_of(body) is not None
    (summary,) = action.github.issue_comments[7]
    assert "deepfd-ci: 1 new fault(s) in 1 script(s)" in summary["body"]
    assert "actions/runs/42" in summary["body"]
    assert action.analyzer.calls[0]["paths"] == ["train.py"]  # utils.py has no training
    outputs = action.outputs()
    assert outputs["faults_count"] == "1" and outputs["conclusion"] == "failure"
    assert outputs["report_path"] == ".deepfd-ci/findings.json"
    assert (
        json.loads((action.workspace / outputs["report_path"]).read_text())["head_sha"]
        == HEAD
    )
    assert "Learning rate too high or too low" in action.summary()


def test_second_run_on_the_same_commit_posts_nothing(action: ActionRun) -> None:
    _pr(action, {"train.py": faulty()}, {"train.py": TRAIN})
    action.run()
    before = list(action.github.writes())

    action.run()

    new_writes = action.github.writes()[len(before) :]
    assert all(method == "PATCH" for method, _, _ in new_writes), (
        new_writes
    )  # at most the summary edit
    assert len(action.github.reviews[7]) == 1 and len(_comments(action)) == 1
    assert len(action.github.issue_comments[7]) == 1


def test_new_push_moves_comments_and_deletes_outdated_ones(action: ActionRun) -> None:
    head = faulty().replace('activation="softmax"', 'activation="linear"')
    _pr(action, {"train.py": head}, {"train.py": TRAIN})
    action.run()
    assert sorted(c["line"] for c in _comments(action)) == [6, 7]

    # Push: two lines added on top (the learning-rate line moves), the activation fault is fixed.
    pushed = "import os\nimport sys\n" + faulty()
    write_files(action.workspace, {"train.py": pushed})
    action.github.push(7, {"train.py": pushed}, head_sha="2" * 40)
    action.pull_request_event(7)
    action.run()

    comments = _comments(action)
    assert len(comments) == 1, [c["body"][:60] for c in comments]
    assert (
        comments[0]["line"] == 9
    )  # GitHub moved it with its unchanged code; not posted again
    assert len(action.github.reviews[7]) == 1  # nothing new to say inline

    # Push: the learning-rate line is re-indented (same code, so same fingerprint), GitHub outdates
    # the comment: it is deleted and posted again where the code now is.
    pushed2 = pushed.replace("opt = keras", "opt  =  keras")
    write_files(action.workspace, {"train.py": pushed2})
    action.github.push(7, {"train.py": pushed2}, head_sha="3" * 40)
    action.pull_request_event(7)
    action.run()
    comments = _comments(action)
    assert [(c["line"], c["commit_id"]) for c in comments] == [(9, "3" * 40)]
    assert len(action.github.reviews[7]) == 2


def test_outdated_comment_with_a_reply_is_kept(action: ActionRun) -> None:
    _pr(action, {"train.py": faulty()}, {"train.py": TRAIN})
    action.run()
    (ours,) = _comments(action)
    action.github.reply(7, ours["id"], "I disagree, this rate is intended")
    write_files(action.workspace, {"train.py": TRAIN})  # fault fixed
    action.github.push(7, {"train.py": TRAIN}, head_sha="2" * 40)
    action.pull_request_event(7)

    assert action.run() == 0
    assert ours["id"] in [c["id"] for c in _comments(action)]


def test_fork_pull_request_degrades_without_posting(action: ActionRun) -> None:
    _pr(action, {"train.py": faulty()}, {"train.py": TRAIN}, head_repo="someone/ml-app")
    action.token = "read-token"

    code = action.run()

    assert code == 1  # the gate still works: a new fault fails the check
    assert action.github.writes() == []
    assert "comes from a fork" in action.summary()
    assert re.search(
        r"^::error file=train\.py,line=7,title=deepfd-ci%3A Learning rate",
        action.stdout,
        re.MULTILINE,
    )
    assert (action.workspace / ".deepfd-ci" / "findings.json").is_file()


def test_read_only_token_on_a_same_repo_pr_degrades_on_403(action: ActionRun) -> None:
    _pr(action, {"train.py": faulty()}, {"train.py": TRAIN})
    action.token = "read-token"

    assert action.run() == 1
    assert [status for _, _, status in action.github.writes()] == [403]
    assert "refused to let this workflow's token write" in action.summary()
    assert "::error file=train.py,line=7" in action.stdout


def test_server_error_after_the_write_makes_no_duplicate(action: ActionRun) -> None:
    _pr(action, {"train.py": faulty()}, {"train.py": TRAIN})
    action.github.fail_next("POST", r"/pulls/7/reviews$", 502, after=True)
    action.github.fail_next("POST", r"/issues/7/comments$", 503, after=True)

    assert action.run() == 1

    assert len(action.github.reviews[7]) == 1 and len(_comments(action)) == 1
    assert len(action.github.issue_comments[7]) == 1
    assert (
        "POST",
        "/repos/octo-org/ml-app/pulls/7/reviews",
        502,
    ) in action.github.requests


def test_server_error_before_the_write_is_retried(action: ActionRun) -> None:
    _pr(action, {"train.py": faulty()}, {"train.py": TRAIN})
    action.github.fail_next("POST", r"/pulls/7/reviews$", 500, after=False)

    assert action.run() == 1
    assert len(action.github.reviews[7]) == 1


def test_pull_request_with_400_files(action: ActionRun) -> None:
    head = {f"data/part_{i:03}.txt": f"row {i}\n" for i in range(396)}
    scripts = {f"models/train_{i}.py": faulty() for i in range(4)}
    _pr(action, {**head, **scripts})

    assert action.run() == 1

    files_pages = [r for r in action.github.requests if r[1].endswith("/pulls/7/files")]
    assert len(files_pages) == 4  # 100 per page, following the Link header
    assert action.analyzer.calls[0]["paths"] == sorted(scripts)
    assert sorted(c["path"] for c in _comments(action)) == sorted(scripts)


def test_secondary_rate_limit_is_waited_out(action: ActionRun) -> None:
    scripts = [f"train_{i}.py" for i in range(4)]
    padded = (
        faulty() + "# padding\n" * 8
    )  # keeps the faulty line out of the hunk's context
    base = {path: padded for path in scripts}
    head = {path: padded + "# tweak\n" for path in scripts}
    _pr(action, head, base)
    action.inputs["filter_mode"] = (
        "file"  # faults not on changed lines get file-level comments
    )
    action.github.burst = (3, 1.0)

    assert action.run() == 1

    assert any(status == 403 for _, _, status in action.github.writes())
    file_comments = [c for c in _comments(action) if c.get("subject_type") == "file"]
    assert sorted(c["path"] for c in file_comments) == sorted(scripts)


def test_max_comments_puts_the_rest_in_the_review_body(action: ActionRun) -> None:
    _pr(action, {f"t{i}.py": faulty() for i in range(3)})
    action.inputs["max_comments"] = "2"

    action.run()

    assert len(_comments(action)) == 2
    (review,) = action.github.reviews[7]
    assert "over the limit of 2 comments per review" in review["body"]


def test_filter_mode_added_keeps_unchanged_lines_out_of_the_diff(
    action: ActionRun,
) -> None:
    base = faulty()
    _pr(action, {"train.py": base + "# unrelated change\n"}, {"train.py": base})

    assert (
        action.run() == 1
    )  # still a fault in a changed script: it counts for the gate
    assert _comments(action) == []
    assert "not on an added line" in action.github.issue_comments[7][0]["body"]


def test_multiline_suggestion_is_anchored_on_its_range(action: ActionRun) -> None:
    script = TRAIN.replace(
        'model = keras.Sequential([keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2, activation="softmax")])',
        'model = keras.Sequential([\n    keras.layers.Dense(8, activation="relu"),\n    keras.layers.Dense(2, activation="softmax"),\n])  # fault: activation 6-9',
    )
    _pr(action, {"train.py": script})

    action.run()

    (comment,) = _comments(action)
    assert (comment["start_line"], comment["line"]) == (6, 9)
    assert (
        '```suggestion\nmodel = keras.Sequential([\n    keras.layers.Dense(8, activation="tanh")'
        in comment["body"]
    )


def test_request_changes_then_dismissed_when_fixed(action: ActionRun) -> None:
    _pr(action, {"train.py": faulty()}, {"train.py": TRAIN})
    action.inputs["request_changes"] = "true"
    action.run()
    assert [r["state"] for r in action.github.reviews[7]] == ["CHANGES_REQUESTED"]

    write_files(action.workspace, {"train.py": TRAIN})
    action.github.push(7, {"train.py": TRAIN}, head_sha="2" * 40)
    action.pull_request_event(7)
    assert action.run() == 0

    assert [r["state"] for r in action.github.reviews[7]] == ["DISMISSED"]
    assert _comments(action) == []  # the fault is gone, so is its comment


def test_check_run_and_status(action: ActionRun) -> None:
    _pr(action, {"train.py": faulty()}, {"train.py": TRAIN})
    action.inputs["check"] = "check_run"
    action.run()
    (check,) = action.github.check_runs
    assert (
        check["request"]["conclusion"] == "failure"
        and check["request"]["head_sha"] == HEAD
    )
    assert check["request"]["output"]["annotations"][0]["path"] == "train.py"

    action.inputs["check"] = "status"
    action.run()
    (status,) = action.github.statuses
    assert (
        status["state"] == "failure"
        and status["context"] == "deepfd-ci"
        and status["sha"] == HEAD
    )


def test_config_ignores_a_fault_type_and_malformed_config_is_reported(
    action: ActionRun,
) -> None:
    _pr(
        action,
        {"train.py": faulty(), ".deepfd.yml": "ignore: [learning_rate]\n"},
        {"train.py": TRAIN},
    )
    assert action.run() == 0
    assert _comments(action) == []
    assert "1 suppressed finding(s)" in action.github.issue_comments[7][0]["body"]

    write_files(
        action.workspace, {".deepfd.yml": "scripts:\n  train.py:\n    epochs: many\n"}
    )
    assert action.run() == 2
    assert (
        "::error title=deepfd-ci::.deepfd.yml: line 3: `scripts.train.py.epochs` must be a positive integer"
        in action.stdout.replace(str(action.workspace) + "/", "")
    )


def test_script_output_cannot_inject_workflow_commands(action: ActionRun) -> None:
    evil = "boom\\n::set-output name=conclusion::success\\n::error::pwned\\n<img src=x onerror=alert(1)> @admin"
    script = faulty() + f"# evidence: {evil}\n"
    crashing = TRAIN + f"# crash: {evil}\n"
    _pr(action, {"train.py": script, "other.py": crashing})

    action.run()

    lines = action.stdout.splitlines()
    assert any(
        "%0A::set-output name=conclusion::success%0A::error::pwned" in line
        for line in lines
    )  # inert data
    for line in lines:
        if line.startswith("::"):
            # Our commands only; properties cannot hold ':' (escaped), so the first '::' ends them.
            assert re.match(
                r"::(group|endgroup|error|warning|notice)( [^:]*)?::", line
            ), line
        assert not line.lstrip().startswith(("::set-output", "::error::pwned")), line
    assert set(action.outputs()) == {
        "faults_count",
        "conclusion",
        "report_path",
        "sarif_path",
    }
    assert action.outputs()["conclusion"] == "failure"
    bodies = (
        [c["body"] for c in _comments(action)]
        + [c["body"] for c in action.github.issue_comments[7]]
        + [action.summary()]
    )
    for body in bodies:
        assert "<img" not in body and "@admin" not in body


def test_base_compare_marks_pre_existing_faults(action: ActionRun) -> None:
    base = {"train.py": faulty(), "data.py": "X = 1\n"}
    head = {"train.py": faulty() + "# tweak\n", "data.py": "X = 1\n"}
    base_sha, head_sha = git_repo(action.workspace, base, head)
    action.github.add_pull(7, base, head, head_sha=head_sha, base_sha=base_sha)
    action.pull_request_event(7)
    action.inputs.update(base_compare="true", filter_mode="file")

    assert action.run() == 0  # pre-existing faults are warnings, below fail_level=error

    head_call, base_call = action.analyzer.calls
    assert head_call["cwd"] == str(action.workspace)
    assert base_call["cwd"] != head_call["cwd"] and base_call["paths"] == ["train.py"]
    assert "pre-existing" in action.github.issue_comments[7][0]["body"]
    (comment,) = _comments(action)
    assert (
        comment["body"].startswith(":warning:")
        and "also diagnosed on the base branch" in comment["body"]
    )

    action.inputs["fail_level"] = "warning"
    assert action.run() == 1


def test_a_checkout_that_is_not_the_head_is_reported(action: ActionRun) -> None:
    base_sha, head_sha = git_repo(
        action.workspace, {"train.py": TRAIN}, {"train.py": faulty()}
    )
    action.github.add_pull(
        7,
        {"train.py": TRAIN},
        {"train.py": faulty()},
        head_sha="5" * 40,
        base_sha=base_sha,
    )
    action.pull_request_event(7)

    action.run()

    assert (
        f"The checkout is at {head_sha[:12]}, not the pull request" in action.summary()
    )


def test_sarif_and_rdjsonl_outputs(action: ActionRun) -> None:
    _pr(action, {"train.py": faulty()})
    action.inputs.update(
        sarif_file="out/deepfd.sarif", rdjsonl_file="out/deepfd.rdjsonl"
    )

    action.run()

    assert action.outputs()["sarif_path"] == "out/deepfd.sarif"
    sarif = json.loads((action.workspace / "out/deepfd.sarif").read_text())
    (result,) = sarif["runs"][0]["results"]
    assert result["ruleId"] == "deepfd-ci/learning_rate"
    location = result["locations"][0]["physicalLocation"]
    assert (
        location["artifactLocation"]["uri"] == "train.py"
        and location["region"]["startLine"] == 7
    )
    assert re.fullmatch(
        r"[0-9a-f]{16}", result["partialFingerprints"]["deepfdFingerprint/v1"]
    )
    diagnostic = json.loads(
        (action.workspace / "out/deepfd.rdjsonl").read_text().splitlines()[0]
    )
    assert (
        diagnostic["location"]["range"]["start"]["line"] == 7
        and diagnostic["severity"] == "ERROR"
    )


def test_not_a_pull_request_event_is_a_clear_error(action: ActionRun) -> None:
    action.event_name, action.event = "push", {}
    assert action.run() == 2
    assert "the `push` event has no pull request" in action.stdout

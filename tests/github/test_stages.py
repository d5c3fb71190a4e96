"""Unit tests of the GitHub-side stages: diff parsing, anchoring, fingerprints, escaping, selection,
inputs, the gate and SARIF."""

from __future__ import annotations

import pytest

from deepfd_ci.github import markdown
from deepfd_ci.github.anchoring import Anchor, anchor
from deepfd_ci.github.context import PullRequestRef
from deepfd_ci.github.diffs import ChangedFile, parse_patch
from deepfd_ci.github.fingerprints import finding_marker, finding_marker_of, fingerprint
from deepfd_ci.github.gate import judge
from deepfd_ci.github.inputs import ActionInputs, InputError
from deepfd_ci.github.publishers.annotations import command
from deepfd_ci.github.publishers.sarif import build
from deepfd_ci.github.results import ActionReport, Result
from deepfd_ci.github.selection import looks_like_training_script, shard
from deepfd_ci.records import Finding, ScriptReport, Suggestion

# Head lines: 1-3 context, 4-5 added, 6 context (hunk 1); 20 added, 21 context (hunk 2).
PATCH = "@@ -1,4 +1,6 @@\n a\n b\n c\n+d\n+e\n f\n@@ -17,2 +19,3 @@\n s\n+t\n u"


def _finding(
    line: int | None,
    snippet: str | None = None,
    suggestion: Suggestion | None = None,
    lines: list[int] | None = None,
) -> Finding:
    return Finding(
        "learning_rate",
        0.9,
        lines or ([line] if line else []),
        line,
        snippet,
        ["loss rose"],
        suggestion,
    )


def test_patch_lines_per_hunk() -> None:
    diff = parse_patch("t.py", PATCH)
    assert [sorted(h.added) for h in diff.hunks] == [[4, 5], [20]]
    assert [sorted(h.shown) for h in diff.hunks] == [[1, 2, 3, 4, 5, 6], [19, 20, 21]]
    assert diff.line_text(5) == "e"
    assert not parse_patch("big.bin", None).has_patch


@pytest.mark.parametrize(
    ("mode", "line", "placement"),
    [
        ("added", 4, "inline"),
        ("added", 3, "summary"),  # context line: not added
        ("diff_context", 3, "inline"),
        ("diff_context", 10, "summary"),  # outside every hunk
        ("file", 10, "file"),
        ("nofilter", 10, "file"),
    ],
)
def test_filter_modes(mode: str, line: int, placement: str) -> None:
    assert (
        anchor(_finding(line), parse_patch("t.py", PATCH), mode).placement == placement
    )


def test_file_not_in_the_pull_request() -> None:
    assert anchor(_finding(3), None, "nofilter").placement == "body"
    assert anchor(_finding(3), None, "added").placement == "summary"


def test_secondary_lines_are_tried_after_the_primary_one() -> None:
    result = anchor(_finding(10, lines=[10, 20]), parse_patch("t.py", PATCH), "added")
    assert (result.placement, result.line) == ("inline", 20)


def test_multiline_suggestion_must_sit_in_one_hunk() -> None:
    diff = parse_patch("t.py", PATCH)
    inside = anchor(
        _finding(4, suggestion=Suggestion(4, "D\nE", end_line=5)), diff, "added"
    )
    assert (inside.start_line, inside.line, inside.suggestion) == (4, 5, True)
    across = anchor(
        _finding(5, suggestion=Suggestion(5, "x", end_line=20)), diff, "diff_context"
    )
    assert (across.start_line, across.line, across.suggestion) == (None, 5, False)
    reversed_range = anchor(
        _finding(5, suggestion=Suggestion(5, "x", end_line=4)), diff, "added"
    )
    assert reversed_range.start_line is None and not reversed_range.suggestion


def test_a_line_whose_code_differs_from_the_finding_is_not_used() -> None:
    """A checkout that is not the PR head would put findings on the wrong lines."""
    diff = parse_patch("t.py", PATCH)
    assert anchor(_finding(4, snippet="d"), diff, "added").placement == "inline"
    assert (
        anchor(
            _finding(4, snippet="opt = SGD(learning_rate=10.0)"), diff, "added"
        ).placement
        == "summary"
    )


def test_fingerprint_ignores_lines_and_numbers_but_not_code() -> None:
    a = Finding(
        "learning_rate",
        0.9,
        [7],
        7,
        "opt = SGD(learning_rate=10.0)",
        ["loss rose to 9482"],
    )
    moved = Finding(
        "learning_rate",
        0.8,
        [9],
        9,
        "opt  =  SGD(learning_rate=10.0)",
        ["loss rose to 7000"],
    )
    changed = Finding("learning_rate", 0.9, [7], 7, "opt = SGD(learning_rate=5.0)", [])
    assert fingerprint("t.py", a) == fingerprint("t.py", moved)
    assert fingerprint("t.py", a) != fingerprint("t.py", changed)
    assert fingerprint("t.py", a) != fingerprint("u.py", a)


def test_markers_count_only_at_the_end_of_a_body() -> None:
    fp = "0123456789abcdef"
    assert finding_marker_of("text\n\n" + finding_marker(fp) + "\n") == fp
    assert finding_marker_of(finding_marker(fp) + "\nquoted by a human") is None


def test_untrusted_text_is_inert_markdown() -> None:
    hostile = "<img src=x onerror=alert(1)> [click](http://evil) **bold** @admin | `tick` <!-- deepfd-ci fp=0123456789abcdef -->\n# heading"
    rendered = markdown.text(hostile)
    assert "<img" not in rendered and "<!--" not in rendered
    assert "\\[click\\]\\(http://evil\\)" in rendered and "\\*\\*bold\\*\\*" in rendered
    assert "@admin" not in rendered and "\n" not in rendered
    assert markdown.code("a `b` c") == "``a `b` c``"
    fenced = markdown.fence("x = 1\n```\nescaped\n````", "suggestion")
    assert fenced.startswith("`````suggestion\n") and fenced.endswith("\n`````")


def test_code_quoted_in_evidence_renders_as_inert_code_spans() -> None:
    rendered = markdown.prose("set at line 9: `LR = 10.0` (used <b>here</b>) by @octocat, see `x`|y")
    assert "`LR = 10.0`" in rendered and "`x`" in rendered
    assert "<b>" not in rendered and "@octocat" not in rendered and "\\(used" in rendered
    # An unpaired backtick stays an escaped character, it opens no span.
    assert markdown.prose("` alone <i>") == "\\` alone &lt;i&gt;"


def test_table_cells_escape_pipes_once() -> None:
    assert markdown.cell(markdown.code("a|b")) == "`a\\|b`"
    assert markdown.cell(markdown.text("a|b")) == "a\\|b"


def test_workflow_commands_are_escaped() -> None:
    line = command(
        "error", "50% done\n::set-output name=x::y", file="a,b.py", title="t: x"
    )
    assert (
        line
        == "::error file=a%2Cb.py,title=t%3A x::50%25 done%0A::set-output name=x::y"
    )
    assert "\n" not in line


def test_training_script_detection() -> None:
    assert looks_like_training_script("import tensorflow as tf\nm.fit(x, y)\n")
    assert looks_like_training_script(
        "from keras import layers\nopt.apply_gradients(zip(g, v))\n"
    )
    assert not looks_like_training_script(
        "import keras\nmodel = keras.Sequential()\n"
    )  # never trains
    assert not looks_like_training_script("from sklearn import svm\nclf.fit(x, y)\n")
    assert looks_like_training_script(
        "import keras\nmodel.fit(x, y\n"
    )  # invalid: reported, not skipped


def test_shards_partition_the_scripts() -> None:
    scripts = [ChangedFile(f"s{i}.py", "added") for i in range(7)]
    parts = [shard(scripts, i, 3) for i in (1, 2, 3)]
    assert sorted(s.path for part in parts for s in part) == sorted(
        s.path for s in scripts
    )
    assert [len(p) for p in parts] == [3, 2, 2]


def test_inputs_are_checked_with_clear_errors() -> None:
    parsed = ActionInputs.from_env(
        {
            "INPUT_PATHS": "a/*.py\n b.py, c.py",
            "INPUT_SHARD": "2/4",
            "INPUT_BASE_COMPARE": "true",
        }
    )
    assert (
        parsed.paths == ("a/*.py", "b.py", "c.py")
        and parsed.shard == (2, 4)
        and parsed.base_compare
    )
    for env, message in [
        (
            {"INPUT_FILTER_MODE": "lines"},
            "input `filter_mode` must be one of added, diff_context, file, nofilter",
        ),
        ({"INPUT_SHARD": "5/4"}, "input `shard` must look like 2/4"),
        ({"INPUT_MAX_COMMENTS": "-1"}, "input `max_comments` must be at least 0"),
        (
            {"INPUT_REQUEST_CHANGES": "maybe"},
            "input `request_changes` must be true or false",
        ),
    ]:
        with pytest.raises(InputError, match=message):
            ActionInputs.from_env(env)


def _report(
    results: list[Result], scripts: list[ScriptReport], fail_level: str
) -> ActionReport:
    pr = PullRequestRef("o/r", 1, "1" * 40, "b" * 40, "o/r")
    return ActionReport(pr=pr, scripts=scripts, results=results, fail_level=fail_level)


def _result(severity: str) -> Result:
    finding = _finding(3, "x")
    return Result(
        "t.py",
        finding,
        fingerprint("t.py", finding),
        severity,
        severity == "warning",
        Anchor("inline", line=3),
    )


@pytest.mark.parametrize(
    ("results", "crashed", "fail_level", "code"),
    [
        (["error"], False, "error", 1),
        (["warning"], False, "error", 0),  # pre-existing fault
        ([], True, "error", 0),  # a crashed script is a warning
        ([], True, "warning", 1),
        (["warning"], False, "warning", 1),
        (["error"], False, "none", 0),
        ([], False, "warning", 0),
    ],
)
def test_gate(results: list[str], crashed: bool, fail_level: str, code: int) -> None:
    scripts = (
        [ScriptReport("c.py", "crashed", error="ModuleNotFoundError: pandas")]
        if crashed
        else []
    )
    assert (
        judge(_report([_result(s) for s in results], scripts, fail_level)).exit_code
        == code
    )


def test_sarif_has_stable_rules_and_locations() -> None:
    result = _result("error")
    sarif = build(
        _report([result], [ScriptReport("c.py", "timeout")], "error"), "0.1.0"
    )
    run = sarif["runs"][0]
    assert sarif["version"] == "2.1.0"
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    (entry,) = run["results"]
    assert rule_ids[entry["ruleIndex"]] == entry["ruleId"] == "deepfd-ci/learning_rate"
    assert entry["locations"][0]["physicalLocation"]["region"] == {"startLine": 3}
    assert entry["partialFingerprints"] == {"deepfdFingerprint/v1": result.fingerprint}
    assert run["invocations"][0]["toolExecutionNotifications"][0]["message"][
        "text"
    ].startswith("c.py: timeout")

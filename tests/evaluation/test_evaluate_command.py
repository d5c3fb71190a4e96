"""`deepfd-ci evaluate`: arguments, errors, stored reports, and a real run of diagnose on three pairs."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from deepfd_ci.evaluation import commands
from deepfd_ci.evaluation.runner import REPORTS_SCHEMA

PROGRAMS = Path(__file__).resolve().parents[2] / "benchmarks" / "programs"
SMOKE = [
    "gh_keras_2058_configured_sgd_not_used",
    "web_geektips_softmax_single_node",
    "gh_keras_2975_softmax_rmsprop_same_class",
]


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="deepfd-ci")
    commands.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


def stored(tmp_path: Path, reports: dict) -> Path:
    path = tmp_path / "reports.json"
    path.write_text(json.dumps({"schema": REPORTS_SCHEMA, "reports": reports}))
    return path


def test_stored_reports_are_scored_without_running_anything(tmp_path, capsys):
    name = SMOKE[0]
    shutil.copytree(PROGRAMS / name, tmp_path / "bench" / name)
    finding = {"type": "optimizer", "confidence": 0.8, "lines": [18], "primary_line": 18}
    reports = stored(
        tmp_path,
        {
            name: {
                "buggy": {"status": "ok", "faults": [finding], "run": {"seconds": 3.0}},
                "fixed": {"status": "ok", "faults": [], "run": {"seconds": 2.0}},
            }
        },
    )
    out = tmp_path / "result.json"
    assert (
        run(["evaluate", str(tmp_path / "bench"), "--reports", str(reports), "--format", "json", "-o", str(out)]) == 0
    )
    data = json.loads(out.read_text())
    assert data["summary"]["strict_localization"] == {"count": 1, "rate": 1.0}
    assert data["summary"]["seconds"] == {"median": 2.5, "max": 3.0}
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    "argv, message",
    [
        (["evaluate", "/no/such/benchmark"], "/no/such/benchmark: not a folder"),
        (["evaluate", str(PROGRAMS), "--only", "nope"], "no program named nope"),
    ],
)
def test_bad_arguments_exit_2_with_a_clear_message(argv, message, capsys):
    assert run(argv) == 2
    assert message in capsys.readouterr().err


def test_reports_for_other_programs_or_another_format_are_refused(tmp_path, capsys):
    wrong = stored(tmp_path, {"something_else": {}})
    assert run(["evaluate", str(PROGRAMS), "--only", SMOKE[0], "--reports", str(wrong)]) == 2
    assert f"no buggy/fixed report for: {SMOKE[0]}" in capsys.readouterr().err
    (tmp_path / "junk.json").write_text("[1, 2]")
    assert run(["evaluate", str(PROGRAMS), "--reports", str(tmp_path / "junk.json")]) == 2
    assert "not a 'deepfd-ci/evaluation-reports/v1' file" in capsys.readouterr().err


def test_evaluate_runs_diagnose_on_three_real_pairs(tmp_path):
    """End to end: the real probe and diagnosis (rules) on 6 scripts; we check the run, not the scores."""
    markdown, saved = tmp_path / "RESULTS.md", tmp_path / "reports.json"
    argv = [
        "evaluate",
        str(PROGRAMS),
        "--only",
        *SMOKE,
        "--jobs",
        "2",
        "--format",
        "markdown",
        "--output",
        str(markdown),
        "--save-reports",
        str(saved),
        "--rules-only",
    ]
    assert run(argv) == 0
    reports = json.loads(saved.read_text())["reports"]
    assert sorted(reports) == sorted(SMOKE)
    for name in SMOKE:
        for kind in ("buggy", "fixed"):
            report = reports[name][kind]
            assert report["status"] == "ok", (name, kind, report.get("error"))
            assert report["run"]["epochs_run"] <= 5
    text = markdown.read_text()
    assert text.startswith("# deepfd-ci on the real-fault benchmark")
    assert all(f"| {name} |" in text for name in SMOKE)
    assert "None: every script was analysed" in text

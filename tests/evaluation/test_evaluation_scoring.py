"""Scoring on hand-made ground truth and reports: every metric, its edge cases, and the renderers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deepfd_ci.evaluation.benchmark import BenchmarkError, GroundTruthFault, Program
from deepfd_ci.evaluation.render import render_json, render_markdown, render_text
from deepfd_ci.evaluation.scoring import evaluate_reports, score_program


def program(name: str, *faults: GroundTruthFault) -> Program:
    return Program(
        name,
        Path(f"{name}/buggy.py"),
        Path(f"{name}/fixed.py"),
        "https://example.org/q/1",
        "title",
        tuple(faults),
        "fix",
    )


def finding(fault_type: str, primary: int | None, lines: list[int] | None = None) -> dict:
    return {
        "type": fault_type,
        "confidence": 0.9,
        "primary_line": primary,
        "lines": lines if lines is not None else ([primary] if primary else []),
    }


def ok(*found: dict, seconds: float = 4.0) -> dict:
    return {"status": "ok", "faults": list(found), "run": {"seconds": seconds}, "model": {"name": "m", "version": "1"}}


def failed(status: str, error: str) -> dict:
    return {"status": status, "error": error, "faults": [], "run": {"seconds": 1.0}}


LOSS_AND_ACT = program("two", GroundTruthFault("loss", (10,)), GroundTruthFault("activation", (8,)))


def test_one_right_type_and_line_is_a_lenient_hit_but_not_strict():
    result = score_program(LOSS_AND_ACT, ok(finding("loss", 10), finding("learning_rate", 3)), ok())
    assert result.detected and result.diagnosis_hit and result.localization_hit
    assert not result.strict_diagnosis and not result.strict_localization
    assert result.found == ["loss"] and result.missed == ["activation"] and result.wrong == ["learning_rate"]
    assert result.predicted_lines == [3, 10] and not result.false_alarm


def test_all_types_with_right_primary_lines_is_strict():
    result = score_program(LOSS_AND_ACT, ok(finding("activation", 8), finding("loss", 10, [10, 12])), ok())
    assert result.strict_diagnosis and result.strict_localization and result.wrong == []


def test_right_types_on_wrong_primary_lines_are_strict_diagnosis_only():
    # the loss finding names line 10 among its lines, but its primary line is elsewhere
    result = score_program(LOSS_AND_ACT, ok(finding("activation", 8), finding("loss", 4, [4, 10])), ok())
    assert result.strict_diagnosis and result.localization_hit
    assert not result.strict_localization and result.strict_lines == ["activation"]


def test_a_right_line_under_a_wrong_type_counts_for_lenient_localization_only():
    result = score_program(LOSS_AND_ACT, ok(finding("optimizer", 10)), ok())
    assert result.detected and result.localization_hit
    assert not result.diagnosis_hit and result.missed == ["loss", "activation"]


def test_nothing_reported_is_no_detection():
    result = score_program(LOSS_AND_ACT, ok(), ok())
    assert not (result.detected or result.diagnosis_hit or result.localization_hit or result.strict_diagnosis)


def test_a_script_that_was_not_analysed_is_a_miss_even_if_faults_are_attached():
    crashed = failed("crashed", "ValueError at buggy.py:12")
    crashed["faults"] = [finding("loss", 10)]  # only `ok` reports carry faults; ignore anything else
    result = score_program(LOSS_AND_ACT, crashed, ok())
    assert not result.detected and not result.diagnosis_hit and result.buggy_error == "ValueError at buggy.py:12"


def test_an_alternative_reading_counts_as_finding_the_fault():
    logits = program("logits", GroundTruthFault("loss", (31,), alternatives=(("activation", (29,)),)))
    result = score_program(logits, ok(finding("activation", 29)), ok())
    assert result.found == ["loss"] and result.wrong == [] and result.strict_localization


def test_any_fault_on_the_fixed_script_is_a_false_alarm():
    result = score_program(LOSS_AND_ACT, ok(finding("loss", 10)), ok(finding("epochs", 20)))
    assert result.false_alarm and result.fixed_predicted == ["epochs"]


def test_aggregate_rates_per_type_scores_and_seconds():
    lr = program("lr", GroundTruthFault("learning_rate", (5,)))
    epochs = program("ep", GroundTruthFault("epochs", (9,)))
    reports = {
        "two": {"buggy": ok(finding("loss", 10), seconds=2.0), "fixed": ok(seconds=4.0)},
        "lr": {
            "buggy": ok(finding("learning_rate", 5), seconds=6.0),
            "fixed": ok(finding("learning_rate", 5), seconds=8.0),
        },
        "ep": {"buggy": failed("timeout", "stopped after 120 s"), "fixed": ok(seconds=10.0)},
    }
    evaluation = evaluate_reports([LOSS_AND_ACT, lr, epochs], reports)
    assert evaluation.n == 3
    assert evaluation.count("detected") == 2 and evaluation.count("diagnosis_hit") == 2
    assert evaluation.count("strict_diagnosis") == 1  # only `lr`: `two` misses activation, `ep` timed out
    assert (evaluation.false_alarms, evaluation.fixed_analysed) == (1, 3)
    assert evaluation.false_alarm_rate == pytest.approx(1 / 3)
    lr_score = evaluation.per_type["learning_rate"]
    assert (lr_score.support, lr_score.recalled, lr_score.reported, lr_score.correct) == (1, 1, 2, 1)
    assert lr_score.precision == 0.5 and lr_score.recall == 1.0
    assert evaluation.per_type["activation"].recall == 0.0 and evaluation.per_type["activation"].precision is None
    assert evaluation.per_type["epochs"].recall == 0.0
    assert evaluation.median_seconds == 5.0 and evaluation.max_seconds == 10.0  # 2, 4, 6, 8, 1, 10
    assert evaluation.not_analysed() == [("ep", "buggy", "timeout", "stopped after 120 s")]
    assert evaluation.model == {"name": "m", "version": "1"}


def test_missing_reports_are_a_clear_error():
    with pytest.raises(BenchmarkError, match="no buggy/fixed report for: two"):
        evaluate_reports([LOSS_AND_ACT], {"two": {"buggy": ok()}})


@pytest.fixture
def evaluation():
    lr = program("lr", GroundTruthFault("learning_rate", (5,)))
    reports = {
        "two": {"buggy": ok(finding("loss", 10)), "fixed": ok()},
        "lr": {"buggy": failed("crashed", "boom"), "fixed": ok(finding("optimizer", 2))},
    }
    return evaluate_reports([LOSS_AND_ACT, lr], reports)


def test_markdown_puts_our_numbers_next_to_deepfds_published_ones(evaluation):
    text = render_markdown(evaluation)
    assert "| diagnosis hit (lenient: one right type) | 1/2 (50%) | 27/52 (52%) |" in text
    assert "| detection | 1/2 (50%) | 47/52 (90%) | 50/52 (96%) |" in text
    assert "| false alarms on the fixed programs | 1/2 (50%) | not measured |" in text
    assert "| two | loss, activation | loss | hit | hit | no | - |" in text
    assert "- `lr/buggy.py`: crashed: boom" in text


def test_json_is_strict_and_complete(evaluation):
    data = json.loads(render_json(evaluation))
    assert data["summary"]["detected"] == {"count": 1, "rate": 0.5}
    assert data["summary"]["false_alarms"] == {"count": 1, "analysed_fixed": 2, "rate": 0.5}
    assert data["per_type"]["optimizer"]["reported"] == 1 and data["per_type"]["optimizer"]["precision"] == 0.0
    assert [p["name"] for p in data["programs"]] == ["two", "lr"]
    assert data["not_analysed"] == [{"program": "lr", "script": "buggy", "status": "crashed", "error": "boom"}]
    assert data["published"][0]["tool"] == "DeepFD"


def test_text_names_what_each_program_missed(evaluation):
    text = render_text(evaluation)
    assert "two: missed activation" in text
    assert "lr: buggy crashed; missed learning_rate; false alarm on fixed: optimizer" in text

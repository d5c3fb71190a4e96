"""The accuracy benchmark, run on the hand-made mutants kept with these tests.

tests/localization/mutants/ holds corpus seeds with one or two injected faults each and a
manifest in the mutation generator's format (changed lines; a pure deletion records the line above
the gap, or where that statement starts).
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.localization_accuracy import main

MUTANTS = Path(__file__).parent / "mutants"


def test_hand_made_mutants_are_all_localized_on_a_changed_line_with_a_working_fix(capsys):
    assert main([str(MUTANTS), "--json", "--check"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert set(scores) == {
        "learning_rate", "optimizer", "loss", "activation", "epochs", "batch_size", "preprocessing",
        "initialization", "layers",
    }  # fmt: skip
    for kind, score in scores.items():
        assert score["primary"] == score["n"], kind
        assert score["fixes"] == score["applies"] == score["n"], kind
        assert score["localization"] == {"dataflow": score["n"]}, kind


def test_benchmark_reports_a_folder_without_manifest(tmp_path, capsys):
    assert main([str(tmp_path)]) == 2
    assert "has no manifest.json" in capsys.readouterr().err

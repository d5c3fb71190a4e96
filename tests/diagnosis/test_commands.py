"""`deepfd-ci model train` and `model evaluate` on a small slice of the committed dataset (no TF)."""

from __future__ import annotations

import json
from pathlib import Path

from sklearn.ensemble import RandomForestClassifier

from deepfd_ci.cli import main
from deepfd_ci.corpus.dataset import read_dataset, write_dataset
from deepfd_ci.diagnosis import training
from deepfd_ci.diagnosis.model import card_of

DATASET = Path(__file__).resolve().parents[2] / "deepfd_ci" / "artifacts" / "dataset" / "runs.csv.gz"


def test_evaluate_recomputes_the_scores_train_reported_with_the_same_setup(tmp_path, capsys):
    data = read_dataset(DATASET)
    seeds = sorted(set(data.groups))[:4]
    # Two first runs per program, and the confirmation runs (seeds 5+) of the programs that have them.
    rows = [r for r in data.rows if r.seed_program in seeds and (r.run_seed < 2 or r.run_seed >= 5)]
    small = tmp_path / "runs.csv.gz"
    write_dataset(small, rows, data.feature_names, data.features_schema, data.meta)
    small_data = read_dataset(small)
    first = small_data.split_confirmation()[0]
    assert 0 < small_data.confirmation.sum() < len(first.rows)
    model, card = tmp_path / "model.skops", tmp_path / "MODEL_CARD.md"

    # Non-default folds and caps: evaluate must re-run the setup the model was trained with.
    assert main(["model", "train", "--dataset", str(small), "--candidates", "two_stage", "--folds", "2",
                 "--max-false-alarm", "0.2", "--max-any-false-alarm", "0.3", "--detector-flag-rate", "0.25",
                 "--skip-studies", "--out", str(model), "--card", str(card)]) == 0
    trained = card_of(model)
    assert trained["folds"] == 2
    assert trained["false_alarm_caps"] == {"per_label": 0.2, "any_label": 0.3, "detector_flag_rate": 0.25}
    assert ("per label <= 20.0% of healthy runs, any label <= 30%; a two-stage detector flags <= 25% of healthy "
            "inner out-of-fold runs") in card.read_text()

    capsys.readouterr()
    assert main(["model", "evaluate", "--model", str(model), "--dataset", str(small), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["per_label"] == trained["per_label"]
    assert report["false_alarm_runs"] == trained["false_alarm_runs"]
    # False alarms split by the runs' own outcome, the same in both, and the label audit behind it.
    for key in ("false_alarm_broken_runs", "false_alarm_normal_runs", "recall_by_visibility"):
        assert report[key] == trained[key]
    assert set(trained["recall_by_visibility"]) == set(trained["per_label"])
    assert "## Where the misses are" in card.read_text()
    assert trained["false_alarm_normal_runs"] is not None
    assert report["dataset"]["label_audit"] == trained["dataset"]["label_audit"]
    # Scores and the audit are of the first runs; the confirmation runs only train (and the card says so).
    assert trained["dataset"]["label_audit"]["healthy_runs"] == int((first.Y.sum(axis=1) == 0).sum())
    assert trained["dataset"]["rows"] == len(first.rows)
    assert [v["support"] for v in trained["per_label"].values()] == first.Y.sum(axis=0).tolist()
    assert trained["dataset"]["confirmation_runs"] == int(small_data.confirmation.sum())
    assert f"the model also trains on the kill test's {trained['dataset']['confirmation_runs']} confirmation runs" \
        in card.read_text()
    assert any(v["support"] > 0 and v["f1"] > 0 for v in report["per_label"].values())


def _tiny_forest() -> RandomForestClassifier:
    return RandomForestClassifier(n_estimators=8, max_depth=4, random_state=0)


def test_the_runs_study_scores_three_runs_and_trains_on_the_confirmation_runs(tmp_path, monkeypatch):
    # The shipped kinds of model take minutes here; the study's rows are what is under test.
    monkeypatch.setitem(training.CANDIDATES, "tiny", training.Candidate(
        "tiny", "two-stage, small forests", "all", _tiny_forest, two_stage=True))
    data = read_dataset(DATASET)
    seeds = sorted(set(data.groups))[4:8]
    rows = [r for r in data.rows if r.seed_program in seeds and (r.run_seed < 4 or r.run_seed >= 5)]
    small = tmp_path / "runs.csv.gz"
    write_dataset(small, rows, data.feature_names, data.features_schema, data.meta)
    model, card = tmp_path / "model.skops", tmp_path / "MODEL_CARD.md"
    assert main(["model", "train", "--dataset", str(small), "--candidates", "tiny", "--folds", "2",
                 "--epochs-dataset", str(tmp_path / "none.csv.gz"), "--out", str(model), "--card", str(card)]) == 0
    studies = card_of(model)["studies"]
    three = [r for r in rows if r.run_seed < 3]
    confirmation = [r for r in rows if r.run_seed >= 5]
    assert confirmation
    assert studies["runs_data"] == {"scored_runs": len(three), "programs": len({r.program_id for r in three}),
                                    "confirmation_runs": len(confirmation)}
    assert set(studies["runs"]) == {"1", "3"} and not studies["epochs"]
    text = card.read_text()
    assert f"Scored on run seeds 0-2 of every program ({len(three)} runs of" in text
    assert "## Epochs observed" not in text

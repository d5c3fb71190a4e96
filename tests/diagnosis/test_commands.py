"""`deepfd-ci model train` and `model evaluate` on a small slice of the committed dataset (no TF)."""

from __future__ import annotations

import json
from pathlib import Path

from deepfd_ci.cli import main
from deepfd_ci.corpus.dataset import read_dataset, write_dataset
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
    first = small_data.subset(~small_data.confirmation)
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

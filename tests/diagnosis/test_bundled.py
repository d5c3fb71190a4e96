"""The shipped artifacts: the bundled model loads and matches the probe's schema, and the whole
diagnosis (model + explicit checks) stays silent on the healthy seed programs' recorded runs."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from deepfd_ci import features
from deepfd_ci.diagnosis import diagnose_run, rules
from deepfd_ci.diagnosis.model import card_of, load_bundled
from deepfd_ci.diagnosis.observations import observe
from deepfd_ci.records import RunRecord, run_record_from_plain

ARTIFACTS = Path(__file__).resolve().parents[2] / "deepfd_ci" / "artifacts"


def _original_runs() -> list[RunRecord]:
    meta = json.loads((ARTIFACTS / "dataset" / "runs.csv.gz.meta.json").read_text())
    epochs = meta["probe"]["epochs"]  # the diagnosis budget the dataset was labelled with
    runs = []
    with gzip.open(ARTIFACTS / "dataset" / "records.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            entry = json.loads(line)
            if "__" not in entry["program_id"]:
                record = run_record_from_plain(entry["record"]).truncated(epochs)
                if record.status == "ok":
                    runs.append(record)
    return runs


def test_bundled_model_matches_the_probe():
    model = load_bundled()
    assert model.schema == features.SCHEMA_VERSION
    assert model.feature_names == list(features.FEATURE_NAMES)
    card = card_of(ARTIFACTS / "model.skops")
    assert card["features_schema"] == features.SCHEMA_VERSION and card["per_label"]


def test_explicit_checks_are_silent_on_every_healthy_seed_run():
    runs = _original_runs()
    assert len(runs) >= 150
    fired = {r.path: rules.predict(r, observe(r)) for r in runs if rules.predict(r, observe(r))}
    assert fired == {}


def test_whole_diagnosis_false_alarms_on_healthy_seed_runs_stay_under_5_percent():
    # In-sample for the model (it was trained on these runs): a guard against a broken artifact or a
    # check gone noisy. The held-out false-alarm rate is the model card's cross-validated one.
    model = load_bundled()
    runs = _original_runs()
    alarms = [r.path for r in runs if diagnose_run(r, model).faults]
    assert len(alarms) / len(runs) <= 0.05, alarms

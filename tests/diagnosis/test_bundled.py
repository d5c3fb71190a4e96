"""The shipped artifacts: the bundled model loads and matches the probe's schema, and the whole
diagnosis (model + explicit checks) stays silent on the healthy seed programs' recorded runs."""

from __future__ import annotations

import json
import math
from pathlib import Path

from deepfd_ci import features
from deepfd_ci.corpus.store import load_store
from deepfd_ci.diagnosis import diagnose_run, rules
from deepfd_ci.diagnosis.model import card_of, load_bundled
from deepfd_ci.diagnosis.observations import observe
from deepfd_ci.features import static
from deepfd_ci.records import RunRecord, run_record_from_plain

ARTIFACTS = Path(__file__).resolve().parents[2] / "deepfd_ci" / "artifacts"


def _original_runs() -> list[RunRecord]:
    meta = json.loads((ARTIFACTS / "dataset" / "runs.csv.gz.meta.json").read_text())
    epochs = meta["probe"]["epochs"]  # the diagnosis budget the dataset was labelled with
    runs = []
    for entry in load_store(ARTIFACTS / "dataset" / "records.jsonl.gz").values():
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
    # Loaded to predict one run: every member of every vote is single-threaded.
    members = [m for vote in model.estimators.values() for m in getattr(vote, "named_estimators_", {}).values()]
    assert all(getattr(m[-1] if hasattr(m, "steps") else m, "n_jobs", 1) == 1 for m in [model.detector, *members])


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


def test_one_run_is_predicted_on_one_openmp_thread(monkeypatch):
    # Boosting's OpenMP threads, waiting on each other for one row, cost seconds on a busy machine.
    from threadpoolctl import threadpool_info

    model = load_bundled()
    original, seen = model.predict_proba, []

    def spy(X):
        seen.append({i["num_threads"] for i in threadpool_info() if i["user_api"] == "openmp"})
        return original(X)

    monkeypatch.setattr(model, "predict_proba", spy)
    proba = model.predict_proba_record(_original_runs()[0])
    assert seen == [{1}] and set(proba) == set(model.labels)


class _VotesFor:
    """A Diagnoser (the protocol diagnose_run takes) whose learned vote is fixed, to test the merge."""

    name, version = "test", "1"

    def __init__(self, fault_type: str, probability: float):
        self.votes = {fault_type: probability}

    def predict_proba_record(self, record: RunRecord) -> dict[str, float]:
        return dict(self.votes)

    def thresholds(self) -> dict[str, float]:
        return {t: 0.5 for t in self.votes}


def test_batch_size_votes_are_reported_only_for_batches_too_small_or_too_large():
    record = next(r for r in _original_runs() if r.facts.input_kind == "numpy" and r.facts.batch_size
                  and r.facts.n_samples and 4 < r.facts.batch_size < r.facts.n_samples // 8 and r.facts.n_samples > 8 * 32)
    vote = _VotesFor("batch_size", 0.9)
    assert "batch_size" not in [f.type for f in diagnose_run(record, vote).faults]  # a usual batch: no fix to offer
    for batch in (1, record.facts.n_samples):  # one-sample steps; the whole set in one step
        record.facts.batch_size = batch
        faults = {f.type: f for f in diagnose_run(record, vote).faults}
        assert faults["batch_size"].source == "model" and faults["batch_size"].confidence == 0.9
    record.facts.batch_size = None  # Keras' default for arrays (32) is a usual batch
    assert "batch_size" not in [f.type for f in diagnose_run(record, vote).faults]
    assert "loss" in [f.type for f in diagnose_run(record, _VotesFor("loss", 0.9)).faults]  # other types untouched


def test_optimizer_votes_are_not_reported_on_a_script_that_already_uses_the_suggested_optimizer():
    record = next(r for r in _original_runs() if r.facts.optimizer and r.facts.optimizer.lower() == "adam")
    vote = _VotesFor("optimizer", 0.9)
    assert "optimizer" not in [f.type for f in diagnose_run(record, vote).faults]  # Adam -> Adam: a no-op fix
    for other in ("SGD", "Adagrad", "RMSprop"):
        record.facts.optimizer = other
        faults = {f.type: f for f in diagnose_run(record, vote).faults}
        assert faults["optimizer"].source == "model" and faults["optimizer"].detail == {"suggested": "Adam"}


def test_keras_default_batch_is_the_same_for_features_gate_and_evidence():
    """`fit` trains arrays, tensors and dicts of them in batches of 32 when none is given; datasets
    make their own. The static features, the batch-size gate and the evidence read it alike."""
    record = next(r for r in _original_runs() if r.facts.input_kind == "numpy" and r.facts.n_samples)
    facts = record.facts
    facts.n_samples = 100  # 32 a batch: 4 updates an epoch, a batch too large for the data
    vote = _VotesFor("batch_size", 0.9)
    for kind in ("numpy", "tensor", "dict"):
        facts.batch_size, facts.input_kind = None, kind
        assert facts.batch_size_used == 32
        assert static.encode(facts)["log_batch_size"] == math.log10(32)
        fault = {f.type: f for f in diagnose_run(record, vote).faults}["batch_size"]
        assert "batch size 32 with 100 training samples gives 4 update(s) per epoch" in fault.evidence
    for kind in ("tf.data", "generator", "py_dataset"):
        facts.input_kind = kind
        assert facts.batch_size_used is None
        assert math.isnan(static.encode(facts)["log_batch_size"])
        assert "batch_size" in [f.type for f in diagnose_run(record, vote).faults]  # unknown: the vote stands
    facts.batch_size = 8
    assert facts.batch_size_used == 8

"""The learned model's estimator API, thresholds, and its safe, versioned file format (no TF)."""

from __future__ import annotations

import builtins
import zipfile

import numpy as np
import pytest
import skops.io as sio
from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from deepfd_ci import features
from deepfd_ci.diagnosis import training
from deepfd_ci.diagnosis.model import (
    MIN_THRESHOLD,
    TRUSTED_TYPES,
    TYPE_MIN_THRESHOLD,
    FaultModel,
    ModelError,
    bundled_path,
    card_of,
    choose_detector_threshold,
    choose_threshold,
    limit_false_alarms,
    load,
)
from deepfd_ci.diagnosis.commands import render_card
from deepfd_ci.records import FAULT_TYPES

N = len(features.FEATURE_NAMES)


def _data(rows: int = 240, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Label j fires when feature j is large; 12 'seed programs' as groups; some NaN cells."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, N))
    Y = np.zeros((rows, len(FAULT_TYPES)), dtype=int)
    for j in range(len(FAULT_TYPES)):
        Y[:, j] = X[:, j] > 1.2
    X[rng.random(X.shape) < 0.02] = np.nan
    groups = np.array([f"seed{i % 12}" for i in range(rows)])
    return X, Y, groups


def _forest() -> RandomForestClassifier:
    return RandomForestClassifier(n_estimators=30, max_features=0.5, random_state=0)


def test_fit_predict_learns_labels_and_thresholds_respect_false_alarms():
    X, Y, groups = _data()
    model = FaultModel(labels=list(FAULT_TYPES), feature_names=list(features.FEATURE_NAMES),
                       make_estimator=_forest).fit(X, Y, groups)
    Xt, Yt, _ = _data(seed=1)
    predicted = model.predict(Xt)
    for j in range(len(FAULT_TYPES)):
        tp = np.sum((predicted[:, j] == 1) & (Yt[:, j] == 1))
        assert tp / max(1, Yt[:, j].sum()) > 0.5
    assert all(0.4 <= t <= 1.0 + 1e-9 for t in model.thresholds().values())
    proba = model.predict_proba(Xt)
    assert proba.shape == Yt.shape and np.all((proba >= 0) & (proba <= 1))


def _gated_data(rows: int = 360, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One shared symptom (feature 0 high) says a run is faulty; which of features 1..9 is largest
    says its type -- the structure of real faults, where most types look alike as 'broken'."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, N))
    faulty = X[:, 0] > 0.0
    Y = np.zeros((rows, len(FAULT_TYPES)), dtype=int)
    Y[faulty, np.argmax(X[faulty, 1 : 1 + len(FAULT_TYPES)], axis=1)] = 1
    groups = np.array([f"seed{i % 12}" for i in range(rows)])
    return X, Y, groups


def test_a_gated_model_scores_fault_times_type_and_survives_a_file_roundtrip(tmp_path):
    X, Y, groups = _gated_data()
    model = FaultModel(labels=list(FAULT_TYPES), feature_names=list(features.FEATURE_NAMES),
                       make_estimator=_forest, gated=True).fit(X, Y, groups)
    # The inner cross-validation prefers the gate where types share one symptom.
    assert model.detector is not None and len(model.gated_labels) >= len(FAULT_TYPES) // 2
    Xt, Yt, _ = _gated_data(seed=1)
    predicted = model.predict(Xt)
    healthy = Yt.sum(axis=1) == 0
    assert predicted[healthy].any(axis=1).mean() <= 0.15
    hits = (predicted[~healthy] & Yt[~healthy]).any(axis=1).mean()
    assert hits > 0.5
    # A healthy-looking run (no symptom) gets no type however typical its other features are.
    quiet = Xt.copy()
    quiet[:, 0] = -3.0
    assert not model.predict(quiet).any()

    path = tmp_path / "gated.skops"
    model.save(path)
    loaded = load(path)
    assert loaded.gated_labels == model.gated_labels and loaded.detector is not None
    assert np.allclose(loaded.predict_proba(Xt[:20]), model.predict_proba(Xt[:20]))
    with pytest.raises(ValueError, match="loaded from a file"):
        loaded.fit(X, Y, groups)


def _lookalike_data(rows: int = 480, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """As _gated_data, but the healthy runs carry the same type patterns as the faulty ones (unkilled
    mutants look like killed ones in everything but the symptom), and feature 0 is a noisy symptom."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, N))
    faulty = X[:, 0] + 0.3 * rng.normal(size=rows) > 0.3
    Y = np.zeros((rows, len(FAULT_TYPES)), dtype=int)
    Y[faulty, np.argmax(X[faulty, 1 : 1 + len(FAULT_TYPES)], axis=1)] = 1
    groups = np.array([f"seed{i % 12}" for i in range(rows)])
    return X, Y, groups


def _macro_f1(predicted: np.ndarray, Y: np.ndarray) -> float:
    return float(np.mean([2 * np.sum(predicted[:, j] & Y[:, j]) / max(1, predicted[:, j].sum() + Y[:, j].sum())
                          for j in range(Y.shape[1])]))


def test_a_two_stage_model_lets_the_detector_alone_decide_whether_there_is_a_fault(tmp_path):
    X, Y, groups = _lookalike_data(seed=2)
    kwargs = {"labels": list(FAULT_TYPES), "feature_names": list(features.FEATURE_NAMES), "make_estimator": _forest}
    model = FaultModel(**kwargs, two_stage=True).fit(X, Y, groups)
    assert model.detector_threshold is not None and model.detector_threshold >= MIN_THRESHOLD
    assert model.gated_labels == list(FAULT_TYPES)
    assert all(t >= TYPE_MIN_THRESHOLD for t in model.thresholds().values())  # a type more likely right than wrong
    Xt, Yt, _ = _lookalike_data(seed=3)
    predicted = model.predict(Xt)
    healthy = Yt.sum(axis=1) == 0
    assert predicted[healthy].any(axis=1).mean() <= 0.15
    # Below the detector's threshold nothing is reported, whatever the type estimators say.
    quiet = Xt.copy()
    quiet[:, 0] = -3.0
    assert not model.predict_proba(quiet).any()
    # Healthy runs that look like a type no longer force that type's threshold up: the per-label
    # model must silence them one label at a time and loses recall doing so.
    per_label = FaultModel(**kwargs, gated=True).fit(X, Y, groups)
    assert _macro_f1(predicted, Yt) > _macro_f1(per_label.predict(Xt), Yt)

    path = tmp_path / "two-stage.skops"
    model.save(path)
    loaded = load(path)
    assert loaded.detector_threshold == model.detector_threshold and loaded.two_stage
    assert np.allclose(loaded.predict_proba(Xt[:40]), model.predict_proba(Xt[:40]))


def test_the_detector_flag_rate_sets_how_many_healthy_runs_the_detector_may_flag():
    X, Y, groups = _lookalike_data(seed=2)
    kwargs = {"labels": list(FAULT_TYPES), "feature_names": list(features.FEATURE_NAMES), "make_estimator": _forest,
              "two_stage": True}
    strict = FaultModel(**kwargs, detector_flag_rate=0.02).fit(X, Y, groups)
    loose = FaultModel(**kwargs, detector_flag_rate=0.2).fit(X, Y, groups)
    assert loose.detector_threshold < strict.detector_threshold
    # On held-out rows the looser detector lets more healthy runs (and faulty ones) through.
    Xt, Yt, _ = _lookalike_data(seed=3)
    healthy = Yt.sum(axis=1) == 0

    def flagged(model: FaultModel) -> np.ndarray:
        return model.predict_proba(Xt).any(axis=1)

    assert flagged(loose)[healthy].mean() > flagged(strict)[healthy].mean()
    assert flagged(loose)[~healthy].mean() > flagged(strict)[~healthy].mean()


def _extra_trees() -> ExtraTreesClassifier:
    return ExtraTreesClassifier(n_estimators=40, min_samples_leaf=2, max_features=0.3, random_state=0, n_jobs=1)


def test_types_come_from_their_own_estimator_and_the_file_is_deflated(tmp_path):
    X, Y, groups = _lookalike_data(seed=2)
    # At the 5% detector flag rate: on this toy data the 40-tree types lose F1 when more healthy rows
    # reach their calibration (macro-F1 0.445 at 5%, 0.367 at 7%; the shipped data gains).
    model = FaultModel(labels=list(FAULT_TYPES), feature_names=list(features.FEATURE_NAMES), make_estimator=_forest,
                       make_type_estimator=_extra_trees, two_stage=True, detector_flag_rate=0.05).fit(X, Y, groups)
    assert isinstance(model.detector, RandomForestClassifier)
    assert all(isinstance(e, ExtraTreesClassifier) for e in model.estimators.values())
    Xt, Yt, _ = _lookalike_data(seed=3)
    predicted = model.predict(Xt)
    assert predicted[Yt.sum(axis=1) == 0].any(axis=1).mean() <= 0.15
    assert _macro_f1(predicted, Yt) >= 0.4

    path = tmp_path / "types.skops"
    model.save(path)
    with zipfile.ZipFile(path) as archive:  # skops writes the trees' structure as JSON: deflate it
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_DEFLATED}
    loaded = load(path)
    assert np.allclose(loaded.predict_proba(Xt[:40]), model.predict_proba(Xt[:40]))
    # It predicts one run at a time: no thread pools (fitting used two).
    assert loaded.detector.n_jobs == 1 and all(e.n_jobs == 1 for e in loaded.estimators.values())


def test_the_shipped_candidate_votes_on_types_with_boosting_and_extra_trees():
    candidate = training.CANDIDATES["two_stage_vote"]
    model = training.build_model(candidate)
    assert model.two_stage and model.make_estimator is candidate.make_estimator
    vote = model.make_type_estimator()
    assert vote.voting == "soft"
    members = dict(vote.estimators)
    assert type(members["boosting"][-1]).__name__ == "HistGradientBoostingClassifier"
    assert isinstance(members["trees"], ExtraTreesClassifier)


def test_the_detector_threshold_is_the_lowest_that_keeps_healthy_rows_within_the_cap():
    fault = np.array([0.9, 0.8, 0.7, 0.6, 0.5])
    healthy = np.array([False, False, True, True, True])
    assert choose_detector_threshold(fault, healthy, max_any=1 / 3) == pytest.approx(0.7)
    assert choose_detector_threshold(fault, healthy, max_any=0.0) == pytest.approx(0.8)
    # Never below MIN_THRESHOLD, and above every score when healthy rows score highest.
    assert choose_detector_threshold(np.array([0.1, 0.2]), np.array([False, False]), 0.05) == MIN_THRESHOLD
    assert choose_detector_threshold(np.array([1.0, 1.0]), np.array([False, True]), 0.0) > 1.0


def test_choose_threshold_trades_recall_for_the_false_alarm_cap():
    proba = np.array([0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.45])
    y = np.array([1, 1, 1, 0, 1, 0, 0])
    healthy = y == 0
    assert choose_threshold(proba, y, healthy, max_false_alarm=1.0) == pytest.approx(0.6)
    assert choose_threshold(proba, y, healthy, max_false_alarm=0.0) == pytest.approx(0.8)
    assert choose_threshold(proba, y, healthy, max_false_alarm=1.0, floor=0.7) == pytest.approx(0.8)


def test_limit_false_alarms_caps_healthy_rows_with_any_label_at_least_f1_cost():
    # Two labels, each alone within a per-label cap, together firing on 2 of 4 healthy rows.
    proba = np.array([
        [0.9, 0.1], [0.8, 0.1], [0.1, 0.9], [0.1, 0.7],  # faulty: label 0 twice, label 1 twice
        [0.6, 0.1], [0.1, 0.5], [0.1, 0.1], [0.1, 0.1],  # healthy
    ])
    Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [0, 0], [0, 0], [0, 0], [0, 0]])
    healthy = Y.sum(axis=1) == 0
    cut = np.array([0.5, 0.45])
    limited = limit_false_alarms(proba, Y, healthy, cut, max_any=0.25)
    assert (proba[healthy] >= limited).any(axis=1).mean() <= 0.25
    assert np.all(limited >= cut)
    assert ((proba[~healthy] >= limited) == (Y[~healthy] == 1)).all()  # no true fault lost here
    assert np.array_equal(limit_false_alarms(proba, Y, healthy, cut, max_any=1.0), cut)  # already within
    never = limit_false_alarms(proba, Y, healthy, cut, max_any=0.0)
    assert not (proba[healthy] >= never).any()


def test_model_file_roundtrip_and_refusals(tmp_path):
    X, Y, groups = _data()
    model = FaultModel(labels=list(FAULT_TYPES), feature_names=list(features.FEATURE_NAMES),
                       make_estimator=_forest).fit(X, Y, groups)
    path = tmp_path / "model.skops"
    model.save(path, card={"note": "test"})
    loaded = load(path)
    assert np.allclose(loaded.predict_proba(X[:10]), model.predict_proba(X[:10]))
    assert loaded.gated_labels == [] and loaded.detector is None and not loaded.two_stage

    older = tmp_path / "before-gating.skops"  # files written before gated models have no detector entry
    payload = sio.load(path, trusted=sio.get_untrusted_types(file=path))
    sio.dump({k: v for k, v in payload.items() if k != "detector"}, older)
    assert np.allclose(load(older).predict_proba(X[:10]), model.predict_proba(X[:10]))

    other = tmp_path / "other-schema.skops"
    payload = sio.load(path, trusted=sio.get_untrusted_types(file=path))
    sio.dump({**payload, "schema": "deepfd-ci/features/v0"}, other)
    with pytest.raises(ModelError, match="feature schema deepfd-ci/features/v0"):
        load(other)

    with pytest.raises(ModelError, match="not found"):
        load(tmp_path / "missing.skops")
    junk = tmp_path / "junk.skops"
    junk.write_bytes(b"not a zip")
    with pytest.raises(ModelError, match="not a deepfd-ci model file"):
        load(junk)


def test_a_file_with_untrusted_types_is_refused(tmp_path):
    path = tmp_path / "evil.skops"
    sio.dump({"format": "deepfd-ci/model/v1", "payload": _Evil()}, path)
    with pytest.raises(ModelError, match="types deepfd-ci does not load"):
        load(path)
    # A function from builtins inside scikit-learn types: predicting would call it on our rows.
    sneaky = tmp_path / "sneaky.skops"
    estimator = make_pipeline(FunctionTransformer(func=builtins.exec), RandomForestClassifier(n_estimators=2))
    sio.dump({"format": "deepfd-ci/model/v1", "estimators": {"loss": estimator}}, sneaky)
    with pytest.raises(ModelError, match="builtins.exec"):
        load(sneaky)


def test_every_shippable_candidate_saves_only_types_the_loader_trusts(tmp_path):
    X, y = np.random.default_rng(0).normal(size=(60, 4)), np.arange(60) % 2
    for name, candidate in training.CANDIDATES.items():
        if candidate.union:
            continue
        makers = [candidate.make_estimator, candidate.make_type_estimator or candidate.make_estimator]
        fitted = [make().fit(X, y) for make in makers]
        path = tmp_path / f"{name}.skops"
        sio.dump({"members": fitted}, path)
        assert set(sio.get_untrusted_types(file=path)) <= set(TRUSTED_TYPES), name


def test_every_candidate_fits_a_training_set_with_a_column_never_measured():
    # Any candidate can win, and the studies refit the winner on small folds where a feature can be
    # missing in every run (the 1-epoch folds). scikit-learn 1.9's boosting raised there.
    X = np.random.default_rng(0).normal(size=(60, 4))
    X[:, 1] = np.nan
    y = np.arange(60) % 2
    for name, candidate in training.CANDIDATES.items():
        for make in {candidate.make_estimator, candidate.make_type_estimator or candidate.make_estimator}:
            assert make().fit(X, y).predict_proba(X).shape == (60, 2), name


class _Evil:
    def __init__(self) -> None:
        self.x = 1


def _candidate(name: str, f1: float, fa: float) -> training.Scores:
    """Cross-validated scores of a candidate with the same F1 on every label."""
    per = {t: {"precision": f1, "recall": f1, "f1": f1, "support": 1} for t in FAULT_TYPES}
    return training.Scores(name, per, fa, fa, fa, 0.0, 0.0)


def test_the_winner_is_calibrated_and_within_the_false_alarm_target():
    compared = [_candidate("deepfd_all", 0.9, 0.01), _candidate("forest", 0.7, 0.03),
                _candidate("boosting", 0.8, 0.2)]
    assert training.choose_winner(compared).candidate == "forest"
    over_target = [_candidate("boosting", 0.8, 0.2), _candidate("forest", 0.5, 0.1)]
    assert training.choose_winner(over_target).candidate == "forest"
    assert training.choose_winner([_candidate("deepfd", 0.9, 0.0)]) is None


def test_the_card_names_the_better_candidates_the_false_alarm_target_kept_out():
    compared = [_candidate("deepfd_all", 0.95, 0.4), _candidate("two_stage", 0.78, 0.0501),
                _candidate("boosting", 0.56, 0.042), _candidate("two_stage_vote", 0.84, 0.052),
                _candidate("forest", 0.5, 0.03)]
    winner = training.choose_winner(compared)
    assert winner.candidate == "boosting"
    # Best first; DeepFD's union is never shipped, so it is never "passed over"; worse ones are not named.
    assert [s.candidate for s in training.passed_over(compared, winner)] == ["two_stage_vote", "two_stage"]
    assert training.passed_over(compared[:1] + compared[3:4], compared[3]) == []

    card = dict(card_of(bundled_path()))
    assert "Not shipped although it scored higher" not in render_card(card)  # older cards have no such field
    card["passed_over"] = [{"candidate": "two_stage_vote", "macro_f1": 0.84, "false_alarm_runs": 0.052}]
    assert ("- **Not shipped although it scored higher**: `two_stage_vote` (macro F1 0.840): 5.2% false alarms, "
            "above the 5% target.") in render_card(card)


class _Recorder:
    """Remembers the row ids (feature 0) of every training set it is fitted on; predicts 0.5."""

    fitted: list[set[int]] = []

    def fit(self, X: np.ndarray, y: np.ndarray) -> _Recorder:
        _Recorder.fitted.append(set(X[:, 0].astype(int).tolist()))
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return np.full((len(X), 2), 0.5)


def test_train_only_rows_train_the_folds_of_their_own_groups_and_are_never_scored():
    from sklearn.model_selection import GroupKFold

    X, Y, groups = _data(rows=48)
    X[:, 0] = np.arange(48)  # row ids
    X_more, Y_more, groups_more = _data(rows=24, seed=1)
    X_more[:, 0] = 1000 + np.arange(24)
    groups_more[-4:] = "elsewhere"  # a group no scored row has: no fold trains on it
    recorder = training.Candidate("recorder", "records training rows", "all", _Recorder, union=True)
    programs, originals = np.array([f"p{i}" for i in range(48)]), np.zeros(48, dtype=bool)
    _Recorder.fitted = []
    scores, proba = training.cross_validate(X, Y, groups, programs, originals, recorder, n_splits=3,
                                            train_only=(X_more, Y_more, groups_more))
    assert proba.shape == Y.shape and scores.per_label["optimizer"]["support"] == int(Y[:, 0].sum())
    expected = []
    for train, _ in GroupKFold(n_splits=3).split(X, Y, groups):
        mine = np.isin(groups_more, groups[train])
        expected.append(set(train.tolist()) | set((1000 + np.flatnonzero(mine)).tolist()))
    fitted = _Recorder.fitted  # one per label and fold, in fold order
    assert len(fitted) == 3 * len(FAULT_TYPES)
    assert all(seen == expected[k // len(FAULT_TYPES)] for k, seen in enumerate(fitted))
    assert all(not seen & set(range(1020, 1024)) for seen in fitted)


def test_false_alarms_are_split_by_the_healthy_runs_own_outcome():
    n = len(FAULT_TYPES)
    Y = np.zeros((6, n), dtype=int)
    Y[4:, 0] = 1  # two faulty runs, four healthy
    predicted = np.zeros_like(Y)
    predicted[[0, 2, 4], 0] = 1  # fires on a broken healthy run, a normal healthy run, a faulty run
    broken = np.array([True, True, False, False, True, False])
    proba, cut = predicted.astype(float), np.full(Y.shape, 0.5)
    programs, originals = np.array(["a", "a", "b", "b", "c", "c"]), np.zeros(6, dtype=bool)
    scores = training.summarize("x", Y, predicted, proba, cut, programs, originals, broken)
    assert scores.false_alarm_runs == 0.5
    assert (scores.false_alarm_broken_runs, scores.false_alarm_normal_runs) == (0.5, 0.5)
    predicted[2, 0] = 0
    scores = training.summarize("x", Y, predicted, predicted.astype(float), cut, programs, originals, broken)
    assert (scores.false_alarm_broken_runs, scores.false_alarm_normal_runs) == (0.5, 0.0)
    unsplit = training.summarize("x", Y, predicted, predicted.astype(float), cut, programs, originals)
    assert unsplit.false_alarm_broken_runs is None and unsplit.false_alarm_normal_runs is None


def test_recall_is_split_by_what_one_run_shows_of_the_fault():
    n = len(FAULT_TYPES)
    Y = np.zeros((5, n), dtype=int)
    Y[0:2, 0] = 1  # one fault: a run far below its original, a run near it
    Y[2:4, [0, 1]] = 1  # two faults at once
    broken = np.array([True, False, True, False, False])
    predicted = np.zeros_like(Y)
    predicted[[0, 2], 0] = 1
    split = training.recall_by_visibility(Y, predicted, broken)
    first = split[FAULT_TYPES[0]]
    assert first == {"clear": {"recall": 1.0, "support": 1}, "faint": {"recall": 0.0, "support": 1},
                     "combined": {"recall": 0.5, "support": 2}}
    assert split[FAULT_TYPES[1]]["clear"] == {"recall": None, "support": 0}
    assert split[FAULT_TYPES[1]]["combined"] == {"recall": 0.0, "support": 2}
    cut = np.full(Y.shape, 0.5)
    programs, originals = np.array(["a", "b", "c", "d", "e"]), np.zeros(5, dtype=bool)
    scores = training.summarize("x", Y, predicted, predicted.astype(float), cut, programs, originals, broken)
    assert scores.recall_by_visibility == split
    assert training.summarize("x", Y, predicted, predicted.astype(float), cut, programs,
                              originals).recall_by_visibility is None

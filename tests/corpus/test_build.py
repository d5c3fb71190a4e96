"""`corpus build` orchestration with a FAKE probe (no TensorFlow): labelling, dropping, resuming, dataset.

The real probe is exercised by test_build_e2e.py; here a stand-in returns scripted scores so the
kill-test labelling and the resumable store can be checked exactly and fast.
"""

from __future__ import annotations

import gzip
import json
import threading
from pathlib import Path

import numpy as np
import pytest

from deepfd_ci import features
from deepfd_ci.corpus.build import BuildOptions, build
from deepfd_ci.corpus.dataset import read_dataset
from deepfd_ci.corpus.mutation import read_manifest
from deepfd_ci.probe import ProbeOptions
from deepfd_ci.records import Check, RunInfo, RunRecord

SEED = """
import keras
from sklearn.datasets import load_digits

EPOCHS = 50
digits = load_digits()
x = digits.data / 16.0
model = keras.Sequential([
    keras.Input(shape=(64,)),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
model.fit(x, digits.target, epochs=EPOCHS, batch_size=32, validation_split=0.2)
"""


class FakeProbe:
    """Scripted outcomes by program id: original scores ~0.95; __m00 at chance (killed); __m01 like
    the original (not killed); __m02 crashes; a seed named `broken` crashes itself. Programs in
    `flaky` train like the original on seeds 0 and 1 and diverge (chance) from seed 2 on."""

    def __init__(self, flaky: frozenset[str] = frozenset()) -> None:
        self.calls: list[tuple[str, int]] = []
        self.flaky = flaky
        self._lock = threading.Lock()

    def __call__(self, path: str, options: ProbeOptions, seeds: list[int]) -> list[RunRecord]:
        return [self._one(path, seed) for seed in seeds]

    def _one(self, path: str, seed: int) -> RunRecord:
        stem = Path(path).stem
        with self._lock:
            self.calls.append((stem, seed))
        if stem.endswith("__m02") or stem == "broken":
            return RunRecord(path=path, status="crashed", error="ValueError: shapes")
        broken = stem.endswith("__m00") or (stem in self.flaky and seed >= 2)
        score = 0.10 + 0.01 * seed if broken else 0.95 - 0.01 * seed
        checks = [
            Check(epoch=0, loss=2.3, acc=0.1, val_acc=0.1),
            Check(epoch=1, loss=0.4, acc=score, val_acc=score, grad_norm_mean=1.0),
        ]
        return RunRecord(
            path=path,
            status="ok",
            checks=checks,
            run=RunInfo(epochs_requested=50, epochs_run=1, seconds=1.5, seed=seed),
        )


@pytest.fixture
def corpus(tmp_path: Path) -> BuildOptions:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "tiny.py").write_text(SEED)
    return BuildOptions(
        seeds_dir=seeds,
        out=tmp_path / "dataset" / "runs.csv.gz",
        mutants_dir=tmp_path / "mutants",
        store=tmp_path / "build" / "runs.jsonl",
        runs=3,
        confirm_runs=2,
        mutants_per_seed=3,
        jobs=2,
        show_progress=False,
    )


def test_build_labels_by_kill_test_and_drops_crashes(corpus: BuildOptions):
    probe = FakeProbe()
    summary = build(corpus, probe)
    # 4 programs x 3 runs, then 2 confirmation runs of the unkilled mutant and of its original.
    confirming = {("tiny", 3), ("tiny", 4), ("tiny__m01", 3), ("tiny__m01", 4)}
    assert len(probe.calls) == 4 * 3 + 4 and set(probe.calls[-4:]) == confirming
    assert summary.runs_executed == 16 and summary.confirmation_runs == 4
    assert (summary.killed, summary.unkilled, dict(summary.dropped)) == (1, 1, {"crashed": 1})
    assert summary.killed_on_confirmation == 0  # trains like the original on all 5 seeds

    everything = read_dataset(corpus.out)
    manifest = {m["id"]: m for m in read_manifest(corpus.mutants_dir)}
    # The confirmation runs the verdict used are rows too, after the first runs, marked as such.
    assert [(r.program_id, r.run_seed) for r in everything.rows] == (
        [("tiny", s) for s in range(5)] + [("tiny__m00", s) for s in range(3)] + [("tiny__m01", s) for s in range(5)])
    assert everything.confirmation.tolist() == [r.run_seed >= 3 for r in everything.rows]
    assert summary.rows == 13 and summary.confirmation_rows == 4
    assert "dataset rows: 13 (4 of them confirmation runs)" in "\n".join(summary.lines())
    assert [r.labels for r in everything.rows if r.run_seed >= 3] == [[]] * 4
    assert all(r.killed is False for r in everything.rows if r.program_id == "tiny__m01")
    data = everything.subset(~everything.confirmation)
    assert [r.program_id for r in data.rows] == ["tiny"] * 3 + ["tiny__m00"] * 3 + ["tiny__m01"] * 3
    assert data.X.shape == (9, len(features.FEATURE_NAMES)) and data.feature_names == list(features.FEATURE_NAMES)
    assert data.features_schema == features.SCHEMA_VERSION
    by_id = {r.program_id: r for r in data.rows}
    killed, healthy, original = by_id["tiny__m00"], by_id["tiny__m01"], by_id["tiny"]
    assert killed.killed and killed.labels == manifest["tiny__m00"]["labels"] and killed.labels
    assert killed.changed_lines == manifest["tiny__m00"]["changed_lines"]
    assert healthy.killed is False and healthy.labels == []  # unkilled -> healthy
    assert original.kind == "original" and original.killed is None and original.labels == []
    assert sorted({r.run_seed for r in data.rows}) == [0, 1, 2]
    assert np.array_equal(data.Y.sum(axis=1) > 0, [r.program_id == "tiny__m00" for r in data.rows])
    assert set(data.groups) == {"tiny"}
    # The scores the kill test used are the probe's final validation scores.
    assert [r.score for r in data.rows[:3]] == pytest.approx([0.95, 0.94, 0.93])
    meta = json.loads(Path(f"{corpus.out}.meta.json").read_text())
    assert meta["mutants_killed"] == 1 and meta["mutants_dropped"] == {"crashed": 1}
    # The scripted runs agree with their labels: the audit (of the first runs) finds nothing to contradict them.
    assert (summary.audit.healthy_runs, summary.audit.faulty_runs) == (6, 3)
    assert summary.audit.broken_healthy_runs == 0 and summary.audit.intact_faulty_runs == 0
    assert "broken runs labelled healthy: 0 of 6" in "\n".join(summary.lines())


def test_build_resumes_from_the_store_and_reruns_only_changed_programs(corpus: BuildOptions):
    executed = build(corpus, FakeProbe())
    first = corpus.out.read_bytes()
    meta_path = Path(f"{corpus.out}.meta.json")
    with open(corpus.store, "a") as handle:
        handle.write('{"program_id": "tiny", "sha"')  # a run torn by an interrupted build
    again = FakeProbe()
    summary = build(corpus, again)
    assert again.calls == [] and summary.runs_reused == 16
    assert corpus.out.read_bytes() == first  # same rows, same bytes
    # The meta keeps what the data cost, not only what this command ran.
    meta = json.loads(meta_path.read_text())
    assert meta["probe_seconds_executed"] == 0.0
    assert meta["probe_seconds_of_runs"] == round(executed.probe_seconds, 1) > 0

    seed = corpus.seeds_dir / "tiny.py"
    seed.write_text(seed.read_text().replace("EPOCHS = 50", "EPOCHS = 60"))
    changed = FakeProbe()
    build(corpus, changed)
    rerun = {stem for stem, _ in changed.calls}
    assert "tiny" in rerun  # the original's source changed
    assert {s for _, s in changed.calls} == {0, 1, 2, 3, 4}  # and the confirmation runs it compares with
    # Runs appended after the torn line were stored intact: nothing is left to run.
    final = FakeProbe()
    assert build(corpus, final).runs_executed == 0 and final.calls == []


def test_a_seed_whose_original_crashes_is_skipped(corpus: BuildOptions):
    (corpus.seeds_dir / "broken.py").write_text(SEED)
    summary = build(corpus, FakeProbe())
    assert "broken" in summary.seeds_skipped and "crashed" in summary.seeds_skipped["broken"]
    assert summary.dropped["seed skipped"] == 3
    assert {r.seed_program for r in read_dataset(corpus.out).rows} == {"tiny"}


def test_probe_failures_are_recorded_not_raised(corpus: BuildOptions):
    def exploding(path: str, options: ProbeOptions, seeds: list[int]) -> list[RunRecord]:
        raise RuntimeError("probe bug")

    summary = build(corpus, exploding)
    assert summary.seeds_skipped["tiny"].startswith("original run crashed: probe failed: RuntimeError")
    store = [json.loads(line) for line in corpus.store.read_text().splitlines()]
    assert len(store) == 12  # no confirmation: no original to compare with
    assert all(e["record"]["status"] == "crashed" for e in store)


def test_a_mutant_the_first_runs_did_not_kill_is_tested_again_on_confirmation_runs(corpus: BuildOptions):
    """__m01 diverges from seed 2 on: one broken run in three is not significant (p = 0.43), four in
    six are (p = 0.03). All six runs are rows, labelled faulty; the extra runs are exported."""
    corpus.confirm_runs = 3
    probe = FakeProbe(flaky=frozenset({"tiny__m01"}))
    summary = build(corpus, probe)
    assert (summary.killed, summary.killed_on_confirmation, summary.unkilled) == (2, 1, 0)
    data = read_dataset(corpus.out)
    flaky = [r for r in data.rows if r.program_id == "tiny__m01"]
    assert [r.run_seed for r in flaky] == [0, 1, 2, 3, 4, 5] and all(r.killed and r.labels for r in flaky)
    assert flaky[0].p_value < 0.05 and flaky[0].effect_size >= 0.5
    assert [r.score for r in flaky[3:]] == pytest.approx([0.13, 0.14, 0.15])  # the diverged seeds
    # Killed by the first runs: no confirmation runs, no extra rows.
    assert [r.run_seed for r in data.rows if r.program_id == "tiny__m00"] == [0, 1, 2]
    meta = json.loads(Path(f"{corpus.out}.meta.json").read_text())
    assert meta["mutants_killed_on_confirmation"] == 1 and meta["probe"]["confirmation_run_seeds"] == [3, 4, 5]
    with gzip.open(corpus.out.with_name("records.jsonl.gz"), "rt") as handle:
        exported = {(e["program_id"], e["run_seed"]) for e in map(json.loads, handle)}
    assert {("tiny", 5), ("tiny__m01", 5)} <= exported and ("tiny__m00", 3) not in exported
    # The same verdicts without the second stage: one broken run in three does not kill it.
    again = build(BuildOptions(**{**corpus.__dict__, "confirm_runs": 0}), FakeProbe(flaky=frozenset({"tiny__m01"})))
    assert (again.killed, again.killed_on_confirmation, again.unkilled, again.runs_executed) == (1, 0, 1, 0)
    one_stage = read_dataset(corpus.out)
    assert all(not r.labels for r in one_stage.rows if r.program_id == "tiny__m01")
    assert not one_stage.confirmation.any() and max(r.run_seed for r in one_stage.rows) == 2


def test_bad_options_are_clear_errors(corpus: BuildOptions, tmp_path: Path):
    with pytest.raises(ValueError, match="at least 2 runs"):
        build(BuildOptions(**{**corpus.__dict__, "runs": 1}), FakeProbe())
    with pytest.raises(ValueError, match="no seed named nope"):
        build(BuildOptions(**{**corpus.__dict__, "only": ["nope"]}), FakeProbe())
    with pytest.raises(ValueError, match="no seed scripts"):
        build(BuildOptions(**{**corpus.__dict__, "seeds_dir": tmp_path / "empty"}), FakeProbe())


class FaultProbe:
    """Scores by the faults a script carries: broken (chance) when its source contains every text in
    one of `breaking` (each a tuple of fault texts that break training together)."""

    def __init__(self, breaking: list[tuple[str, ...]]) -> None:
        self.breaking = breaking
        self.scripts: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, path: str, options: ProbeOptions, seeds: list[int]) -> list[RunRecord]:
        source = Path(path).read_text()
        with self._lock:
            self.scripts.add(Path(path).stem)
        broken = any(all(text in source for text in texts) for texts in self.breaking)
        out = []
        for seed in seeds:
            score = 0.10 + 0.01 * seed if broken else 0.95 - 0.01 * seed
            checks = [Check(epoch=0, loss=2.3, acc=0.1, val_acc=0.1),
                      Check(epoch=1, loss=0.4, acc=score, val_acc=score, grad_norm_mean=1.0)]
            out.append(RunRecord(path=path, status="ok", checks=checks,
                                 run=RunInfo(epochs_requested=50, epochs_run=1, seconds=1.5, seed=seed)))
        return out


def _labels(out: Path) -> dict[str, list[str]]:
    return {r.program_id: r.labels for r in read_dataset(out).rows}


def test_a_multi_fault_mutant_keeps_the_labels_of_the_faults_that_hurt_alone(corpus: BuildOptions):
    """tiny__m02 is batch_size 32 -> 4096 and learning rate 0.001 -> 1.5 (see mutation.generate):
    with only the learning rate breaking training, its batch-size fault rides along."""
    corpus.mutants_per_seed = 3
    corpus.attribute = True
    probe = FaultProbe([("learning_rate=1.5",)])
    summary = build(corpus, probe)
    manifest = {m["id"]: m for m in read_manifest(corpus.mutants_dir)}
    assert manifest["tiny__m02"]["operators"] == ["batch_size_huge", "learning_rate_up"]
    assert manifest["tiny__m02"]["labels"] == ["learning_rate", "batch_size"]  # the manifest keeps every fault
    assert {"tiny__m02__f0", "tiny__m02__f1"} <= probe.scripts  # each fault ran alone
    assert "tiny__m00__f0" not in probe.scripts  # single-fault mutants have no components
    assert _labels(corpus.out)["tiny__m02"] == ["learning_rate"]
    assert (summary.components_killed, summary.components_unkilled) == (1, 1)
    assert summary.passenger_labels == {"batch_size": 1}
    assert "components): 1 killed, 1 not; labels dropped as passengers: {'batch_size': 1}" in "\n".join(summary.lines())
    assert summary.label_counts["batch_size"] == 0 and summary.label_counts["learning_rate"] == 1
    # 2 components x 3 runs, and 2 confirmation runs of the one not killed (the original has its own).
    assert summary.component_runs == 2 * 3 + 2
    # Confirmation runs of __m00, __m01 and the original (2 each); the original's serve the
    # components too and count once.
    assert (summary.confirmation_runs, summary.runs_total) == (6, 4 * 3 + 6 + 8)
    meta = json.loads(Path(f"{corpus.out}.meta.json").read_text())
    assert meta["passenger_labels_dropped"] == {"batch_size": 1} and meta["components_killed"] == 1
    with gzip.open(corpus.out.with_name("records.jsonl.gz"), "rt") as handle:
        exported = {(e["program_id"], e["run_seed"]) for e in map(json.loads, handle)}
    assert {("tiny__m02__f0", 0), ("tiny__m02__f0", 4), ("tiny__m02__f1", 2)} <= exported
    # The component files are written beside the store, not among the committed mutants.
    assert (corpus.store.parent / "components" / "tiny__m02__f0.py").is_file()
    assert not (corpus.mutants_dir / "tiny__m02__f0.py").exists()


def test_faults_that_only_hurt_together_all_keep_their_labels(corpus: BuildOptions):
    corpus.mutants_per_seed = 3
    corpus.attribute = True
    summary = build(corpus, FaultProbe([("batch_size=4096", "learning_rate=1.5")]))
    assert _labels(corpus.out)["tiny__m02"] == ["learning_rate", "batch_size"]
    assert (summary.components_killed, summary.components_unkilled) == (0, 2) and not summary.passenger_labels


def test_by_default_a_killed_mutant_keeps_every_label_and_no_fault_runs_alone(corpus: BuildOptions):
    corpus.mutants_per_seed = 3
    probe = FaultProbe([("learning_rate=1.5",)])
    summary = build(corpus, probe)
    assert _labels(corpus.out)["tiny__m02"] == ["learning_rate", "batch_size"]
    assert not any("__f" in stem for stem in probe.scripts) and summary.component_runs == 0
    assert "components" not in "\n".join(summary.lines())
    meta = json.loads(Path(f"{corpus.out}.meta.json").read_text())
    assert meta["kill_test"]["attribution"].startswith("none")


def test_the_cli_turns_attribution_on_only_when_asked(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture):
    from deepfd_ci.cli import main
    from deepfd_ci.corpus import commands
    from deepfd_ci.corpus.build import BuildSummary

    seen: list[BuildOptions] = []
    monkeypatch.setattr(commands, "build", lambda options: seen.append(options) or BuildSummary())
    assert main(["corpus", "build", "--no-progress"]) == 0
    assert main(["corpus", "build", "--no-progress", "--attribute"]) == 0
    assert [o.attribute for o in seen] == [False, True]
    assert "dataset rows: 0" in capsys.readouterr().out

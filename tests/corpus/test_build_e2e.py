"""A tiny real `corpus build`: 2 seeds x 2 mutants x K=2 runs under the real probe (12 TensorFlow runs)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from deepfd_ci import features
from deepfd_ci.corpus.build import BuildOptions, build
from deepfd_ci.corpus.dataset import read_dataset
from deepfd_ci.corpus.mutation import read_manifest

SEEDS = Path(__file__).resolve().parents[2] / "corpus" / "seeds"


@pytest.mark.slow
def test_tiny_real_build(tmp_path: Path):
    options = BuildOptions(
        seeds_dir=SEEDS,
        only=["mlp_blobs_adagrad", "mlp_breast_cancer_binary"],
        out=tmp_path / "runs.csv.gz",
        mutants_dir=tmp_path / "mutants",
        store=tmp_path / "build" / "runs.jsonl",
        runs=2,
        confirm_runs=1,
        mutants_per_seed=2,
        jobs=2,
        show_progress=False,
    )
    summary = build(options)
    assert summary.runs_executed == 12 + summary.confirmation_runs and not summary.seeds_skipped
    assert summary.killed + summary.unkilled + sum(summary.dropped.values()) == 4
    data = read_dataset(options.out)
    originals = [r for r in data.rows if r.kind == "original" and r.run_seed < 2]
    assert len(originals) == 4 and all(r.score is not None and r.score > 0.9 for r in originals)
    assert data.X.shape[1] == len(features.FEATURE_NAMES)
    kept = {r.program_id for r in data.rows if r.kind == "mutant"}
    assert kept <= {m["id"] for m in read_manifest(options.mutants_dir)}
    # Originals' runs measured real training: loss fell.
    first = data.feature_names.index("final_loss")
    assert all(row[first] < 1.0 for row, r in zip(data.X, data.rows) if r.kind == "original")
    # Every mutant not killed by its first two runs got a third (seed 2), and so did its original.
    with gzip.open(tmp_path / "records.jsonl.gz", "rt") as handle:
        third = {e["program_id"] for e in map(json.loads, handle) if e["run_seed"] == 2}
    undecided = {r.program_id for r in data.rows if r.killed is False}
    assert undecided <= third and len(third) == summary.confirmation_runs
    # Those third runs are rows too, marked as confirmation runs.
    assert {r.program_id for r in data.rows if r.run_seed == 2} == third == {
        r.program_id for r, more in zip(data.rows, data.confirmation) if more}
    assert {p for p in third if "__" not in p} == {p.split("__")[0] for p in third if "__" in p}
    # Resuming costs no run.
    assert build(options).runs_executed == 0

"""The benchmark itself: loadable, honest ground truth (its lines are where the fix changes the code),
and kept out of the training corpus (no identical or near-identical copy in corpus/)."""

from __future__ import annotations

import ast
import difflib
import json
from collections import Counter
from pathlib import Path

import pytest

from deepfd_ci.evaluation.benchmark import BenchmarkError, load_benchmark
from deepfd_ci.evaluation.isolation import find_leaks

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = ROOT / "benchmarks" / "programs"
# What the model is trained on: the seeds, their mutants and the dataset's recorded runs.
CORPUS = [ROOT / "corpus" / "seeds", ROOT / "deepfd_ci" / "artifacts" / "mutants", ROOT / "deepfd_ci" / "artifacts" / "dataset"]


def changed_lines(buggy: str, fixed: str) -> set[int]:
    """1-based buggy lines the fix replaces or deletes, plus the lines on both sides of an insertion."""
    touched: set[int] = set()
    matcher = difflib.SequenceMatcher(a=buggy.splitlines(), b=fixed.splitlines(), autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            touched.update(range(i1 + 1, i2 + 1))
        elif tag == "insert":
            touched.update({i1, i1 + 1})
    return touched


@pytest.fixture(scope="module")
def programs():
    return load_benchmark(PROGRAMS)


def test_at_least_forty_pairs_with_sources_and_about_half_multi_fault(programs):
    assert len(programs) >= 40
    assert all(p.source.startswith(("https://", "http://")) for p in programs)
    multi = sum(len(p.faults) >= 2 for p in programs)
    assert 0.35 * len(programs) <= multi <= 0.65 * len(programs)
    assert all(len(p.faults) <= 5 for p in programs)


def test_the_mix_covers_every_fault_type_with_deepfds_types_most_common(programs):
    mix = Counter(t for p in programs for t in p.fault_types)
    assert set(mix) == {
        "optimizer",
        "learning_rate",
        "loss",
        "activation",
        "epochs",
        "batch_size",
        "preprocessing",
        "initialization",
        "layers",
    }
    assert mix.most_common(1)[0][0] == "activation"
    assert min(mix[t] for t in ("activation", "epochs", "learning_rate", "loss", "optimizer")) >= 5


def test_every_ground_truth_fault_points_at_code_the_fix_changes(programs):
    for p in programs:
        buggy, fixed = p.buggy.read_text(), p.fixed.read_text()
        ast.parse(buggy)
        ast.parse(fixed)
        touched = changed_lines(buggy, fixed)
        assert touched, f"{p.name}: fixed.py is identical to buggy.py"
        for fault in p.faults:
            assert fault.all_lines() & touched, f"{p.name}: {fault.type} lines {fault.lines} untouched by the fix"
        assert len(set(p.fault_types)) == len(p.fault_types), f"{p.name}: a fault type listed twice"


def test_a_malformed_meta_is_refused_with_the_place_named(tmp_path):
    folder = tmp_path / "bad_pair"
    folder.mkdir()
    (folder / "buggy.py").write_text("import keras\nx = 1\n")
    (folder / "fixed.py").write_text("import keras\nx = 2\n")
    (folder / "meta.yaml").write_text("source: s\ntitle: t\nfix: f\nfaults:\n  - {type: lr, lines: [2]}\n")
    with pytest.raises(BenchmarkError, match=r"faults\[0\]: unknown fault type 'lr'"):
        load_benchmark(tmp_path)
    (folder / "meta.yaml").write_text("source: s\ntitle: t\nfix: f\nfaults:\n  - {type: loss, lines: [9]}\n")
    with pytest.raises(BenchmarkError, match=r"line\(s\) \[9\] outside buggy.py \(1..2\)"):
        load_benchmark(tmp_path)
    with pytest.raises(BenchmarkError, match="no program named nope"):
        load_benchmark(tmp_path, only=["nope"])


def test_no_benchmark_program_or_mutant_of_one_is_in_the_training_corpus():
    bench = sorted(PROGRAMS.glob("*/*.py"))
    assert len(bench) >= 80
    leaks = find_leaks(bench, CORPUS)
    assert leaks == [], "benchmark programs found in the corpus:\n" + "\n".join(map(str, leaks))


def test_the_leak_check_catches_reformatted_copies_mutants_and_recorded_sources(tmp_path):
    original = PROGRAMS / "gh_keras_14729_breast_cancer_cce" / "buggy.py"
    source = original.read_text()
    corpus = tmp_path / "corpus"
    (corpus / "seeds").mkdir(parents=True)
    (corpus / "mutants").mkdir()
    # identical after normalization: comments, blank lines and quotes changed
    copy = "# a seed\n\n" + source.replace('"', "'").replace("\n\n", "\n")
    (corpus / "seeds" / "copy.py").write_text(copy)
    # a one-token mutant of the benchmark program
    (corpus / "mutants" / "m1.py").write_text(source.replace("batch_size=100", "batch_size=1000"))
    # the same source recorded inside the dataset, and a dataset row that points at the benchmark file
    (corpus / "dataset.jsonl").write_text(json.dumps({"id": "x", "source": source}) + "\n")
    (corpus / "rows.json").write_text(
        json.dumps([{"script": "benchmarks/programs/gh_keras_14729_breast_cancer_cce/buggy.py"}])
    )
    # an unrelated Keras script must not be flagged
    (corpus / "seeds" / "other.py").write_text((PROGRAMS / "gh_tf_39432_autoencoder_adadelta" / "fixed.py").read_text())
    leaks = find_leaks([original], [corpus])
    found = {(Path(leak.corpus.split(":")[0]).name, leak.kind) for leak in leaks}
    assert found == {("copy.py", "identical"), ("m1.py", "near"), ("dataset.jsonl", "identical"), ("rows.json", "path")}

"""The label audit: runs whose own outcome contradicts their kill-test label, and `corpus audit`."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from deepfd_ci.cli import main
from deepfd_ci.corpus.audit import audit_labels, broken_runs, intact_runs
from deepfd_ci.corpus.dataset import DatasetRow, read_dataset, write_dataset


def _row(program: str, score: float, seed: int, *, labels=(), operators=(), killed=None) -> DatasetRow:
    kind = "original" if program == "seed" else "mutant"
    return DatasetRow(program_id=program, seed_program="seed", mutant_id="" if kind == "original" else program,
                      kind=kind, run_seed=seed, operators=list(operators), changed_lines=[], killed=killed,
                      p_value=None, effect_size=None, score=score, labels=list(labels))


ORIGINAL = [0.90, 0.92, 0.91, 0.89, 0.93]  # mean 0.91, sample SD ~0.016: broken below ~0.813


def rows() -> list[DatasetRow]:
    out = [_row("seed", s, i) for i, s in enumerate(ORIGINAL)]
    # Unkilled (healthy) mutant: one seed diverged, the test did not reach p < 0.05.
    out += [_row("m_lr", s, i, operators=["learning_rate_up"], killed=False)
            for i, s in enumerate([0.91, 0.90, 0.30, 0.92, 0.90])]
    # Killed mutant: two seeds at chance, one as good as the original's worst run.
    out += [_row("m_act", s, i, labels=["activation"], operators=["last_activation"], killed=True)
            for i, s in enumerate([0.10, 0.10, 0.895, 0.50, 0.85])]
    return out


def test_broken_and_intact_runs_are_judged_against_the_seeds_own_runs():
    data = rows()
    broken, intact = broken_runs(data), intact_runs(data)
    # Originals: none broken (by construction of the margin), all at least their own minimum.
    assert not broken[:5].any() and intact[:5].all()
    assert broken[5:10].tolist() == [False, False, True, False, False]
    assert broken[10:].tolist() == [True, True, False, True, False]  # 0.85 is within 3 SD + 0.05 of 0.91
    assert intact[10:].tolist() == [False, False, True, False, False]  # 0.895 >= 0.89


def test_audit_counts_what_no_single_run_classifier_can_get_right():
    audit = audit_labels(rows())
    assert (audit.healthy_runs, audit.broken_healthy_runs, audit.broken_healthy_programs) == (10, 1, 1)
    assert audit.broken_healthy_by_operators == {"learning_rate_up": 1}
    assert (audit.faulty_runs, audit.intact_faulty_runs, audit.intact_faulty_by_label) == (5, 1, {"activation": 1})
    assert audit.false_alarm_floor == pytest.approx(0.1)
    assert audit.to_dict()["false_alarm_floor"] == pytest.approx(0.1)
    assert "1 of 10 healthy runs (10.0%)" in "\n".join(audit.lines())


def test_a_seed_without_original_runs_marks_nothing():
    data = [r for r in rows() if r.kind == "mutant"]
    assert not broken_runs(data).any() and not intact_runs(data).any()
    assert audit_labels(data).broken_healthy_runs == 0


def _dataset(path: Path) -> Path:
    write_dataset(path, rows(), ["f0"], "test/v0", {})
    return path


def test_corpus_audit_prints_the_counts(tmp_path, capsys):
    path = _dataset(tmp_path / "runs.csv.gz")
    assert main(["corpus", "audit", "--dataset", str(path), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["broken_healthy_runs"] == 1 and report["intact_faulty_by_label"] == {"activation": 1}
    assert main(["corpus", "audit", "--dataset", str(path)]) == 0
    assert "broken runs labelled healthy: 1 of 10" in capsys.readouterr().out


def _corrupt(kind: str, path: Path) -> None:
    meta = Path(f"{path}.meta.json")
    if kind == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif kind == "empty":
        path.write_bytes(gzip.compress(b""))
    elif kind == "not gzip":
        path.write_bytes(b"plain text")
    elif kind == "meta not JSON":
        meta.write_text("{")
    elif kind == "meta without n_features":
        meta.write_text(json.dumps({k: v for k, v in json.loads(meta.read_text()).items() if k != "n_features"}))
    elif kind == "bad cell":
        text = gzip.decompress(path.read_bytes()).decode().replace("\nseed,seed,,original,0,", "\nseed,seed,,original,x,", 1)
        path.write_bytes(gzip.compress(text.encode()))


@pytest.mark.parametrize("kind, message", [
    ("truncated", "runs.csv.gz: Compressed file ended"),
    ("empty", "runs.csv.gz is empty"),
    ("not gzip", "cannot read the dataset"),
    ("meta not JSON", "runs.csv.gz.meta.json is not JSON"),
    ("meta without n_features", "lacks n_features"),
    ("bad cell", "runs.csv.gz: line 2: invalid literal"),
])
def test_a_damaged_dataset_is_a_clear_error(tmp_path, capsys, kind, message):
    path = _dataset(tmp_path / "runs.csv.gz")
    _corrupt(kind, path)
    with pytest.raises((OSError, ValueError)):
        read_dataset(path)
    assert main(["corpus", "audit", "--dataset", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_missing_dataset_is_a_clear_error(tmp_path, capsys):
    assert main(["corpus", "audit", "--dataset", str(tmp_path / "none.csv.gz")]) == 2
    assert "cannot read the dataset" in capsys.readouterr().err


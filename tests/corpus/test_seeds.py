"""The seed corpus is what the brief asks for: enough variety, one fit each, a documented goal.

Training itself is checked by `python corpus/check_seeds.py` (minutes of TensorFlow; its table is
in corpus/README.md); `test_check_seeds_runs_a_seed` runs it on one seed (slow).
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import libcst as cst
import pytest

from deepfd_ci.corpus.mutation.program import Program, callee_name

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
SEEDS = sorted((CORPUS / "seeds").glob("*.py"))


def _check_seeds_module():
    spec = importlib.util.spec_from_file_location("check_seeds", CORPUS / "check_seeds.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


check_seeds = _check_seeds_module()


def test_there_are_enough_seeds_of_every_kind():
    assert len(SEEDS) >= 32
    text = {p.stem: p.read_text() for p in SEEDS}
    calls = Counter(callee_name(c) for src in text.values() for c in Program(src).calls)
    for layer in ("Dense", "Conv1D", "Conv2D", "LSTM", "GRU"):
        assert calls[layer] >= 1, layer
    for optimizer in ("Adam", "SGD", "RMSprop", "Adagrad", "Nadam", "Adadelta"):
        assert calls[optimizer] >= 1, optimizer
    for prep in ("StandardScaler", "MinMaxScaler", "to_categorical", "LabelEncoder", "from_tensor_slices"):
        assert calls[prep] >= 1, prep
    assert calls["Sequential"] >= 10 and calls["Model"] >= 5
    assert sum("(keras.Model):" in src for src in text.values()) >= 2  # subclassed models
    assert sum("import keras\n" in src for src in text.values()) >= 10
    assert sum("from tensorflow import keras\n" in src for src in text.values()) >= 10
    assert sum("sparse_categorical_crossentropy" in src for src in text.values()) >= 5
    assert sum('"categorical_crossentropy"' in src for src in text.values()) >= 5
    assert sum("binary_crossentropy" in src or "BinaryCrossentropy" in src for src in text.values()) >= 5
    assert (
        sum('"mse"' in src or "mean_squared_error" in src or "mean_absolute_error" in src for src in text.values()) >= 5
    )


@pytest.mark.parametrize("path", SEEDS, ids=[p.stem for p in SEEDS])
def test_seed_is_a_plain_reproducible_training_script(path: Path):
    source = path.read_text()
    goal = check_seeds.read_goal(path)
    assert goal is not None and goal.epochs == 5
    program = Program(source)
    (fit,) = program.fit_calls()
    epochs = program.resolve(program.argument(fit, "epochs", 3).value)
    assert isinstance(epochs, cst.Integer) and 20 <= int(epochs.value) <= 100
    # The probe seeds every run; a script that fixes the global seed would make K runs identical.
    assert not re.search(r"set_random_seed|np\.random\.seed|tf\.random\.set_seed|random\.seed\(", source)
    assert "keras.datasets" not in source  # downloads fail offline


def test_validation_is_used_in_about_half_the_seeds():
    with_validation = sum("validation_" in p.read_text() for p in SEEDS)
    assert 0.4 <= with_validation / len(SEEDS) <= 1.0


def test_goal_header_parsing_and_table():
    goal = check_seeds.Goal(5, "val_mae", "<=", 0.3)
    ok = check_seeds.SeedResult("a", goal, first=0.9, final=0.2, epochs_run=5, seconds=1.0, fit_seconds=0.8)
    missed = check_seeds.SeedResult("b", goal, first=0.9, final=0.5, epochs_run=5, seconds=1.0, fit_seconds=0.8)
    crashed = check_seeds.SeedResult("c", goal, error="exit 1: boom")
    assert ok.ok and not missed.ok and not crashed.ok
    table = check_seeds.table([ok, missed, crashed], 5)
    assert (
        "| a | val_mae <= 0.3 | 0.900 | 0.200 | yes |" in table and "| NO |" in table and "FAIL: exit 1: boom" in table
    )


@pytest.mark.slow
def test_check_seeds_runs_a_seed():
    seed = CORPUS / "seeds" / "mlp_moons_nadam.py"
    proc = subprocess.run(
        [sys.executable, str(CORPUS / "check_seeds.py"), str(seed)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert "| mlp_moons_nadam | val_accuracy >= 0.95 |" in proc.stdout and "| yes |" in proc.stdout

"""A defect of deepfd-ci itself ends in one line that says where, an exit code of its own, and no traceback."""

from __future__ import annotations

import numpy as np
import pytest

from deepfd_ci import cli
from deepfd_ci.diagnosis import commands


def _train_that_fails(args):
    return np.lib.stride_tricks.sliding_window_view(np.array([]), 2)  # raises inside numpy


def test_an_internal_error_is_one_line_naming_where_it_happened(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(commands, "_train", _train_that_fails)
    monkeypatch.delenv(cli.TRACEBACK_VARIABLE, raising=False)
    assert cli.main(["model", "train", "--out", str(tmp_path / "m.skops")]) == cli.INTERNAL_ERROR == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert err.startswith("deepfd-ci: internal error: ValueError: window shape cannot be larger")
    assert "_stride_tricks_impl.py:" in err and "test_internal_errors.py" not in err  # the raiser, and ours
    assert f"{cli.TRACEBACK_VARIABLE}=1" in err


def test_the_traceback_is_there_when_asked_for(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(commands, "_train", _train_that_fails)
    monkeypatch.setenv(cli.TRACEBACK_VARIABLE, "1")
    assert cli.main(["model", "train", "--out", str(tmp_path / "m.skops")]) == 3
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_an_interrupt_is_not_an_internal_error(monkeypatch, capsys, tmp_path):
    def interrupted(args):
        raise KeyboardInterrupt
    monkeypatch.setattr(commands, "_train", interrupted)
    assert cli.main(["model", "train", "--out", str(tmp_path / "m.skops")]) == 130
    assert capsys.readouterr().err.strip() == "deepfd-ci: interrupted"


def test_usage_errors_still_exit_2(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["model", "train", "--folds", "many"])
    assert stop.value.code == 2

"""`.deepfd.yml`: settings, precedence, and errors that name the key and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from deepfd_ci.config import Config, ConfigError, load_config, parse_config
from deepfd_ci.pipeline import DiagnoseOptions

GOOD = """\
include: ["train/**/*.py", "*.py"]
exclude: legacy/
fail_level: warning
epochs: 4
time_budget: 90
ignore: [batch_size]
scripts:
  "train/*.py":
    args: --data "data dir" --fast
    env: {DATA_DIR: data, SMALL: true, N: 3}
    ignore: [learning_rate]
  train/mnist.py:
    epochs: 2
    time_budget: 30
"""


def test_settings_and_precedence() -> None:
    config = parse_config(GOOD)
    assert config.fail_level == "warning"
    assert config.selects("train/a.py") and config.selects("top.py")
    assert not config.selects("legacy/old.py") and not config.selects("notes.txt")

    base = config.with_defaults(DiagnoseOptions())
    assert (base.epochs, base.time_budget) == (4, 90.0)
    mnist = config.options_for("train/mnist.py", base)
    assert (
        mnist.epochs == 2 and mnist.time_budget == 30.0
    )  # later, more specific entries win
    assert mnist.script_args == ["--data", "data dir", "--fast"]
    assert mnist.env == {"DATA_DIR": "data", "SMALL": "true", "N": "3"}
    assert sorted(mnist.ignore) == ["batch_size", "learning_rate"]
    assert config.ignored_types("top.py") == {"batch_size"}


def test_missing_file() -> None:
    assert load_config("/nonexistent/.deepfd.yml", missing_ok=True) == Config()
    with pytest.raises(ConfigError, match="config file not found"):
        load_config("/nonexistent/.deepfd.yml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("epochs: [", r"\.deepfd\.yml: line 1, column \d+: not valid YAML"),
        (
            "a: 'open\n",
            r"line 2, column 1: not valid YAML: found unexpected end of stream \(while scanning a quoted scalar at line 1\)",
        ),
        (
            "fail_level: high\n",
            r"line 1: `fail_level` must be one of none, warning, error, got 'high'",
        ),
        ("epochs: 3\nsripts: {}\n", r"line 2: `sripts` is not a known setting"),
        ("ignore: [lr]\n", r"line 1: `ignore` names unknown fault type 'lr'"),
        (
            "scripts:\n  a.py:\n    epochs: 0\n",
            r"line 3: `scripts\.a\.py\.epochs` must be a positive integer, got 0",
        ),
        (
            "scripts:\n  a.py:\n    time_budget: soon\n",
            r"line 3: `scripts\.a\.py\.time_budget` must be a positive number",
        ),
        (
            "scripts:\n  a.py:\n    env: {1X: a}\n",
            r"line 3: `scripts\.a\.py\.env\.1X` is not a valid environment variable name",
        ),
        (
            'scripts:\n  a.py:\n    args: "\'unclosed"\n',
            r"line 3: `scripts\.a\.py\.args` cannot be split",
        ),
        (
            "scripts:\n  a.py:\n    budget: 3\n",
            r"line 3: `scripts\.a\.py\.budget` is not a known setting",
        ),
        ("epochs: 2\nepochs: 3\n", r"line 2: `epochs` is given twice"),
        ("- a\n- b\n", r"line 1: the file must be a mapping"),
        (
            "include: [3]\n",
            r"line 1: `include` must be a pattern or a list of patterns",
        ),
    ],
)
def test_errors_name_the_key_and_line(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(text)


def test_load_reads_the_file(tmp_path: Path) -> None:
    path = tmp_path / ".deepfd.yml"
    path.write_text("ignore: [epochs]\n", encoding="utf-8")
    assert load_config(path).ignore == {"epochs"}
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_config(path)

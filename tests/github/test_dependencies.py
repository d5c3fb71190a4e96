"""The repository's own dependencies go into a virtual environment that sees ours."""

from __future__ import annotations

import subprocess
from pathlib import Path

from deepfd_ci.github.dependencies import prepare


def test_nothing_to_install(tmp_path: Path) -> None:
    assert prepare(str(tmp_path), "auto", str(tmp_path / "logs")).python is None
    (tmp_path / "requirements.txt").write_text("PyYAML\n")
    assert prepare(str(tmp_path), "none", str(tmp_path / "logs")).python is None


def test_requirements_install_into_a_venv_that_sees_our_packages(
    tmp_path: Path,
) -> None:
    (tmp_path / "requirements.txt").write_text(
        "PyYAML\n"
    )  # already satisfied: no download
    environment = prepare(str(tmp_path), "auto", str(tmp_path / "logs"))
    assert (
        environment.note is None
        and environment.python
        and Path(environment.python).is_file()
    )
    seen = subprocess.run(
        [environment.python, "-c", "import sys, yaml, deepfd_ci; print(sys.prefix)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert seen.stdout.strip() == str(Path(environment.python).parent.parent)


def test_a_failed_install_is_a_note_not_a_crash(tmp_path: Path) -> None:
    environment = prepare(
        str(tmp_path), "echo '::error::from pip' && exit 3", str(tmp_path / "logs")
    )
    assert (
        environment.note
        and "Installing the repository's dependencies failed" in environment.note
    )
    assert "::error::from pip" in (tmp_path / "logs" / "install.log").read_text()

"""Fixtures for the GitHub-side tests: the validating fake GitHub and an action run against it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.github.fake_github import FakeGitHub
from tests.github.helpers import ActionRun


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub().start()
    yield fake
    fake.stop()
    assert fake.violations == [], (
        "requests or responses that do not match GitHub's OpenAPI description"
    )


@pytest.fixture
def action(github: FakeGitHub, tmp_path: Path) -> ActionRun:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    return ActionRun(github=github, workspace=workspace)

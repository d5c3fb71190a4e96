"""Run the analyzer on the PR head and, optionally, on the base commit.

The analyzer is injected (`deepfd_ci.pipeline.diagnose` in production) so the GitHub side can be
tested with hand-made reports. Each call runs from a checkout's root, so scripts find their sibling
modules and data files exactly as they would in the user's repository.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from deepfd_ci.config import Config
from deepfd_ci.github.diffs import ChangedFile
from deepfd_ci.pipeline import DiagnoseOptions
from deepfd_ci.records import ScriptReport

Analyzer = Callable[
    [list[str], DiagnoseOptions, dict[str, DiagnoseOptions]], list[ScriptReport]
]


@dataclass
class Analysis:
    """What the analyze half hands to the publish half (also the content of the findings artifact)."""

    reports: list[ScriptReport]  # one per analysed script, head version
    base_compared: bool = False
    # head path -> fault types also diagnosed on the base version (pre-existing faults).
    base_faults: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # our own messages for the summary
    seconds: float = 0.0


def analyze(
    workspace: str,
    scripts: list[ChangedFile],
    config: Config,
    options: DiagnoseOptions,
    analyzer: Analyzer,
    base_sha: str | None = None,
) -> Analysis:
    """Diagnose `scripts` at HEAD (the checkout in `workspace`) and, if `base_sha`, at the base."""
    started = time.monotonic()
    paths = [script.path for script in scripts]
    head = _run(analyzer, workspace, paths, config, options)
    analysis = Analysis(reports=head)
    if base_sha:
        _compare_with_base(
            analysis, workspace, scripts, config, options, analyzer, base_sha
        )
    analysis.seconds = time.monotonic() - started
    return analysis


def _run(
    analyzer: Analyzer,
    root: str,
    paths: list[str],
    config: Config,
    options: DiagnoseOptions,
) -> list[ScriptReport]:
    if not paths:
        return []
    options = dataclasses.replace(options, repo_root=root)
    overrides = {path: config.options_for(path, options) for path in paths}
    with contextlib.chdir(root):
        reports = analyzer(paths, options, overrides)
    if len(reports) != len(paths):
        raise RuntimeError(
            f"the analyzer returned {len(reports)} reports for {len(paths)} scripts"
        )
    # Reports come back in the order given; pin their paths to the repo-relative ones we asked for.
    return [
        dataclasses.replace(report, path=path) for report, path in zip(reports, paths)
    ]


def _compare_with_base(
    analysis: Analysis,
    workspace: str,
    scripts: list[ChangedFile],
    config: Config,
    options: DiagnoseOptions,
    analyzer: Analyzer,
    base_sha: str,
) -> None:
    existed = [s for s in scripts if s.status not in ("added", "copied")]
    if not existed:
        analysis.base_compared = True
        return
    try:
        with base_worktree(workspace, base_sha) as root:
            pairs = [
                (s.path, s.previous_path or s.path)
                for s in existed
                if (Path(root) / (s.previous_path or s.path)).is_file()
            ]
            base_reports = _run(
                analyzer, root, [old for _, old in pairs], config, options
            )
    except BaseCheckoutError as exc:
        analysis.notes.append(
            f"Base comparison skipped: {exc}. Every fault counts as new."
        )
        return
    analysis.base_compared = True
    for (head_path, _), report in zip(pairs, base_reports):
        if report.status == "ok" and report.faults:
            analysis.base_faults[head_path] = sorted({f.type for f in report.faults})


class BaseCheckoutError(RuntimeError):
    pass


@contextlib.contextmanager
def base_worktree(workspace: str, sha: str) -> Iterator[str]:
    """A detached `git worktree` of the base commit, removed afterwards.

    A worktree (not single files from the API) so the base version of a script imports its base
    siblings and reads its base data, like the head version does.
    """
    git = ["git", "-c", "safe.directory=*", "-C", workspace]
    if _git(git + ["cat-file", "-e", f"{sha}^{{commit}}"]).returncode != 0:
        fetched = _git(git + ["fetch", "--no-tags", "--depth=1", "origin", sha])
        if fetched.returncode != 0:
            raise BaseCheckoutError(
                f"the base commit {sha[:12]} is not in the checkout and could not be fetched "
                "(use actions/checkout with fetch-depth: 0)"
            )
    target = tempfile.mkdtemp(prefix="deepfd-ci-base-")
    added = _git(git + ["worktree", "add", "--detach", "--force", target, sha])
    if added.returncode != 0:
        shutil.rmtree(target, ignore_errors=True)
        raise BaseCheckoutError(
            f"git worktree add failed: {added.stderr.strip()[:300]}"
        )
    try:
        yield target
    finally:
        _git(git + ["worktree", "remove", "--force", target])
        shutil.rmtree(target, ignore_errors=True)


def _git(command: list[str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            command, capture_output=True, text=True, timeout=300, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return subprocess.CompletedProcess(command, 1, "", str(exc))

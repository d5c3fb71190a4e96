"""Helpers for the GitHub-side tests: a rule-based stand-in analyzer, `ActionRun` (the real action
entrypoint run against the fake GitHub) and small git/file utilities."""

from __future__ import annotations

import io
import json
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deepfd_ci.github.api import GitHubAPI
from deepfd_ci.github.runner import Action
from deepfd_ci.pipeline import DiagnoseOptions
from deepfd_ci.records import Finding, ScriptReport, Suggestion
from tests.github.fake_github import FakeGitHub

HEAD = "1" * 40
BASE = "b" * 40


class RuleAnalyzer:
    """A deterministic stand-in for `pipeline.diagnose`, reading the scripts like the real one.

    It honours the same contract: paths relative to the cwd, one report per path in order, the
    `ignore` of each script's options moved to `suppressed`. Markers in the scripts decide the result:
    - `learning_rate=10.0` -> a learning_rate fault on that line, with a one-line suggestion;
    - `activation="linear"` -> an activation fault on that line (no suggestion);
    - `# fault: <type> <line>-<end>` -> a fault whose suggestion spans those lines;
    - `# crash: <message>` -> status crashed with that message;
    - `# evidence: <text>` -> extra evidence text on every fault.
    """

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(
        self,
        paths: list[str],
        options: DiagnoseOptions,
        overrides: dict[str, DiagnoseOptions],
    ) -> list[ScriptReport]:
        self.calls.append(
            {
                "paths": list(paths),
                "cwd": str(Path.cwd()),
                "options": options,
                "overrides": overrides,
            }
        )
        return [self._one(path, overrides.get(path, options)) for path in paths]

    def _one(self, path: str, options: DiagnoseOptions) -> ScriptReport:
        source = Path(path).read_text(encoding="utf-8")
        lines = source.splitlines()
        crash = re.search(r"# crash: (.*)", source)
        run = {
            "epochs_requested": options.epochs,
            "epochs_run": 2,
            "seconds": 1.5,
            "seed": 0,
        }
        if crash:
            return ScriptReport(
                path=path,
                status="crashed",
                error=crash[1].replace("\\n", "\n"),
                run=run,
            )
        extra = [
            m.replace("\\n", "\n") for m in re.findall(r"# evidence: (.*)", source)
        ]
        faults = []
        for number, line in enumerate(lines, start=1):
            if "learning_rate=10.0" in line:
                fixed = line.replace("learning_rate=10.0", "learning_rate=1e-3")
                faults.append(
                    _finding(
                        "learning_rate",
                        number,
                        line,
                        ["loss rose from 2.30 to 9482 in epoch 1", *extra],
                        Suggestion(number, fixed),
                    )
                )
            if 'activation="linear"' in line:
                faults.append(
                    _finding(
                        "activation",
                        number,
                        line,
                        ["accuracy stayed at 10% for 2 epochs", *extra],
                        None,
                    )
                )
            spanning = re.search(r"# fault: (\w+) (\d+)-(\d+)", line)
            if spanning:
                start, end = int(spanning[2]), int(spanning[3])
                replacement = "\n".join(lines[start - 1 : end]).replace("relu", "tanh")
                faults.append(
                    _finding(
                        spanning[1],
                        start,
                        lines[start - 1],
                        ["spanning fault", *extra],
                        Suggestion(start, replacement, end_line=end),
                    )
                )
        kept = [f for f in faults if f.type not in options.ignore]
        suppressed = [f for f in faults if f.type in options.ignore]
        return ScriptReport(
            path=path,
            status="ok",
            faults=kept,
            suppressed=suppressed,
            run=run,
            model={"name": "rules", "version": "test"},
        )


def _finding(
    kind: str, line: int, text: str, evidence: list[str], suggestion: Suggestion | None
) -> Finding:
    return Finding(
        type=kind,
        confidence=0.9,
        lines=[line],
        primary_line=line,
        snippet=text.strip(),
        evidence=evidence,
        suggestion=suggestion,
    )


TRAIN = """import numpy as np
from tensorflow import keras

x = np.random.rand(64, 4)
y = np.random.randint(0, 2, 64)
model = keras.Sequential([keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2, activation="softmax")])
opt = keras.optimizers.SGD(learning_rate=0.01)
model.compile(optimizer=opt, loss="sparse_categorical_crossentropy")
model.fit(x, y, epochs=3)
"""


def faulty(script: str = TRAIN) -> str:
    return script.replace("learning_rate=0.01", "learning_rate=10.0")


@dataclass
class ActionRun:
    """Runs the action's entrypoint (`Action.run`) as a workflow would, against the fake GitHub."""

    github: FakeGitHub
    workspace: Path
    analyzer: Any = field(default_factory=RuleAnalyzer)
    token: str = "write-token"
    inputs: dict[str, str] = field(default_factory=dict)
    event_name: str = "pull_request"
    event: dict[str, Any] = field(default_factory=dict)
    stdout: str = ""
    code: int | None = None

    def pull_request_event(self, number: int, head_repo: str | None = None) -> None:
        pull = self.github.pulls[number]
        self.event_name = "pull_request"
        self.event = {
            "action": "synchronize",
            "number": number,
            "pull_request": {
                "number": number,
                "draft": False,
                "state": "open",
                "head": {
                    "sha": pull.head_sha,
                    "repo": {"full_name": head_repo or pull.head_repo},
                },
                "base": {
                    "sha": pull.base_sha,
                    "repo": {"full_name": self.github.repository},
                },
            },
        }

    def workflow_run_event(self, head_sha: str) -> None:
        self.event_name = "workflow_run"
        self.event = {
            "action": "completed",
            "workflow_run": {
                "head_sha": head_sha,
                "event": "pull_request",
                "pull_requests": [],
            },
        }

    def run(self) -> int:
        runner_dir = self.workspace.parent / "runner"
        runner_dir.mkdir(exist_ok=True)
        event_path = runner_dir / "event.json"
        event_path.write_text(json.dumps(self.event), encoding="utf-8")
        self.summary_path = runner_dir / "step_summary.md"
        self.output_path = runner_dir / "output.txt"
        self.summary_path.write_text("", encoding="utf-8")
        self.output_path.write_text("", encoding="utf-8")
        env = {
            "GITHUB_EVENT_NAME": self.event_name,
            "GITHUB_EVENT_PATH": str(event_path),
            "GITHUB_REPOSITORY": self.github.repository,
            "GITHUB_API_URL": self.github.base_url,
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_RUN_ID": "42",
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_STEP_SUMMARY": str(self.summary_path),
            "GITHUB_OUTPUT": str(self.output_path),
            "GITHUB_SHA": "f" * 40,  # a merge commit: must never be used
            "INPUT_GITHUB_TOKEN": self.token,
            "INPUT_INSTALL": "none",
            **{f"INPUT_{k.upper()}": v for k, v in self.inputs.items()},
        }
        out = io.StringIO()

        def api(token: str, repository: str, url: str) -> GitHubAPI:
            return GitHubAPI(
                token,
                repository,
                url,
                write_interval=0,
                sleep=lambda seconds: time.sleep(min(seconds, 1.0)),
            )

        self.code = Action(
            env=env, analyzer=self.analyzer, api_factory=api, stdout=out
        ).run()
        self.stdout = out.getvalue()
        return self.code

    def outputs(self) -> dict[str, str]:
        text = self.output_path.read_text(encoding="utf-8")
        return {
            m[1]: m[3]
            for m in re.finditer(
                r"^(\w+)<<(\S+)\n(.*?)\n\2$", text, re.MULTILINE | re.DOTALL
            )
        }

    def summary(self) -> str:
        return self.summary_path.read_text(encoding="utf-8")


def write_files(root: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def git_repo(root: Path, base: dict[str, str], head: dict[str, str]) -> tuple[str, str]:
    """A real repository with a base commit and a head commit checked out; returns (base, head) SHAs."""
    root.mkdir(parents=True, exist_ok=True)

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(root), *args], check=True, capture_output=True, text=True
        ).stdout.strip()

    git("init", "-q", "-b", "main")
    git("config", "user.email", "t@example.invalid")
    git("config", "user.name", "t")
    write_files(root, base)
    git("add", "-A")
    git("commit", "-q", "-m", "base")
    base_sha = git("rev-parse", "HEAD")
    for path in base:
        if path not in head:
            (root / path).unlink()
    write_files(root, head)
    git("add", "-A")
    git("commit", "-q", "-m", "head")
    return base_sha, git("rev-parse", "HEAD")

"""End-to-end time of the action on a PR touching 4 example scripts: analysis + publishing.

Target (DESIGN.md / issue 5): under 60 s on a 2-core runner, image already pulled. This runs the
real entrypoint (`Action.run`) with the real pipeline (`deepfd_ci.pipeline.diagnose`) against the
validating fake GitHub from tests/github, with production write pacing (1 s between writes).

    python benchmarks/action_e2e.py                      # the 4 default examples, 1 repetition
    python benchmarks/action_e2e.py --repeat 3 examples/healthy_mlp.py ...
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deepfd_ci.github.runner import Action
from tests.github.fake_github import FakeGitHub

DEFAULT_SCRIPTS = [
    "high_learning_rate.py",
    "mse_on_softmax.py",
    "unscaled_inputs.py",
    "healthy_mlp.py",
]
HEAD = "c0ffee" + "0" * 34


def run_once(scripts: list[Path], jobs: int | None) -> dict[str, object]:
    github = FakeGitHub().start()
    workspace = Path(tempfile.mkdtemp(prefix="deepfd-ci-bench-"))
    try:
        head = {f"examples/{s.name}": s.read_text(encoding="utf-8") for s in scripts}
        for path, text in head.items():
            (workspace / path).parent.mkdir(parents=True, exist_ok=True)
            (workspace / path).write_text(text, encoding="utf-8")
        github.add_pull(1, {}, head, head_sha=HEAD)
        event = workspace.parent / f"{workspace.name}-event.json"
        pull = {
            "number": 1,
            "head": {"sha": HEAD, "repo": {"full_name": github.repository}},
            "base": {"sha": "b" * 40, "repo": {"full_name": github.repository}},
        }
        event.write_text(json.dumps({"pull_request": pull}), encoding="utf-8")
        summary = workspace.parent / f"{workspace.name}-summary.md"
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", "/tmp"),
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_REPOSITORY": github.repository,
            "GITHUB_API_URL": github.base_url,
            "GITHUB_RUN_ID": "1",
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_STEP_SUMMARY": str(summary),
            "INPUT_GITHUB_TOKEN": "write-token",
            "INPUT_INSTALL": "none",
            **({"INPUT_JOBS": str(jobs)} if jobs else {}),
        }
        out = io.StringIO()
        started = time.monotonic()
        code = Action(env=env, stdout=out).run()  # real analyzer, real GitHubAPI pacing
        seconds = time.monotonic() - started
        log = out.getvalue()
        if github.violations:
            raise SystemExit(
                f"fake GitHub saw requests outside GitHub's description: {github.violations}"
            )
        if code == 2:
            raise SystemExit(f"the action failed:\n{log}")
        findings = json.loads((workspace / ".deepfd-ci" / "findings.json").read_text())
        return {
            "seconds": round(seconds, 2),
            "exit_code": code,
            "statuses": {r["path"]: r["status"] for r in findings["reports"]},
            "faults": {
                r["path"]: [f["type"] for f in r["faults"]] for r in findings["reports"]
            },
            "analysis_seconds": round(findings["seconds"], 2),
            "inline_comments": len(github.review_comments[1]),
            "github_requests": len(github.requests),
        }
    finally:
        github.stop()
        shutil.rmtree(workspace, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "scripts",
        nargs="*",
        type=Path,
        help=f"training scripts (default: examples/{{{','.join(DEFAULT_SCRIPTS)}}})",
    )
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--jobs", type=int, help="scripts trained at once (default: cores)"
    )
    args = parser.parse_args()
    scripts = args.scripts or [ROOT / "examples" / name for name in DEFAULT_SCRIPTS]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    runs = [run_once(scripts, args.jobs) for _ in range(args.repeat)]
    times = [r["seconds"] for r in runs]
    print(
        json.dumps(
            {
                "cores": os.cpu_count(),
                "scripts": [s.name for s in scripts],
                "runs": runs,
                "median_seconds": statistics.median(times),
                "target_seconds": 60,
                "meets_target": max(times) < 60,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()

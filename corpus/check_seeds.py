"""Check that every seed program trains to its documented result within the probe's epoch budget.

Each seed declares its goal in a header comment, e.g. `# expected after 5 epochs: val_accuracy >= 0.90`.
This runs every seed in its own interpreter with Keras' built-in epoch cap (KERAS_MAX_EPOCHS), reads
the History that `fit` returns, and prints a Markdown table (metric after epoch 1 and after the cap,
whether the goal is met, seconds spent in the script after Keras was imported). Exit code 1 when a
seed misses its goal or crashes, so the corpus cannot silently rot.

    python corpus/check_seeds.py [--seeds corpus/seeds] [--epochs 5] [--jobs 2] [SEED ...]
"""

from __future__ import annotations

import argparse
import json
import operator
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOAL = re.compile(r"^# expected after (\d+) epochs: (\w+) (>=|<=) ([0-9.eE+-]+)", re.MULTILINE)
COMPARE = {">=": operator.ge, "<=": operator.le}
RESULT_MARK = "CHECK_SEEDS_RESULT "


@dataclass
class Goal:
    epochs: int
    metric: str
    op: str
    value: float


@dataclass
class SeedResult:
    name: str
    goal: Goal | None
    first: float | None = None
    final: float | None = None
    epochs_run: int = 0
    seconds: float | None = None
    fit_seconds: float | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        if self.error or self.goal is None or self.final is None:
            return False
        return COMPARE[self.goal.op](self.final, self.goal.value)


def read_goal(path: Path) -> Goal | None:
    match = GOAL.search(path.read_text())
    if not match:
        return None
    return Goal(int(match[1]), match[2], match[3], float(match[4]))


def run_child(path: str) -> None:
    """Inside the child interpreter: run the seed as `__main__` and print what `fit` returned."""
    import runpy

    import keras

    histories: list[dict] = []
    fit_seconds = [0.0]
    original_fit = keras.Model.fit

    def recording_fit(self, *args, **kwargs):
        start = time.perf_counter()
        history = original_fit(self, *args, **kwargs)
        fit_seconds[0] += time.perf_counter() - start
        histories.append({k: [float(v) for v in vals] for k, vals in history.history.items()})
        return history

    keras.Model.fit = recording_fit
    sys.argv = [path]
    start = time.perf_counter()
    runpy.run_path(path, run_name="__main__")
    seconds = time.perf_counter() - start
    print(RESULT_MARK + json.dumps({"histories": histories, "seconds": seconds, "fit_seconds": fit_seconds[0]}))


def check(path: Path, epochs: int) -> SeedResult:
    goal = read_goal(path)
    result = SeedResult(path.stem, goal)
    env = {
        **os.environ,
        "KERAS_MAX_EPOCHS": str(epochs),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "TF_ENABLE_ONEDNN_OPTS": "0",
        "PYTHONWARNINGS": "ignore",
    }
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=path.parent,
        timeout=300,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith(RESULT_MARK)]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        result.error = f"exit {proc.returncode}: {tail}"
        return result
    data = json.loads(lines[-1][len(RESULT_MARK) :])
    result.seconds = data["seconds"]
    result.fit_seconds = data["fit_seconds"]
    if len(data["histories"]) != 1:
        result.error = f"expected one fit call, saw {len(data['histories'])}"
        return result
    history = data["histories"][0]
    if goal is None:
        result.error = "no '# expected after N epochs: metric >= value' header"
        return result
    if goal.metric not in history:
        result.error = f"metric {goal.metric!r} not in history ({', '.join(sorted(history))})"
        return result
    values = history[goal.metric]
    result.epochs_run = len(values)
    result.first, result.final = values[0], values[-1]
    return result


def table(results: list[SeedResult], epochs: int) -> str:
    rows = [
        f"| seed | goal | after epoch 1 | after epoch {epochs} | ok | script s | fit s |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        goal = f"{r.goal.metric} {r.goal.op} {r.goal.value:g}" if r.goal else "-"
        if r.error:
            rows.append(f"| {r.name} | {goal} | - | - | FAIL: {r.error} | - | - |")
            continue
        rows.append(
            f"| {r.name} | {goal} | {r.first:.3f} | {r.final:.3f} | {'yes' if r.ok else 'NO'} "
            f"| {r.seconds:.2f} | {r.fit_seconds:.2f} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("seeds", nargs="*", help="seed files (default: every *.py in --seeds)")
    parser.add_argument("--seeds-dir", default=str(HERE / "seeds"))
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2, help="parallel interpreters (TensorFlow is heavy)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        run_child(args.child)
        return 0
    paths = [Path(p).resolve() for p in args.seeds] or sorted(Path(args.seeds_dir).glob("*.py"))
    if not paths:
        print(f"no seed scripts found in {args.seeds_dir}", file=sys.stderr)
        return 2
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda p: check(p, args.epochs), paths))
    print(table(results, args.epochs))
    failed = [r.name for r in results if not r.ok]
    if failed:
        print(f"\n{len(failed)} seed(s) failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

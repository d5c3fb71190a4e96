"""Check that every benchmark pair is what it claims: the fixed script trains well, the buggy one clearly worse.

Each script runs unmodified in its own process with Keras' own epoch cap (KERAS_MAX_EPOCHS=5, the probe's
budget), so an "epochs too few" bug is judged exactly as the probe will see it. We score the model that the
script's last `fit` call trained, on the data that call was given: accuracy for class labels, R^2 (floored at
0) for regression targets. That score means the same for every script, whatever metrics the script asked for
(a script with the wrong loss often reports a flattering accuracy, e.g. binary accuracy on 10 classes).

    python benchmarks/check_programs.py                  # all pairs, 2 processes, table to stdout
    python benchmarks/check_programs.py --only so_12345_x --jobs 1
    python benchmarks/check_programs.py --markdown benchmarks/programs/README.md   # refresh the table there
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROGRAMS_DIR = Path(__file__).resolve().parent / "programs"
EPOCH_CAP = 5
MIN_FIXED_SCORE = 0.70  # the fixed script must genuinely train
MIN_GAP = 0.10  # and beat the buggy one by this much on the primary score
SAMPLE = 2000  # rows scored per split
TABLE_BEGIN = "<!-- check_programs:begin -->"
TABLE_END = "<!-- check_programs:end -->"


# ---------------------------------------------------------------------------------------------
# Child side: run one script and score what its last fit trained.
# ---------------------------------------------------------------------------------------------


def _collect(data: Any, y: Any = None) -> tuple[Any, Any]:
    """(x, y) as arrays from numpy inputs, an (x, y) tuple, or a batched tf.data / iterable of (x, y)."""
    import numpy as np

    if y is not None:
        return data, y
    if _is_pair(data):
        return data[0], data[1]
    if data is None or isinstance(data, (np.ndarray, dict, list)):
        return data, None
    xs, ys, rows = [], [], 0
    for batch in data:
        xs.append(batch[0])
        ys.append(batch[1])
        rows += len(batch[1])
        if rows >= SAMPLE:
            break
    if not xs:
        return None, None
    return _stack_tree(xs), _stack_tree(ys)


def _is_pair(data: Any) -> bool:
    return isinstance(data, tuple) and len(data) in (2, 3)


def _stack_tree(parts: list[Any]) -> Any:
    import numpy as np

    first = parts[0]
    if isinstance(first, dict):
        return {k: np.concatenate([np.asarray(p[k]) for p in parts]) for k in first}
    if isinstance(first, (list, tuple)):
        return [np.concatenate([np.asarray(p[i]) for p in parts]) for i in range(len(first))]
    return np.concatenate([np.asarray(p) for p in parts])


def _head(data: Any, n: int, tail: bool = False) -> Any:
    import numpy as np

    if isinstance(data, dict):
        return {k: _head(v, n, tail) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_head(v, n, tail) for v in data]
    arr = np.asarray(data)
    return arr[-n:] if tail else arr[:n]


def _rows(data: Any) -> int:
    import numpy as np

    if isinstance(data, dict):
        return _rows(next(iter(data.values())))
    if isinstance(data, (list, tuple)):
        return _rows(data[0])
    return len(np.asarray(data))


def score(model: Any, x: Any, y: Any) -> dict[str, Any] | None:
    """Accuracy for class labels (integer or one-hot), R^2 floored at 0 for anything else."""
    import numpy as np

    if x is None or y is None:
        return None
    x, y = _head(x, SAMPLE), np.asarray(_head(y, SAMPLE), dtype="float64")
    pred = np.asarray(model.predict(x, verbose=0), dtype="float64")
    if not np.all(np.isfinite(pred)):
        return {"task": "nonfinite", "score": 0.0}
    y2 = y.reshape(len(y), -1)
    p2 = pred.reshape(len(pred), -1)
    one_hot = y2.shape[1] > 1 and np.all((y2 == 0) | (y2 == 1)) and np.all(y2.sum(axis=1) == 1)
    integer = y2.shape[1] == 1 and np.all(y2 == np.round(y2)) and len(np.unique(y2)) <= 50
    if one_hot or integer:
        labels = y2.argmax(axis=1) if one_hot else y2[:, 0].astype(int)
        if p2.shape[1] > 1:
            guess = p2.argmax(axis=1)
        elif set(np.unique(labels)) <= {0, 1}:
            guess = (p2[:, 0] > 0.5).astype(int)
        else:
            guess = np.rint(p2[:, 0]).astype(int)
        return {"task": "classification", "score": float(np.mean(guess == labels))}
    if p2.shape != y2.shape:
        return {"task": "regression", "score": 0.0}
    ss_res = float(np.sum((y2 - p2) ** 2))
    ss_tot = float(np.sum((y2 - y2.mean(axis=0)) ** 2)) or 1.0
    return {"task": "regression", "score": max(0.0, 1.0 - ss_res / ss_tot)}


def run_one(script: Path, result_path: Path) -> None:
    """Run `script` as __main__ with `keras.Model.fit` wrapped to remember the last call's data."""
    import runpy

    import keras

    keras.utils.set_random_seed(0)
    seen: dict[str, Any] = {}
    original_fit = keras.Model.fit

    @functools.wraps(original_fit)  # scripts that inspect fit's signature see the real one
    def fit(self: Any, x: Any = None, y: Any = None, *args: Any, **kwargs: Any) -> Any:
        history = original_fit(self, x, y, *args, **kwargs)
        seen.update(model=self, x=x, y=y, kwargs=kwargs, epochs=len(history.epoch))
        return history

    keras.Model.fit = fit
    start = time.perf_counter()
    out: dict[str, Any] = {"status": "ok"}
    sys.argv = [str(script)]
    try:
        runpy.run_path(str(script), run_name="__main__")
    except SystemExit:
        pass
    except Exception as exc:  # the script's own failure is a result, not ours
        out = {"status": "crashed", "error": f"{type(exc).__name__}: {exc}"}
    out["seconds"] = round(time.perf_counter() - start, 2)
    if "model" in seen and out["status"] == "ok":
        out.update(_scores(seen))
    elif out["status"] == "ok":
        out["status"] = "no_training"
    result_path.write_text(json.dumps(out))


def _scores(seen: dict[str, Any]) -> dict[str, Any]:
    model, kwargs = seen["model"], seen["kwargs"]
    x, y = _collect(seen["x"], seen["y"])
    val_x, val_y = None, None
    if kwargs.get("validation_data") is not None:
        val_x, val_y = _collect(kwargs["validation_data"])
    elif kwargs.get("validation_split") and x is not None:
        n_val = int(_rows(x) * kwargs["validation_split"])
        val_x, val_y = _head(x, n_val, tail=True), _head(y, n_val, tail=True)
        x, y = _head(x, _rows(x) - n_val), _head(y, _rows(y) - n_val)
    train, val = score(model, x, y), score(model, val_x, val_y)
    return {
        "epochs_run": seen["epochs"],
        "task": (train or {}).get("task"),
        "train": None if train is None else round(train["score"], 3),
        "val": None if val is None else round(val["score"], 3),
    }


# ---------------------------------------------------------------------------------------------
# Parent side: run every pair, at most `jobs` TensorFlow processes at a time.
# ---------------------------------------------------------------------------------------------


@dataclass
class PairResult:
    name: str
    buggy: dict[str, Any]
    fixed: dict[str, Any]

    @staticmethod
    def primary(run: dict[str, Any]) -> float | None:
        value = run.get("val") if run.get("val") is not None else run.get("train")
        return value

    @property
    def verdict(self) -> str:
        if self.buggy.get("status") != "ok" or self.fixed.get("status") != "ok":
            return "FAIL (status)"
        fixed, buggy = self.primary(self.fixed), self.primary(self.buggy)
        if fixed is None or buggy is None:
            return "FAIL (unscored)"
        if fixed < MIN_FIXED_SCORE:
            return "FAIL (fixed weak)"
        if fixed - buggy < MIN_GAP:
            return "FAIL (gap)"
        return "ok"


def run_script(script: Path, timeout: float) -> dict[str, Any]:
    env = dict(
        os.environ,
        KERAS_MAX_EPOCHS=str(EPOCH_CAP),
        TF_CPP_MIN_LOG_LEVEL="2",
        TF_ENABLE_ONEDNN_OPTS="0",
        PYTHONHASHSEED="0",
    )
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.json"
        start = time.perf_counter()
        try:
            proc = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--run-one", str(script), "--result", str(result)],
                cwd=script.parent,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return {"status": "timeout", "wall": round(time.perf_counter() - start, 1)}
        wall = round(time.perf_counter() - start, 1)
        if not result.exists():
            tail = (proc.stderr or "").strip().splitlines()[-1:] or ["no output"]
            return {"status": "crashed", "error": tail[0], "wall": wall}
        data = json.loads(result.read_text())
        data["wall"] = wall
        return data


def _fmt(value: Any) -> str:
    return "-" if value is None else f"{value:.2f}" if isinstance(value, float) else str(value)


def table(results: list[PairResult]) -> str:
    lines = [
        "| program | task | buggy train | buggy val | fixed train | fixed val | buggy s | fixed s | verdict |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        b, f = r.buggy, r.fixed
        lines.append(
            f"| {r.name} | {f.get('task') or b.get('task') or '-'} | {_fmt(b.get('train'))} | {_fmt(b.get('val'))} "
            f"| {_fmt(f.get('train'))} | {_fmt(f.get('val'))} | {_fmt(b.get('wall'))} | {_fmt(f.get('wall'))} "
            f"| {r.verdict}{' ' + b.get('error', f.get('error', '')) if 'status' in r.verdict else ''} |"
        )
    passed = sum(r.verdict == "ok" for r in results)
    lines.append("")
    lines.append(
        f"{passed}/{len(results)} pairs pass (fixed >= {MIN_FIXED_SCORE} and fixed - buggy >= {MIN_GAP} "
        f"on the primary score: validation when the script validates, else training; {EPOCH_CAP} epochs max)."
    )
    return "\n".join(lines)


def write_markdown(path: Path, text: str) -> None:
    """Replace the marked table in `path` (append the markers if the file has none)."""
    block = f"{TABLE_BEGIN}\n{text}\n{TABLE_END}"
    current = path.read_text() if path.exists() else ""
    if TABLE_BEGIN in current and TABLE_END in current:
        head, rest = current.split(TABLE_BEGIN, 1)
        current = head + block + rest.split(TABLE_END, 1)[1]
    else:
        current = current.rstrip("\n") + ("\n\n" if current else "") + block + "\n"
    path.write_text(current)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=Path, default=PROGRAMS_DIR)
    parser.add_argument("--only", nargs="*", default=None, help="program folder names")
    parser.add_argument("--jobs", type=int, default=2, help="TensorFlow processes at once (2 cores: at most 2)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per script")
    parser.add_argument("--markdown", type=Path, default=None, help="write the table between markers in this file")
    parser.add_argument("--run-one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run_one:
        run_one(args.run_one.resolve(), args.result)
        return 0
    folders = sorted(p for p in args.programs.iterdir() if (p / "buggy.py").exists())
    if args.only:
        folders = [p for p in folders if p.name in set(args.only)]
    scripts = [folder / f"{kind}.py" for folder in folders for kind in ("buggy", "fixed")]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        runs = dict(zip(scripts, pool.map(lambda s: run_script(s, args.timeout), scripts), strict=True))
    results = [PairResult(f.name, runs[f / "buggy.py"], runs[f / "fixed.py"]) for f in folders]
    text = table(results)
    print(text)
    if args.markdown:
        write_markdown(args.markdown, text)
    return 0 if all(r.verdict == "ok" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

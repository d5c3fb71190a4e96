"""End-to-end `deepfd-ci diagnose` wall time per example script, TensorFlow import included.

Usage: python benchmarks/diagnose_speed.py [--repeats 3] [SCRIPT...]   (default: examples/*.py)

For each script, in the same run and alternating, it times:
  plain    `python SCRIPT` as its author runs it (all requested epochs, evaluation, saving)
  capped   `python SCRIPT` with KERAS_MAX_EPOCHS=5 (the same training the probe does, unmonitored)
  diagnose `deepfd-ci diagnose SCRIPT --jobs 1` (probe + features + diagnosis + localization)
  import   `python -c "import tensorflow"`: the floor every run above pays before its script starts
and prints medians, the ratios diagnose/capped and diagnose/plain, and the peak resident memory
of any process involved. Target: median diagnose <= 8 s for examples/healthy_mlp.py on 2 cores
(set where importing TensorFlow takes ~2 s; the import column shows what it takes on this machine).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUIET = {"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0"}


def timed(cmd: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("scripts", nargs="*")
    args = parser.parse_args()
    scripts = [Path(s).resolve() for s in args.scripts] or sorted((ROOT / "examples").glob("*.py"))
    base_env = {**os.environ, **QUIET}
    workdir = Path(tempfile.mkdtemp(prefix="deepfd-bench-"))
    print(f"{'script':28} {'plain s':>8} {'capped s':>9} {'diagnose s':>11} {'/capped':>8} {'/plain':>7}"
          f" {'import s':>9}   (median of {args.repeats})")
    for script in scripts:
        plain, capped, diag, imports = [], [], [], []
        for _ in range(args.repeats):
            imports.append(timed([sys.executable, "-c", "import tensorflow"], base_env, workdir))
            plain.append(timed([sys.executable, str(script)], base_env, workdir))
            capped.append(timed([sys.executable, str(script)], {**base_env, "KERAS_MAX_EPOCHS": "5"}, workdir))
            diag.append(timed([sys.executable, "-m", "deepfd_ci.cli", "diagnose", str(script), "--jobs", "1",
                               "--log-dir", str(workdir)], base_env, workdir))
        p, c, d, i = (statistics.median(v) for v in (plain, capped, diag, imports))
        print(f"{script.name:28} {p:8.2f} {c:9.2f} {d:11.2f} {d / c:8.2f} {d / p:7.2f} {i:9.2f}")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak resident memory of any process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()

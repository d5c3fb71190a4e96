"""Instrumented vs plain `fit` for the same epochs, in one process, as a ratio (target <= 1.15).

Usage: python benchmarks/probe_overhead.py [--repeats 5] [--epochs 5]
Workloads: the `fit` calls of `examples/healthy_mlp.py` and `examples/healthy_cnn.py` (the target),
replayed as the scripts make them (their data, compile settings and fit arguments; epochs capped
as the probe caps them), and a 300k-parameter MLP on the digits ("wide"), the size where the
per-step gradient statistics cost most. Every timed fit trains a fresh clone of the script's
model and times only `fit` (tracing included), alternating plain/instrumented (and which goes
first) so machine noise hits both alike. Prints medians of wall time and of process CPU time
(steadier on a shared machine: other processes do not inflate it), their ratios, and the median of
the paired CPU ratios (each repeat's two fits ran back to back, so drifts of the machine's speed
over minutes cancel) with their quartiles, so a reader sees how far one run's noise reaches.
"""

from __future__ import annotations

import argparse
import gc
import inspect
import os
import runpy
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deepfd_ci.probe.sandbox import QUIET_TF_ENV  # imports neither numpy nor TensorFlow

# The probe child's thread settings, set before numpy and TensorFlow load: without OMP_NUM_THREADS=1
# OpenBLAS starts worker threads that spin after each numpy reduction the monitor makes, which the
# probe child never does (measured: ~0.5 s of extra CPU per 5-epoch CNN fit).
os.environ.update(QUIET_TF_ENV)

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402

from deepfd_ci.probe.instrument import ProbeSession, ProbeStop  # noqa: E402


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@dataclass
class Workload:
    name: str
    model: keras.Model  # the template: every timed fit trains a fresh clone of it
    fit_arguments: dict[str, Any]


class _Captured(BaseException):
    pass


def example_workload(name: str, script: Path) -> Workload:
    """Run the example up to its first `fit` and keep the model and the arguments of that call."""
    captured: dict[str, Any] = {}
    original_fit = keras.Model.fit
    signature = inspect.signature(original_fit)

    def capture(model: keras.Model, *args: Any, **kwargs: Any) -> None:
        bound = signature.bind(model, *args, **kwargs)
        bound.apply_defaults()
        captured.update(bound.arguments)
        raise _Captured

    keras.Model.fit = capture
    cwd, argv = os.getcwd(), sys.argv
    try:
        os.chdir(script.parent)  # as the probe runs it: in its folder, with no arguments of ours
        sys.argv = [str(script)]
        runpy.run_path(str(script), run_name="__main__")
    except _Captured:
        pass
    finally:
        keras.Model.fit = original_fit
        os.chdir(cwd)
        sys.argv = argv
    if not captured:
        raise SystemExit(f"{script} never called fit()")
    model = captured.pop("self")
    return Workload(name, model, captured)


def wide_workload() -> Workload:
    """Not an example script: 300k parameters, where a step's cost is its passes over the gradients."""
    digits = load_digits()
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(512, activation="relu"),
                              keras.layers.Dense(512, activation="relu"), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x = (digits.data / 16.0).astype("float32")
    return Workload("wide", model, {"x": x, "y": digits.target, "batch_size": 32, "validation_split": 0.1})


def timed_fit(workload: Workload, epochs: int, instrumented: bool) -> tuple[float, float]:
    model = keras.models.clone_model(workload.model)  # fresh weights, same architecture
    model.compile_from_config(workload.model.get_compile_config())  # a fresh optimizer too
    arguments = {**workload.fit_arguments, "epochs": epochs, "verbose": 0}
    session = None
    # Both sides start from a seeded state, as the probe child does before the script runs: seeding
    # clears TensorFlow's kernel cache (~26 ms of re-instantiation in the next fit), which a fresh
    # process pays anyway, so it is charged to neither side.
    keras.utils.set_random_seed(0)
    if instrumented:
        session = ProbeSession(path="bench", epochs=epochs, seed=0, deadline=time.monotonic() + 3600,
                               started=time.monotonic(), phase=lambda _: None, checkpoint=lambda _: None)
        session.install()
    # A full collection walks TensorFlow's ~350k objects (~0.2 s). The probe child runs one fit after
    # its imports and never reaches one (0 during the examples' probes); fits repeated in this process
    # do, inside one side's fit at random. Starting every fit from a clean heap spares both sides.
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    try:
        model.fit(**arguments)
    except ProbeStop:
        pass
    finally:
        elapsed = time.perf_counter() - start, time.process_time() - cpu
        if session is not None:
            session.uninstall()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    workloads = [example_workload("MLP", EXAMPLES / "healthy_mlp.py"),
                 example_workload("CNN", EXAMPLES / "healthy_cnn.py"), wide_workload()]
    print(f"{args.repeats} alternating repeats, {args.epochs} epochs, medians")
    print(f"{'model':6} {'plain s':>8} {'probed s':>9} {'ratio':>6} {'plain cpu':>10} {'probed cpu':>11} "
          f"{'cpu ratio':>10} {'paired':>7} {'paired q1-q3':>13}")
    for workload in workloads:
        timed_fit(workload, 1, False)  # warm up TF kernels once per architecture
        plain, probed = [], []
        for repeat in range(args.repeats):
            for instrumented in (False, True) if repeat % 2 == 0 else (True, False):
                (probed if instrumented else plain).append(timed_fit(workload, args.epochs, instrumented))
        p, q = statistics.median(t for t, _ in plain), statistics.median(t for t, _ in probed)
        pc, qc = statistics.median(c for _, c in plain), statistics.median(c for _, c in probed)
        ratios = [b / a for (_, a), (_, b) in zip(plain, probed)]
        q1, paired, q3 = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
        print(f"{workload.name:6} {p:8.2f} {q:9.2f} {q / p:6.2f} {pc:10.2f} {qc:11.2f} {qc / pc:10.2f} {paired:7.2f} "
              f"{f'{q1:.2f}-{q3:.2f}':>13}")


if __name__ == "__main__":
    main()

"""Diagnosis time after the probe: loading the bundled model, then features + model + rules per run.

Usage: python benchmarks/prediction_speed.py [--runs 200] [--busy 2]

Replays recorded probe runs from the committed dataset (no training), so it measures only what
`diagnose` adds once the probe has finished. Prints the model load time and the median / p95 /
max seconds of `diagnose_run` (feature vector, calibrated model, explicit checks, evidence) per
run. Target (issue 3): prediction under 0.5 s. `--busy K` keeps K other processes spinning meanwhile,
as a second probe or a shared CI runner does.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import time
from pathlib import Path

from deepfd_ci.corpus.store import load_store
from deepfd_ci.diagnosis import diagnose_run
from deepfd_ci.diagnosis.model import bundled_path, load
from deepfd_ci.records import run_record_from_plain

RECORDS = Path(__file__).resolve().parents[1] / "deepfd_ci" / "artifacts" / "dataset" / "records.jsonl.gz"


def _spin() -> None:
    while True:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="recorded runs to replay")
    parser.add_argument("--busy", type=int, default=0, help="processes kept spinning while timing")
    args = parser.parse_args()

    started = time.perf_counter()
    model = load(bundled_path())
    load_seconds = time.perf_counter() - started

    records = []
    for entry in load_store(RECORDS).values():
        record = run_record_from_plain(entry["record"]).truncated(5)
        if record.status == "ok":
            records.append(record)
        if len(records) >= args.runs:
            break

    spinners = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(args.busy)]
    for spinner in spinners:
        spinner.start()
    times, faults = [], 0
    try:
        for record in records:
            started = time.perf_counter()
            faults += len(diagnose_run(record, model).faults)
            times.append(time.perf_counter() - started)
    finally:
        for spinner in spinners:
            spinner.terminate()
    times.sort()
    print(f"model load (cold, once per process): {load_seconds:.3f} s")
    print(f"diagnose_run over {len(times)} recorded runs ({faults} faults reported, {args.busy} busy processes): "
          f"median {statistics.median(times) * 1000:.1f} ms, p95 {times[int(0.95 * (len(times) - 1))] * 1000:.1f} ms, "
          f"max {times[-1] * 1000:.1f} ms (target < 0.5 s)")
    print(f"load + slowest run: {load_seconds + times[-1]:.3f} s (in `diagnose` the load overlaps the probe)")


if __name__ == "__main__":
    main()

"""How often a suggested fix is verified: `diagnose --verify-fixes` on killed single-fault mutants.

Usage: python benchmarks/verify_fixes.py [--per-type 8] [--jobs 2]

Takes up to --per-type killed mutants with exactly one fault of each of DeepFD's five types from the
committed dataset, runs the whole pipeline with --verify-fixes (the fix is applied to a copy, the copy
is probed again), and prints, per type, how many correctly diagnosed faults got a suggestion and how
many of those were verified (fault cleared and metric improved). Target: >= 80% verified.
"""

from __future__ import annotations

import argparse
import collections
from pathlib import Path

from deepfd_ci.corpus.dataset import read_dataset
from deepfd_ci.pipeline import DiagnoseOptions, diagnose
from deepfd_ci.records import DEEPFD_FAULT_TYPES

ARTIFACTS = Path(__file__).resolve().parents[1] / "deepfd_ci" / "artifacts"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-type", type=int, default=8)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    data = read_dataset(ARTIFACTS / "dataset" / "runs.csv.gz")
    picked: dict[str, list[str]] = collections.defaultdict(list)
    seen: set[str] = set()
    for row in data.rows:
        if row.killed and len(row.labels) == 1 and row.program_id not in seen:
            seen.add(row.program_id)
            label = row.labels[0]
            if label in DEEPFD_FAULT_TYPES and len(picked[label]) < args.per_type:
                picked[label].append(row.program_id)
    paths = [str(ARTIFACTS / "mutants" / f"{pid}.py") for ids in picked.values() for pid in ids]
    truth = {str(ARTIFACTS / "mutants" / f"{pid}.py"): label for label, ids in picked.items() for pid in ids}
    reports = diagnose(paths, DiagnoseOptions(jobs=args.jobs, verify_fixes=True))
    counts = {t: collections.Counter() for t in DEEPFD_FAULT_TYPES}
    for report in reports:
        label = truth[report.path]
        counts[label]["mutants"] += 1
        finding = next((f for f in report.faults if f.type == label), None)
        if finding is None:
            continue
        counts[label]["diagnosed"] += 1
        if finding.suggestion is not None:
            counts[label]["suggested"] += 1
            counts[label]["verified"] += int(finding.suggestion.verified)
    print(f"{'type':15} {'mutants':>8} {'diagnosed':>10} {'suggested':>10} {'verified':>9} {'rate':>6}")
    total = collections.Counter()
    for label, c in counts.items():
        total.update(c)
        rate = c["verified"] / c["suggested"] if c["suggested"] else 0.0
        print(f"{label:15} {c['mutants']:8} {c['diagnosed']:10} {c['suggested']:10} {c['verified']:9} {rate:6.0%}")
    rate = total["verified"] / total["suggested"] if total["suggested"] else 0.0
    print(f"{'all':15} {total['mutants']:8} {total['diagnosed']:10} {total['suggested']:10} {total['verified']:9} {rate:6.0%}")


if __name__ == "__main__":
    main()

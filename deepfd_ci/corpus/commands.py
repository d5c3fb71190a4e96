"""`deepfd-ci corpus build`, `mutate` and `audit`: regenerate the diagnosis model's training data, and
check its labels against the runs."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from deepfd_ci.corpus.audit import audit_labels
from deepfd_ci.corpus.build import BuildOptions, build
from deepfd_ci.corpus.dataset import read_dataset
from deepfd_ci.corpus.mutation import MutationError, generate_mutants, write_mutants

_DEFAULTS = BuildOptions()


def _at_least(minimum: int):
    def parse(text: str) -> int:
        value = int(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    corpus = subparsers.add_parser("corpus", help="build the diagnosis model's training data from seed programs")
    commands = corpus.add_subparsers(dest="corpus_command", required=True, metavar="SUBCOMMAND")

    b = commands.add_parser(
        "build",
        help="mutate the seeds, probe every program K times, label by the kill test, write the dataset",
        description="Resumable: finished runs are kept in --store and reused. Mutants whose runs crash are "
        "dropped; mutants the kill test does not kill are labelled healthy.",
    )
    _common(b)
    b.add_argument("--out", type=Path, default=_DEFAULTS.out, help=f"dataset file (default {_DEFAULTS.out})")
    b.add_argument(
        "--store",
        type=Path,
        default=_DEFAULTS.store,
        help=f"JSON Lines store of finished runs, for resuming (default {_DEFAULTS.store})",
    )
    b.add_argument(
        "--runs",
        type=_at_least(2),
        default=_DEFAULTS.runs,
        metavar="K",
        help=f"probe runs (seeds 0..K-1) per program (default {_DEFAULTS.runs})",
    )
    b.add_argument(
        "--confirm-runs",
        type=_at_least(0),
        default=_DEFAULTS.confirm_runs,
        metavar="C",
        help="extra runs (seeds K..K+C-1) of each mutant the first K runs did not kill, and of its original; "
        f"the kill test is repeated on all K+C (default {_DEFAULTS.confirm_runs}; 0: one-stage test)",
    )
    b.add_argument(
        "--attribute",
        action="store_true",
        help="run each fault of a killed multi-fault mutant alone and keep only the labels of those the "
        "kill test kills alone (default: a killed mutant keeps every label)",
    )
    b.add_argument(
        "--jobs",
        "-j",
        type=_at_least(1),
        default=_DEFAULTS.jobs,
        help=f"probe runs at once (default {_DEFAULTS.jobs}; each is a TensorFlow process)",
    )
    b.add_argument(
        "--epochs",
        type=_at_least(1),
        default=_DEFAULTS.epochs,
        help=f"epochs the dataset's labels and features use (default {_DEFAULTS.epochs}, the diagnosis budget)",
    )
    b.add_argument(
        "--time-budget",
        type=_positive_float,
        default=_DEFAULTS.time_budget,
        metavar="S",
        help=f"seconds per run (default {_DEFAULTS.time_budget:g}, the diagnosis budget)",
    )
    b.add_argument(
        "--record-epochs",
        type=_at_least(1),
        help="epochs each run is recorded for, so shorter budgets can be studied by truncation "
        "(default and minimum: --epochs; the runs in the store are reused only under the same value)",
    )
    b.add_argument("--no-progress", action="store_true", help="no progress bar")
    b.set_defaults(handler=_run_build)

    m = commands.add_parser("mutate", help="only write the mutants and their manifest (no training)")
    _common(m)
    m.set_defaults(handler=_run_mutate)

    a = commands.add_parser(
        "audit",
        help="count the runs whose own outcome contradicts their kill-test label",
        description="Broken runs labelled healthy (of mutants the kill test did not kill) and fault-labelled "
        "runs that trained as well as the original: no classifier of single runs gets these right. Counts the first K "
        "runs of each program, the ones `model train` scores.",
    )
    a.add_argument("--dataset", type=Path, default=_DEFAULTS.out, help=f"dataset file (default {_DEFAULTS.out})")
    a.add_argument("--format", choices=("text", "json"), default="text")
    a.set_defaults(handler=_run_audit)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--seeds",
        type=Path,
        default=_DEFAULTS.seeds_dir,
        metavar="DIR",
        help=f"seed training scripts (default {_DEFAULTS.seeds_dir})",
    )
    p.add_argument(
        "--mutants-dir",
        type=Path,
        default=_DEFAULTS.mutants_dir,
        metavar="DIR",
        help=f"where mutants and manifest.json go (default {_DEFAULTS.mutants_dir})",
    )
    p.add_argument(
        "--mutants-per-seed",
        type=_at_least(0),
        default=_DEFAULTS.mutants_per_seed,
        metavar="N",
        help=f"mutants generated per seed (default {_DEFAULTS.mutants_per_seed})",
    )
    p.add_argument("--random-seed", type=int, default=_DEFAULTS.random_seed, help="seed of the mutant generator")
    p.add_argument("--limit", type=_at_least(1), metavar="N", help="only the first N seeds (by name)")
    p.add_argument("--only", action="append", default=[], metavar="SEED_ID", help="only this seed (repeatable)")


def _run_build(args: argparse.Namespace) -> int:
    options = BuildOptions(
        seeds_dir=args.seeds,
        out=args.out,
        mutants_dir=args.mutants_dir,
        store=args.store,
        runs=args.runs,
        confirm_runs=args.confirm_runs,
        attribute=args.attribute,
        mutants_per_seed=args.mutants_per_seed,
        jobs=args.jobs,
        limit=args.limit,
        only=args.only,
        random_seed=args.random_seed,
        epochs=args.epochs,
        record_epochs=max(args.record_epochs or 0, args.epochs),
        time_budget=args.time_budget,
        show_progress=not args.no_progress,
    )
    try:
        summary = build(options)
    except ValueError as exc:
        print(f"deepfd-ci corpus build: {exc}", file=sys.stderr)
        return 2
    print("\n".join(summary.lines()))
    print(f"wrote {options.out} and {options.mutants_dir}/")
    return 0


def _run_mutate(args: argparse.Namespace) -> int:
    seeds = sorted(args.seeds.glob("*.py"))
    if args.only:
        seeds = [p for p in seeds if p.stem in set(args.only)]
    if args.limit is not None:
        seeds = seeds[: args.limit]
    if not seeds:
        print(f"deepfd-ci corpus mutate: no seed scripts (*.py) in {args.seeds}", file=sys.stderr)
        return 2
    mutants = []
    for path in seeds:
        try:
            mutants += generate_mutants(path, args.random_seed, args.mutants_per_seed)
        except MutationError as exc:
            print(f"deepfd-ci corpus mutate: skipped {path}: {exc}", file=sys.stderr)
    manifest = write_mutants(mutants, args.mutants_dir)
    print(f"wrote {len(mutants)} mutants of {len(seeds)} seeds and {manifest}")
    return 0


def _run_audit(args: argparse.Namespace) -> int:
    try:
        data = read_dataset(args.dataset)
        rows = data.split_confirmation()[0].rows  # the runs `model train` scores
    except OSError as exc:
        print(f"deepfd-ci corpus audit: cannot read the dataset {args.dataset}: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # names the file
        print(f"deepfd-ci corpus audit: {exc}", file=sys.stderr)
        return 2
    audit = audit_labels(rows)
    print(json.dumps(audit.to_dict(), indent=2) if args.format == "json" else "\n".join(audit.lines()))
    return 0

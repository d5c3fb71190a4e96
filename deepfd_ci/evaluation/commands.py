"""`deepfd-ci evaluate DIR`: diagnose every buggy and fixed benchmark script and score the result."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from deepfd_ci.diagnosis.model import ModelError
from deepfd_ci.evaluation.benchmark import BenchmarkError, load_benchmark
from deepfd_ci.evaluation.render import RENDERERS
from deepfd_ci.evaluation.runner import load_reports, run_benchmark, save_reports
from deepfd_ci.evaluation.scoring import evaluate_reports
from deepfd_ci.pipeline import DiagnoseOptions, load_model


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "evaluate",
        help="score diagnose on a benchmark of buggy/fixed program pairs",
        description="Runs `diagnose` on buggy.py and fixed.py of every pair under DIR (each folder also holds "
        "meta.yaml with the ground truth) and reports DeepFD's lenient metrics, strict ones, per-type "
        "precision/recall, false alarms on the fixed programs and time per script, next to DeepFD's published "
        "numbers. Exit code: 0 done, 2 unusable benchmark or arguments.",
    )
    p.add_argument("directory", metavar="DIR", help="benchmark folder, e.g. benchmarks/programs")
    p.add_argument("--jobs", "-j", type=_positive_int, default=2, help="scripts probed at once (default 2)")
    p.add_argument("--format", choices=tuple(RENDERERS), default="text")
    p.add_argument("--output", "-o", metavar="PATH", help="write the report here instead of stdout")
    p.add_argument("--only", nargs="+", metavar="NAME", help="evaluate only these program folders")
    p.add_argument("--rules-only", action="store_true", help="use the explicit symptom rules, not the learned model")
    p.add_argument("--model", metavar="FILE", help="diagnose with this model file instead of the bundled one")
    p.add_argument("--save-reports", metavar="FILE", help="also keep the raw diagnose reports (JSON) here")
    p.add_argument(
        "--reports", metavar="FILE", help="score reports saved by --save-reports instead of running diagnose again"
    )
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    try:
        programs = load_benchmark(args.directory, args.only)
        if args.reports:
            reports = load_reports(args.reports)
        else:
            options = DiagnoseOptions(jobs=args.jobs, use_model=not args.rules_only, model_path=args.model)
            load_model(options)  # fail fast, before any training, on an unusable model file
            reports = run_benchmark(programs, options, show_progress=sys.stderr.isatty())
            if args.save_reports:
                save_reports(reports, args.save_reports)
        evaluation = evaluate_reports(programs, reports)
    except (BenchmarkError, ModelError) as exc:
        print(f"deepfd-ci evaluate: {exc}", file=sys.stderr)
        return 2
    text = RENDERERS[args.format](evaluation)
    if not args.output:
        print(text.rstrip("\n"))
        return 0
    try:
        Path(args.output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    except OSError as exc:
        print(f"deepfd-ci evaluate: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
        return 2
    return 0

"""`deepfd-ci` command line: `diagnose` here; other commands register themselves from their stage."""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import os
import shlex
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from deepfd_ci import __version__
from deepfd_ci.config import DEFAULT_CONFIG_PATH, ConfigError, load_config
from deepfd_ci.diagnosis.model import ModelError
from deepfd_ci.pipeline import DiagnoseOptions, diagnose, load_model
from deepfd_ci.report import render_text


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def _add_diagnose(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "diagnose",
        help="run training scripts briefly under instrumentation and diagnose training faults",
        description="Runs each script unmodified in a sandboxed subprocess for a few epochs, "
        "diagnoses training faults and points at the lines that cause them. Exit code: 0 no "
        "fault, 1 at least one fault, 2 usage or configuration error, 3 a bug in deepfd-ci.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="training scripts (.py)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--output", "-o", metavar="FILE", help="write the report here instead of stdout")
    p.add_argument("--epochs", type=_positive_int, help="cap on epochs per run (default 5)")
    p.add_argument("--time-budget", type=_positive_float, metavar="S",
                   help="wall-clock seconds per script before it is stopped (default 120)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--jobs", "-j", type=_positive_int, help="scripts probed at once (default: cores)")
    p.add_argument("--script-args", default="", metavar="ARGS",
                   help="arguments passed to every script, as one shell-quoted string")
    p.add_argument("--python", metavar="INTERPRETER", help="run scripts with this Python (needs TensorFlow)")
    p.add_argument("--config", metavar="FILE",
                   help=f"deepfd-ci config (default: {DEFAULT_CONFIG_PATH} in the current folder, if present)")
    p.add_argument("--verify-fixes", action="store_true",
                   help="apply each suggested fix to a copy, probe it again and mark the fix verified "
                        "when the fault clears and the metric improves (one more run per fault)")
    p.add_argument("--rules-only", action="store_true", help="use the explicit symptom rules, not the learned model")
    p.add_argument("--model", metavar="FILE", help="a model file from `deepfd-ci model train` (default: the bundled one)")
    p.add_argument("--log-dir", metavar="DIR", help="keep the scripts' captured output here")
    p.set_defaults(handler=_run_diagnose)


def _run_diagnose(args: argparse.Namespace) -> int:
    missing_ok = args.config is None
    try:
        config = load_config(args.config or DEFAULT_CONFIG_PATH, missing_ok=missing_ok)
    except ConfigError as exc:
        print(f"deepfd-ci: {exc}", file=sys.stderr)
        return 2
    base = config.with_defaults(DiagnoseOptions())
    changes = {
        "seed": args.seed,
        "jobs": args.jobs,
        "python": args.python,
        "log_dir": args.log_dir,
        "use_model": not args.rules_only,
        "verify_fixes": args.verify_fixes,
        "model_path": args.model,
    }
    if args.epochs is not None:
        changes["epochs"] = args.epochs
    if args.time_budget is not None:
        changes["time_budget"] = args.time_budget
    try:
        changes["script_args"] = shlex.split(args.script_args)
    except ValueError as exc:
        print(f"deepfd-ci: --script-args: {exc}", file=sys.stderr)
        return 2
    base = dataclasses.replace(base, **changes)
    overrides = {}
    for path in args.paths:
        rel = os.path.relpath(path).replace(os.sep, "/")
        per = config.options_for(rel, base)
        overrides[path] = dataclasses.replace(per, ignore=sorted(config.ignored_types(rel)))
    try:
        if base.model_path:  # a model file of the user's: refuse it before any training
            load_model(base)
        reports = diagnose(args.paths, base, overrides)  # the bundled model loads during the probes
    except ModelError as exc:
        print(f"deepfd-ci: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        data = [r.to_json() for r in reports]
        text = json.dumps(data[0] if len(data) == 1 else data, indent=2, allow_nan=False)
    else:
        text = render_text(reports)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 1 if any(r.faults for r in reports) else 0


# The other commands, each registered by its stage's module. Only the module of the command being
# run is imported: `diagnose` then starts its probes without first importing the corpus and
# training code (scipy, libcst, scikit-learn: seconds on a busy 2-core runner).
COMMAND_MODULES = {
    "action": "deepfd_ci.github.commands",
    "corpus": "deepfd_ci.corpus.commands",
    "model": "deepfd_ci.diagnosis.commands",
    "evaluate": "deepfd_ci.evaluation.commands",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser for `command` alone, or for every command (None: help, a typo, no command)."""
    parser = argparse.ArgumentParser(prog="deepfd-ci", description="Catch deep-learning training faults in code review.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    if command in (None, "diagnose"):
        _add_diagnose(subparsers)
    for name, module in COMMAND_MODULES.items():
        if command in (None, name):
            importlib.import_module(module).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in ("diagnose", *COMMAND_MODULES) else None
    parser = build_parser(command)
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        print("deepfd-ci: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a defect of deepfd-ci: one line that says where, not a traceback
        print(f"deepfd-ci: internal error: {internal_error(exc)}. This is a bug in deepfd-ci; "
              f"set {TRACEBACK_VARIABLE}=1 to see the traceback.", file=sys.stderr)
        if os.environ.get(TRACEBACK_VARIABLE):
            traceback.print_exc()
        return INTERNAL_ERROR


TRACEBACK_VARIABLE = "DEEPFD_CI_TRACEBACK"
INTERNAL_ERROR = 3  # the exit code of a bug; the others: 0 no fault, 1 faults, 2 usage or configuration error


def internal_error(exc: BaseException) -> str:
    """The exception, the deepfd-ci line it passed last and, when it differs, the line that raised it."""
    frames = traceback.extract_tb(exc.__traceback__)
    package = str(Path(__file__).parent)
    ours = [f for f in frames if f.filename.startswith(package)]
    where = [f"{Path(f.filename).name}:{f.lineno}" for f in ours[-1:] + frames[-1:]]
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return f"{text} (at {' via '.join(dict.fromkeys(reversed(where)))})" if where else text


if __name__ == "__main__":
    sys.exit(main())

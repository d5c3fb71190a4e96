"""Run `diagnose` on every buggy and fixed script of the benchmark, and store/load the raw reports.

The raw reports are kept apart from the scores so a run can be re-scored (or inspected) without
probing 2N scripts again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from deepfd_ci.evaluation.benchmark import BenchmarkError, Program
from deepfd_ci.pipeline import DiagnoseOptions, diagnose

REPORTS_SCHEMA = "deepfd-ci/evaluation-reports/v1"
Reports = dict[str, dict[str, dict[str, Any]]]  # program -> "buggy"/"fixed" -> ScriptReport JSON


def run_benchmark(programs: list[Program], options: DiagnoseOptions, show_progress: bool = True) -> Reports:
    """Diagnose all 2N scripts, `options.jobs` at a time, with a progress bar on stderr."""
    scripts = [(p.name, kind, path) for p in programs for kind, path in (("buggy", p.buggy), ("fixed", p.fixed))]
    chunk = max(1, options.jobs or os.cpu_count() or 1)
    reports: Reports = {p.name: {} for p in programs}
    columns = (
        TextColumn("evaluate"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, transient=True, disable=not show_progress) as progress:
        task = progress.add_task("", total=len(scripts))
        for start in range(0, len(scripts), chunk):
            batch = scripts[start : start + chunk]
            progress.update(task, description=", ".join(f"{name}/{kind}" for name, kind, _ in batch))
            for (name, kind, _), report in zip(
                batch, diagnose([str(path) for _, _, path in batch], options), strict=True
            ):
                reports[name][kind] = report.to_json()
            progress.advance(task, len(batch))
    return reports


def save_reports(reports: Reports, path: str | Path) -> None:
    Path(path).write_text(
        json.dumps({"schema": REPORTS_SCHEMA, "reports": reports}, indent=1, allow_nan=False) + "\n", encoding="utf-8"
    )


def load_reports(path: str | Path) -> Reports:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise BenchmarkError(f"{path}: cannot read stored reports: {exc}") from exc
    if not isinstance(data, dict) or data.get("schema") != REPORTS_SCHEMA or not isinstance(data.get("reports"), dict):
        raise BenchmarkError(f"{path}: not a '{REPORTS_SCHEMA}' file (written by `deepfd-ci evaluate --save-reports`)")
    return data["reports"]

"""The left half of DESIGN.md as one call: scripts in, one ScriptReport per script out.

probe (subprocess) -> features -> diagnosis -> localization -> findings. The CLI, the action and
the evaluation command all go through `diagnose`, so they can never disagree.
"""

from __future__ import annotations

import dataclasses
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from deepfd_ci import features
from deepfd_ci.diagnosis import Diagnoser, diagnose_run
from deepfd_ci.diagnosis.model import load, load_bundled
from deepfd_ci.probe import ProbeOptions, run_probes
from deepfd_ci.records import RunRecord, ScriptReport


@dataclass
class DiagnoseOptions:
    epochs: int = 5
    time_budget: float = 120.0
    seed: int = 0
    jobs: int | None = None  # None: number of cores
    script_args: list[str] = field(default_factory=list)
    python: str | None = None  # interpreter for the probe; None: the current one
    env: dict[str, str] = field(default_factory=dict)  # extra variables for the script
    memory_limit_mb: int = 6144
    verify_fixes: bool = False  # re-probe each suggestion applied to a copy (issue: verified fixes)
    log_dir: str | None = None  # where the scripts' captured output goes; None: a temp folder
    ignore: list[str] = field(default_factory=list)  # fault types suppressed by configuration
    repo_root: str | None = None  # for constants imported from sibling modules
    use_model: bool = True  # False: explicit rules only
    model_path: str | None = None  # None: the model bundled with the package

    def probe_options(self) -> ProbeOptions:
        return ProbeOptions(
            epochs=self.epochs,
            time_budget=self.time_budget,
            seed=self.seed,
            script_args=list(self.script_args),
            python=self.python,
            env=dict(self.env),
            memory_limit_mb=self.memory_limit_mb,
            log_dir=self.log_dir,
        )


def diagnose(
    paths: list[str],
    options: DiagnoseOptions | None = None,
    overrides: dict[str, DiagnoseOptions] | None = None,
) -> list[ScriptReport]:
    """Diagnose each script (in parallel, `options.jobs` at a time), in the order given.

    `overrides` maps a path (as given) to the options for that script (per-script args, env, budget
    from `.deepfd.yml`). Never raises for a bad script: its report's status says what went wrong.
    """
    options = options or DiagnoseOptions()
    per_script = [(overrides or {}).get(path, options) for path in paths]
    # While the probes train, this otherwise idle process loads the model (scikit-learn with it) and
    # the later stages (libcst): seconds of imports that would otherwise delay the first probe.
    with ThreadPoolExecutor(max_workers=1) as loader:
        loading = loader.submit(_load_stages, options)
        records = run_probes(paths, [o.probe_options() for o in per_script], jobs=options.jobs)
        model = loading.result()  # ModelError surfaces here, after the probes
    reports = [report_for(record, opts, model) for record, opts in zip(records, per_script)]
    if options.verify_fixes:
        from deepfd_ci.verification import verify_findings

        verify_findings(
            [(report, record, opts.probe_options()) for report, record, opts in zip(reports, records, per_script)
             if report.faults],
            model,
            jobs=options.jobs,
        )
    return reports


def _load_stages(options: DiagnoseOptions) -> Diagnoser | None:
    import deepfd_ci.localization  # noqa: F401  (imported here, used by report_for)

    return load_model(options)


def load_model(options: DiagnoseOptions) -> Diagnoser | None:
    """The learned model the options ask for (raises ModelError with a clear message), or None for rules."""
    if not options.use_model:
        return None
    if options.model_path:
        return load(options.model_path)
    return load_bundled()


def report_for(record: RunRecord, options: DiagnoseOptions, model: Diagnoser | None) -> ScriptReport:
    """Diagnose and localize one probed run (pure: no subprocess)."""
    report = ScriptReport(
        path=record.path,
        status=record.status,
        error=record.error,
        run=_run_summary(record),
        features_schema=features.SCHEMA_VERSION,
        log_path=record.run.log_path,
    )
    if record.status != "ok":
        return report
    from deepfd_ci.localization import localize, split_suppressed  # see diagnose: loaded during the probes

    diagnosis = diagnose_run(record, model)
    report.symptoms = diagnosis.symptoms
    report.model = diagnosis.model
    source = Path(record.path).read_text(encoding="utf-8")
    findings = localize(source, record.path, diagnosis.faults, record.facts,
                        repo_root=options.repo_root or os.path.dirname(os.path.abspath(record.path)))
    kept, suppressed = split_suppressed(source, findings)
    ignored = set(options.ignore)
    report.faults = [f for f in kept if f.type not in ignored]
    report.suppressed = suppressed + [f for f in kept if f.type in ignored]
    return report


def _run_summary(record: RunRecord) -> dict:
    run = dataclasses.asdict(record.run)
    run.pop("log_path", None)
    if record.error_line is not None:
        run["error_line"] = record.error_line
    return run

"""The left half of DESIGN.md as one call: scripts in, one ScriptReport per script out.

probe (subprocess) -> features -> diagnosis -> localization -> findings. The CLI, the action and
the evaluation command all go through `diagnose`, so they can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from deepfd_ci.records import ScriptReport


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
    verify_fixes: bool = False
    log_dir: str | None = None  # where the scripts' captured output goes; None: a temp folder


def diagnose(
    paths: list[str],
    options: DiagnoseOptions | None = None,
    overrides: dict[str, DiagnoseOptions] | None = None,
) -> list[ScriptReport]:
    """Diagnose each script (in parallel, `options.jobs` at a time), in the order given.

    `overrides` maps a path (as given) to the options for that script (per-script args, env, budget
    from `.deepfd.yml`). Never raises for a bad script: its report's status says what went wrong.
    """
    raise NotImplementedError("filled in by the probe/diagnosis work")

"""Parent side of the probe: validate the script, run the sandboxed child, turn what happened into a RunRecord.

Nothing here imports TensorFlow, so the CLI stays fast and the heavy work happens in children,
several at a time.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from deepfd_ci.probe import sandbox
from deepfd_ci.records import RunInfo, RunRecord, run_record_from_plain

_CHILD = str(Path(__file__).with_name("child.py"))
_MAX_SOURCE_BYTES = 2_000_000
# The child stops training on its own this long before the hard budget, to write its record.
_GRACE_SECONDS = 5.0


@dataclass
class ProbeOptions:
    epochs: int = 5
    time_budget: float = 120.0
    seed: int = 0
    script_args: list[str] = field(default_factory=list)
    python: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    memory_limit_mb: int = 6144
    output_limit_mb: float = 100.0  # of the script's output kept in its log (then its last 64 KB)
    log_dir: str | None = None


def check_source(path: str) -> RunRecord | None:
    """An `invalid` record when the file cannot be a runnable Python script, else None."""
    p = Path(path)
    if not p.exists():
        return RunRecord(path=path, status="invalid", error=f"no such file: {path}")
    if not p.is_file():
        return RunRecord(path=path, status="invalid", error=f"not a regular file: {path}")
    try:
        data = p.read_bytes()
    except OSError as exc:
        return RunRecord(path=path, status="invalid", error=f"cannot read {path}: {exc.strerror}")
    if len(data) > _MAX_SOURCE_BYTES:
        return RunRecord(path=path, status="invalid", error=f"{path} is larger than 2 MB; not a training script")
    if b"\0" in data:
        return RunRecord(path=path, status="invalid", error=f"{path} is a binary file, not a Python script")
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return RunRecord(path=path, status="invalid", error=f"{path} is not UTF-8 text (byte {exc.start})")
    try:
        compile(source, path, "exec")
    except SyntaxError as exc:
        where = f"{os.path.basename(path)}:{exc.lineno}" if exc.lineno else os.path.basename(path)
        if exc.offset:
            where += f":{exc.offset}"
        return RunRecord(path=path, status="invalid", error=f"SyntaxError: {exc.msg} at {where}",
                         error_line=exc.lineno)
    except ValueError as exc:
        return RunRecord(path=path, status="invalid", error=f"{path} cannot be compiled: {exc}")
    return None


def run_probe(path: str, options: ProbeOptions | None = None) -> RunRecord:
    """Run one script under the probe. Never raises for anything the script does."""
    options = options or ProbeOptions()
    return run_probe_seeds(path, options, [options.seed])[0]


def run_probe_seeds(path: str, options: ProbeOptions, seeds: list[int]) -> list[RunRecord]:
    """Run one script once per seed in a single child process (one TensorFlow import).

    Returns one record per run, in seed order; a run that does not end `ok` is the last one (the
    remaining seeds would fail the same way). `options.time_budget` applies to each run.
    """
    invalid = check_source(path)
    if invalid is not None:
        return [invalid]
    log_dir = Path(options.log_dir).resolve() if options.log_dir else Path(tempfile.mkdtemp(prefix="deepfd-ci-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="probe-", dir=log_dir))
    log_path = log_dir / f"{Path(path).stem}.{seeds[0]}.log"
    result_path, phase_path, config_path = work / "result.json", work / "phase.txt", work / "config.json"
    train_seconds = max(1.0, options.time_budget - _GRACE_SECONDS - 0.1 * options.time_budget)
    config_path.write_text(json.dumps({
        "script": os.path.abspath(path),
        "args": list(options.script_args),
        "epochs": options.epochs,
        "seeds": list(seeds),
        "train_seconds": train_seconds,
        "result": str(result_path),
        "phase": str(phase_path),
    }))
    env = sandbox.child_env(os.environ, options.env, seeds[0])
    budget = options.time_budget * len(seeds)
    started = time.monotonic()
    with open(log_path, "wb", buffering=0) as log:  # unbuffered: copy_output sees a write fail
        try:
            proc = subprocess.Popen(
                [options.python or sys.executable, _CHILD, str(config_path)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=os.path.dirname(os.path.abspath(path)),
                preexec_fn=sandbox.limits(options.memory_limit_mb),
            )
        except OSError as exc:
            _cleanup(work)
            return [RunRecord(path=path, status="crashed",
                              error=f"cannot start the probe interpreter {options.python or sys.executable}: "
                                    f"{exc.strerror}")]
        timed_out = sandbox.copy_output(proc, log, int(options.output_limit_mb * 2**20), started + budget)
        returncode = proc.wait()
    seconds = time.monotonic() - started
    records = _read_records(result_path)
    phase = phase_path.read_text(encoding="utf-8") if phase_path.exists() else "starting"
    if timed_out:
        records = _read_records(Path(f"{result_path}.partial")) or [RunRecord(path=path, status="timeout")]
        last = records[-1]
        last.status = "timeout"
        last.error = f"stopped after the time budget of {options.time_budget:g} s while {phase}"
        if not phase.startswith("training"):
            last.error += " (before training started: the script may loop forever, wait on input or load too much data)"
    elif not records:
        records = [RunRecord(path=path, status="crashed", error=_death_message(returncode, options, log_path))]
    for record in records:
        record.path = path
        record.run = record.run or RunInfo()
        record.run.log_path = str(log_path)
    if len(records) == 1:
        records[0].run.seconds = round(seconds, 3)  # wall time of the whole probe, import included
        records[0].run.seed = seeds[0]
    _cleanup(work)
    return records


def run_probes(paths: list[str], options: list[ProbeOptions], jobs: int | None = None) -> list[RunRecord]:
    """Several probes side by side (each child is pinned to one thread), results in input order."""
    workers = max(1, jobs or os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run_probe, paths, options))


def _read_records(path: Path) -> list[RunRecord]:
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [run_record_from_plain(item) for item in data]


def _death_message(returncode: int, options: ProbeOptions, log_path: Path) -> str:
    if returncode < 0:
        name = signal.Signals(-returncode).name if -returncode in signal.Signals._value2member_map_ else str(-returncode)
        text = f"the script's process was killed by {name}"
        if -returncode in (signal.SIGKILL, signal.SIGABRT, signal.SIGSEGV):
            text += f" (it may have exceeded the memory limit of {options.memory_limit_mb} MB)"
    else:
        text = f"the script's process exited with code {returncode} without a result"
    tail = _log_tail(log_path)
    return f"{text}; last output: {tail}" if tail else text


def _log_tail(log_path: Path, lines: int = 3) -> str:
    try:
        with open(log_path, "rb") as log:
            log.seek(max(0, log.seek(0, os.SEEK_END) - 16384))
            text = log.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    kept = [line for line in text.splitlines() if line.strip()][-lines:]
    return " | ".join(line.strip()[:200] for line in kept)


def _cleanup(work: Path) -> None:
    for child in work.iterdir():
        child.unlink(missing_ok=True)
    work.rmdir()

"""Entry point of the probe subprocess: run the user's script unmodified under instrumentation.

Invoked as `python child.py CONFIG.json` (by path, so it works with any interpreter that has
TensorFlow, even one without deepfd-ci installed). It writes a list of RunRecord JSON objects (one
per seed) to the path the config names, and a phase file the parent reads to explain a timeout.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
import time
import traceback
from pathlib import Path
from typing import Any

_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])


def _write_json(path: str, data: Any) -> None:
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, allow_nan=False)
    os.replace(tmp, path)


def _user_frame(tb: Any, script: str) -> int | None:
    """Line of the innermost traceback frame that is in the user's script."""
    line = None
    for frame, lineno in traceback.walk_tb(tb):
        if os.path.realpath(frame.f_code.co_filename) == script:
            line = lineno
    return line


def _describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    text = text.splitlines()[0] if text else type(exc).__name__
    if len(text) > 400:
        text = text[:400] + "..."
    if isinstance(exc, ModuleNotFoundError):
        text += (
            " (the script needs a package that is not installed where the probe runs: declare it in"
            " requirements.txt or pyproject.toml, or point --python at an environment that has it)"
        )
    return text


def main(config_path: str) -> int:
    """Run the script once per seed in this one process (TensorFlow is imported once).

    The result file holds a list with one record per finished run; a run's partial record (epochs
    done so far) is checkpointed so a timeout still reports what was seen.
    """
    config = json.loads(Path(config_path).read_text(encoding="utf-8"))
    script = os.path.realpath(config["script"])
    result_path = config["result"]
    phase_path = config["phase"]

    def phase(text: str) -> None:
        try:
            Path(phase_path).write_text(text, encoding="utf-8")
        except OSError:
            pass

    phase("importing TensorFlow")
    # The user's folder wins over ours; we only need deepfd_ci.probe importable.
    if _PACKAGE_PARENT not in sys.path:
        sys.path.append(_PACKAGE_PARENT)
    try:
        import keras

        from deepfd_ci.probe.instrument import ProbeSession
    except Exception as exc:  # TensorFlow missing or broken in the chosen interpreter
        _write_json(result_path, [{"path": config["script"], "status": "crashed",
                                   "error": f"the probe could not start: {_describe(exc)}"}])
        return 0

    records: list[dict] = []
    argv, path, cwd = [script, *config.get("args", [])], list(sys.path), os.getcwd()
    for index, seed in enumerate(config["seeds"]):
        if index:
            keras.backend.clear_session()  # same layer names and a fresh graph for every run
        sys.argv, sys.path[:] = list(argv), [os.path.dirname(script), *path]
        os.chdir(os.path.dirname(script))
        started = time.monotonic()
        session = ProbeSession(
            path=config["script"],
            epochs=int(config["epochs"]),
            seed=int(seed),
            deadline=started + float(config["train_seconds"]),
            started=started,
            phase=lambda text, i=index: phase(f"{text} (run {i + 1})" if len(config["seeds"]) > 1 else text),
            checkpoint=lambda record: _write_json(result_path + ".partial", [*records, record]),
        )
        record = _run_once(session, script)
        os.chdir(cwd)
        records.append(record)
        _write_json(result_path + ".partial", records)
        if record["status"] != "ok":
            break  # the same script fails the same way with another seed
    _write_json(result_path, records)
    return 0


def _run_once(session: Any, script: str) -> dict:
    from deepfd_ci.probe.instrument import ProbeStop

    session.install()
    status, error, error_line, stopped_by = "ok", None, None, "script_end"
    session.phase("running the script before training")
    try:
        runpy.run_path(script, run_name="__main__")
    except ProbeStop as stop:
        stopped_by = stop.reason
    except SystemExit as exc:
        code = exc.code
        if code not in (None, 0) and not session.trained:
            status, error = "crashed", f"the script called sys.exit({code!r}) before training"
            error_line = _user_frame(exc.__traceback__, script)
        stopped_by = "sys_exit"
    except BaseException as exc:  # noqa: BLE001 - anything the user's code raises is a result
        traceback.print_exc()  # into the script's log, where the user looks for the whole story
        status, error = "crashed", _describe(exc)
        error_line = _user_frame(exc.__traceback__, script)
        if error_line is not None:
            error += f" at {os.path.basename(script)}:{error_line}"
    finally:
        session.uninstall()
    sys.stdout.flush()
    sys.stderr.flush()
    return session.record(status=status, error=error, error_line=error_line, stopped_by=stopped_by,
                          seconds=time.monotonic() - session.started)


if __name__ == "__main__":
    code = main(sys.argv[1])
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter teardown: TensorFlow's takes seconds and the result is already written.
    os._exit(code)

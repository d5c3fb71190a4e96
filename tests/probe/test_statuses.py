"""Each kind of bad input gets the right status and a clear message; the probe never raises."""

from __future__ import annotations

import json
import os
import shutil
import signal
from pathlib import Path

import pytest

from deepfd_ci.probe import ProbeOptions, run_probe, run_probes
from deepfd_ci.records import RunRecord, to_plain

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
RUNNABLE = [
    "raises.py", "no_fit.py", "exits_early.py", "missing_module.py", "tfdata_functional.py",
    "subclassed.py", "custom_loop.py", "nan_loss.py", "fit_then_more.py", "hog_memory.py", "floods_output.py",
    "leaves_processes.py",
]
OUTPUT_LIMIT_MB = {"floods_output.py": 1.0}  # it prints 2.3 MB


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RunRecord]:
    logs = tmp_path_factory.mktemp("logs")
    options = [ProbeOptions(log_dir=str(logs), memory_limit_mb=4096, output_limit_mb=OUTPUT_LIMIT_MB.get(name, 100.0),
                            env={"PIDS_FILE": str(logs / f"{name}.pids")})
               for name in RUNNABLE]
    paths = [str(SCRIPTS / name) for name in RUNNABLE]
    return dict(zip(RUNNABLE, run_probes(paths, options, jobs=2)))


def test_syntax_error_is_invalid_with_line():
    record = run_probe(str(SCRIPTS / "syntax_error.py"))
    assert record.status == "invalid"
    assert "SyntaxError" in record.error and "syntax_error.py:3" in record.error
    assert record.error_line == 3


@pytest.mark.parametrize("name, message", [
    ("missing.py", "no such file"),
    ("not_python.bin", "binary file"),
])
def test_unreadable_inputs_are_invalid(name, message):
    record = run_probe(str(SCRIPTS / name))
    assert record.status == "invalid" and message in record.error


def test_exception_names_the_users_line(records):
    record = records["raises.py"]
    assert record.status == "crashed"
    assert record.error.startswith("FileNotFoundError")
    assert "raises.py:5" in record.error and record.error_line == 5


def test_script_without_training(records):
    record = records["no_fit.py"]
    assert record.status == "no_training"
    assert "without calling fit()" in record.error


def test_sys_exit_before_training(records):
    record = records["exits_early.py"]
    assert record.status == "crashed"
    assert "sys.exit(3)" in record.error


def test_missing_module_says_how_to_declare_it(records):
    record = records["missing_module.py"]
    assert record.status == "crashed"
    assert "No module named 'pandas_does_not_exist'" in record.error
    assert "requirements.txt" in record.error


def test_tf_data_and_functional_model(records):
    record = records["tfdata_functional.py"]
    assert record.status == "ok"
    facts = record.facts
    assert facts.input_kind == "tf.data" and facts.model_kind == "functional"
    assert facts.task == "binary" and facts.last_activation == "sigmoid"
    assert facts.epochs_requested == 20 and record.run.epochs_run == 5
    assert record.checks[-1].acc > 0.8 and record.checks[-1].val_acc is not None


def test_subclassed_model(records):
    record = records["subclassed.py"]
    assert record.status == "ok" and record.facts.model_kind == "subclassed"
    assert record.facts.labels_one_hot is True and record.facts.n_classes == 3
    assert record.run.gradient_source == "optimizer_tap"
    assert all(c.steps > 0 for c in record.checks[1:])


def test_custom_gradient_tape_loop_gives_time_sampled_checks(records):
    record = records["custom_loop.py"]
    assert record.status == "ok"
    assert record.facts.training_api == "custom_loop" and record.facts.optimizer == "Adam"
    trained = [c for c in record.checks if c.epoch > 0]
    assert 2 <= len(trained) <= 6
    assert all(c.steps > 0 and c.grad_norm_mean > 0 and c.loss is not None for c in trained)
    assert trained[-1].loss < trained[0].loss


def test_nan_loss_is_flagged_not_fatal(records):
    record = records["nan_loss.py"]
    assert record.status == "ok"
    assert any(field.endswith(".loss") for field in record.nonfinite_fields)
    text = json.dumps(to_plain(record), allow_nan=False)
    assert "NaN" not in text


def test_script_stops_after_first_fit(records):
    record = records["fit_then_more.py"]
    assert record.status == "ok" and record.run.stopped_by == "fit_returned"
    assert record.run.epochs_run == 5 and record.facts.epochs_requested == 50


def test_memory_cap(records):
    record = records["hog_memory.py"]
    assert record.status == "crashed"
    assert "MemoryError" in record.error or "memory limit" in record.error


def test_output_flood_is_capped_and_the_script_still_trains(records):
    record = records["floods_output.py"]
    assert record.status == "ok" and record.run.epochs_run == 3
    log = Path(record.run.log_path).read_bytes()
    assert len(log) < 2**20 + 70_000  # the first MB, a note, the last 64 KB
    head, note, tail = log.partition(b"[deepfd-ci: the output passed the limit of 1048576 bytes;")
    assert head.startswith(b"step 0: ") and len(head) == 2**20 + 1  # + the note's own newline
    assert b"bytes were dropped, the last 65536 follow]" in tail
    assert tail.rstrip().endswith(b"data ready")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_processes_the_script_leaves_behind(records):
    record = records["leaves_processes.py"]
    stays, escaped = map(int, Path(record.run.log_path).with_name("leaves_processes.py.pids").read_text().split())
    try:
        # Not a timeout: the helper in a session of its own, out of the group kill's reach, holds the
        # output pipe open but cannot keep the probe waiting.
        assert record.status == "no_training"
        assert not _alive(stays)  # killed with the script's process group
    finally:
        for pid in (stays, escaped):
            if _alive(pid):  # a dead one's pid may belong to someone else by now
                os.kill(pid, signal.SIGKILL)


def test_infinite_loop_times_out(tmp_path):
    record = run_probe(str(SCRIPTS / "infinite_loop.py"), ProbeOptions(time_budget=10, log_dir=str(tmp_path)))
    assert record.status == "timeout"
    assert "time budget of 10 s" in record.error and "before training started" in record.error
    assert record.run.seconds < 20


def test_child_sees_no_secrets_and_no_runner_files(tmp_path, monkeypatch):
    script = tmp_path / "reads_env.py"
    shutil.copy(SCRIPTS / "reads_env.py", script)
    for name, value in {
        "GITHUB_TOKEN": "ghs_secret", "INPUT_GITHUB_TOKEN": "x", "ACTIONS_RUNTIME_TOKEN": "y",
        "MY_API_KEY": "z", "DB_PASSWORD": "p", "GITHUB_ENV": str(tmp_path / "env"),
        "GITHUB_OUTPUT": str(tmp_path / "out"), "GITHUB_PATH": str(tmp_path / "path"),
        "GITHUB_REPOSITORY": "octo/repo",
    }.items():
        monkeypatch.setenv(name, value)
    record = run_probe(str(script), ProbeOptions(env={"ENV_DUMP": str(tmp_path / "seen.json"), "SECRET_X": "no"}))
    assert record.status == "ok", record.error
    seen = json.loads((tmp_path / "seen.json").read_text())
    assert seen == {"GITHUB_REPOSITORY": "octo/repo"}


def test_script_output_goes_to_the_log_only(tmp_path, capfd):
    record = run_probe(str(SCRIPTS / "prints_commands.py"), ProbeOptions(log_dir=str(tmp_path)))
    assert record.status == "ok"
    out, err = capfd.readouterr()
    assert "::set-output" not in out + err and "::error" not in out + err
    assert "::set-output" in Path(record.run.log_path).read_text()

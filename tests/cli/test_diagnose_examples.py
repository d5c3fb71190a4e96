"""`deepfd-ci diagnose` end to end on the shipped examples, through the real console entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SCRIPTS = ROOT / "tests" / "scripts"

# example -> (fault type, the line a developer would change)
EXPECTED = {
    "high_learning_rate.py": ("learning_rate", "LEARNING_RATE = 10.0"),
    "mse_on_softmax.py": ("loss", 'loss="mean_squared_error"'),
    "unscaled_inputs.py": ("preprocessing", "train_test_split(data.data"),
    "deep_sigmoid.py": ("activation", 'activation="sigmoid"'),
}


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "deepfd_ci.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    logs = tmp_path_factory.mktemp("logs")
    paths = sorted(str(p) for p in EXAMPLES.glob("*.py"))
    result = run_cli("diagnose", *paths, "--format", "json", "--jobs", "2", "--log-dir", str(logs))
    assert result.returncode == 1, result.stderr  # faults found
    assert "Traceback" not in result.stderr
    data = json.loads(result.stdout, parse_constant=lambda c: pytest.fail(f"non-strict JSON constant {c}"))
    return {Path(r["path"]).name: r for r in data}


def test_healthy_examples_have_no_fault(reports):
    for name in ("healthy_mlp.py", "healthy_cnn.py"):
        assert reports[name]["status"] == "ok"
        assert reports[name]["faults"] == [], reports[name]["faults"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_faulty_example_is_diagnosed_at_the_right_line(reports, name):
    fault_type, line_text = EXPECTED[name]
    report = reports[name]
    assert report["schema"] == "deepfd-ci/diagnosis/v1" and report["status"] == "ok"
    faults = {f["type"]: f for f in report["faults"]}
    assert fault_type in faults, report["faults"]
    fault = faults[fault_type]
    source = (EXAMPLES / name).read_text().splitlines()
    assert line_text in source[fault["primary_line"] - 1]
    assert fault["evidence"] and any(ch.isdigit() for ch in " ".join(fault["evidence"]))
    suggestion = fault["suggestion"]
    assert suggestion and suggestion["replacement"].strip()
    patched = source[: suggestion["line"] - 1] + suggestion["replacement"].splitlines() + source[
        (suggestion.get("end_line") or suggestion["line"]):]
    compile("\n".join(patched), name, "exec")
    assert 0.5 <= fault["confidence"] <= 1.0


def test_run_section_and_schema(reports):
    report = reports["healthy_mlp.py"]
    assert report["run"]["epochs_requested"] == 30 and report["run"]["epochs_run"] == 5
    assert report["run"]["seconds"] > 0 and report["run"]["seed"] == 0
    assert report["features_schema"].startswith("deepfd-ci/features/")
    assert report["model"]["name"]


def test_bad_inputs_are_results_not_tracebacks(tmp_path):
    result = run_cli("diagnose", str(SCRIPTS / "syntax_error.py"), str(tmp_path / "missing.py"), "--format", "json")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    data = json.loads(result.stdout)
    assert [r["status"] for r in data] == ["invalid", "invalid"]
    assert "syntax_error.py:3" in data[0]["error"] and "no such file" in data[1]["error"]


def test_malformed_config_names_key_and_line(tmp_path):
    config = tmp_path / "deepfd.yml"
    config.write_text("epochs: 5\nignore: [learning_rate, not_a_fault]\n")
    result = run_cli("diagnose", str(SCRIPTS / "syntax_error.py"), "--config", str(config))
    assert result.returncode == 2
    assert "line 2" in result.stderr and "ignore" in result.stderr and "Traceback" not in result.stderr


def test_usage_errors_exit_2():
    result = run_cli("diagnose", "x.py", "--epochs", "0")
    assert result.returncode == 2 and "at least 1" in result.stderr


def test_unusable_model_file_is_refused_before_training(tmp_path):
    fake = tmp_path / "model.skops"
    fake.write_bytes(b"not a zip archive")
    log_dir = tmp_path / "logs"
    result = run_cli("diagnose", str(EXAMPLES / "healthy_mlp.py"), "--model", str(fake), "--log-dir", str(log_dir))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "not a deepfd-ci model file" in result.stderr
    assert not log_dir.exists()  # refused before the probe ran


def test_diagnose_starts_its_probes_before_importing_the_heavy_stages():
    # The probe needs only the standard library; scikit-learn (the model), libcst (localization) and
    # the corpus/training code of the other commands load while the probes train, or never.
    probe = ("import json, sys\n"
             "from deepfd_ci import cli\n"
             "cli.build_parser('diagnose').parse_args(['diagnose', 'x.py'])\n"
             "from deepfd_ci import pipeline\n"
             "print(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    loaded = set(json.loads(result.stdout))
    assert not loaded & {"sklearn", "scipy", "libcst", "skops", "tensorflow", "keras", "github", "rich"}
    # Every command is still there for help and for typos.
    result = run_cli("--help")
    assert all(name in result.stdout for name in ("diagnose", "action", "corpus", "model", "evaluate"))
    result = run_cli("modle")
    assert result.returncode == 2 and "invalid choice" in result.stderr and "'model'" in result.stderr

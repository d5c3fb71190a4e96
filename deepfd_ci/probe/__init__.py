"""The probe stage: run a training script unmodified in a sandboxed, instrumented subprocess.

Parent side only (no TensorFlow import here); the child side lives in child.py, instrument.py,
monitor.py, tap.py and facts.py and runs inside the subprocess.
"""

from deepfd_ci.probe.runner import ProbeOptions, check_source, run_probe, run_probe_seeds, run_probes

__all__ = ["ProbeOptions", "check_source", "run_probe", "run_probe_seeds", "run_probes"]

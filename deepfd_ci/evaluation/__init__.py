"""`deepfd-ci evaluate`: score `diagnose` on the real-fault benchmark (buggy/fixed pairs with ground truth).

benchmark (load pairs + meta.yaml) -> runner (diagnose every script) -> scoring (pure functions over
ground truth and ScriptReport JSON) -> render (text, JSON, markdown next to DeepFD's published numbers).
Scoring never runs anything, so stored reports can be re-scored and the metrics tested on hand-made cases.
isolation finds benchmark programs (or near copies) in the training corpus; the corpus build can call it too.
"""

from deepfd_ci.evaluation.benchmark import BenchmarkError, GroundTruthFault, Program, load_benchmark
from deepfd_ci.evaluation.isolation import Leak, find_leaks
from deepfd_ci.evaluation.scoring import Evaluation, ProgramResult, evaluate_reports, score_program

__all__ = [
    "BenchmarkError",
    "Evaluation",
    "GroundTruthFault",
    "Leak",
    "Program",
    "ProgramResult",
    "evaluate_reports",
    "find_leaks",
    "load_benchmark",
    "score_program",
]

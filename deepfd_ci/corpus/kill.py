"""The DeepCrime kill test: is a mutant's training result reliably worse than the original's?

Both programs are trained K times with the same K seeds. The mutant is killed (keeps its fault
labels) iff its scores differ significantly (p < 0.05), the difference is large (Cohen's d >= 0.5)
and it is worse. Otherwise the "fault" did not hurt training and the mutant counts as healthy.

Test choice: Welch's two-sample t-test. DeepCrime fits a GLM with a group indicator; with the
default Gaussian family that is the pooled-variance two-sample test, read through a Wald z
statistic. Welch's test drops the equal-variance assumption -- a broken mutant's scores are often
constant (stuck at chance) or far more spread (diverging on some seeds) than the original's -- and
uses the t distribution, which is the honest one for K around 5, where z is anti-conservative.

Degenerate inputs: the probe is deterministic per seed, so variance only comes from seeds and can
be zero (e.g. every run at chance). Two constant groups with different means are a difference
with no noise at all: p = 0 and d = infinity. Identical constant groups: p = 1, d = 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

ALPHA = 0.05
MIN_EFFECT = 0.5
# Score differences below this are float noise, not a difference in training.
_TIE = 1e-9


@dataclass(frozen=True)
class KillResult:
    killed: bool
    p_value: float
    effect_size: float  # Cohen's d, positive when the mutant is worse
    mean_original: float
    mean_mutant: float


def _describe(values: Sequence[float]) -> tuple[float, float, int]:
    """(mean, sample standard deviation, n). A group constant up to float noise has exactly
    sd 0 -- the mean of five equal floats is not always that float, and its variance then is
    round-off (1e-32), which would make a noiseless difference look merely 'very large'."""
    arr = np.asarray(values, dtype=float)
    if arr.size and np.ptp(arr) <= _TIE:
        return float(arr[0]), 0.0, int(arr.size)
    return float(arr.mean()), float(arr.std(ddof=1)) if arr.size > 1 else 0.0, int(arr.size)


def cohens_d(original: Sequence[float], mutant: Sequence[float]) -> float:
    """(mean original - mean mutant) / pooled standard deviation; +/-inf for a noiseless difference."""
    (ma, sa, na), (mb, sb, nb) = _describe(original), _describe(mutant)
    diff = ma - mb
    if abs(diff) <= _TIE:
        return 0.0
    pooled = math.sqrt(((na - 1) * sa**2 + (nb - 1) * sb**2) / (na + nb - 2))
    if pooled == 0.0:
        return math.copysign(math.inf, diff)
    return diff / pooled


def kill_test(
    original: Sequence[float], mutant: Sequence[float], alpha: float = ALPHA, min_effect: float = MIN_EFFECT
) -> KillResult:
    """Scores are 'higher is better' (accuracy, clipped R^2), one per seed, at least two each."""
    a, b = np.asarray(original, dtype=float), np.asarray(mutant, dtype=float)
    if a.size < 2 or b.size < 2:
        raise ValueError(f"the kill test needs at least 2 scores per side, got {a.size} and {b.size}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("the kill test needs finite scores")
    (ma, sa, na), (mb, sb, nb) = _describe(a), _describe(b)
    d = cohens_d(a, b)
    if abs(ma - mb) <= _TIE:
        p = 1.0
    elif sa == 0.0 and sb == 0.0:
        p = 0.0
    else:
        p = float(stats.ttest_ind_from_stats(ma, sa, na, mb, sb, nb, equal_var=False).pvalue)
    killed = p < alpha and d >= min_effect
    return KillResult(killed, p, d, ma, mb)

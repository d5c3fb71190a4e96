"""The DeepCrime kill test on hand-made scores, including the degenerate cases a deterministic probe produces."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from deepfd_ci.corpus.kill import cohens_d, kill_test

ORIGINAL = [0.95, 0.96, 0.94, 0.95, 0.97]


def test_a_clearly_worse_mutant_is_killed():
    result = kill_test(ORIGINAL, [0.31, 0.12, 0.45, 0.10, 0.22])
    assert result.killed
    assert result.p_value < 0.001 and result.effect_size > 5
    assert result.mean_original == pytest.approx(0.954) and result.mean_mutant == pytest.approx(0.24)


def test_p_value_is_welchs():
    mutant = [0.90, 0.80, 0.93, 0.70, 0.88]
    expected = stats.ttest_ind(ORIGINAL, mutant, equal_var=False).pvalue
    assert kill_test(ORIGINAL, mutant).p_value == pytest.approx(expected)


def test_a_better_mutant_is_not_killed():
    result = kill_test([0.5, 0.52, 0.49, 0.51, 0.5], ORIGINAL)
    assert result.p_value < 0.05 and result.effect_size < 0 and not result.killed


def test_noise_level_differences_are_not_killed():
    result = kill_test(ORIGINAL, [0.95, 0.94, 0.96, 0.95, 0.95])
    assert not result.killed and result.p_value > 0.05


def test_significant_but_small_effect_is_not_killed():
    # Many runs make a tiny difference significant; Cohen's d below 0.5 keeps it unkilled.
    original = [0.90 + 0.01 * (i % 5) for i in range(400)]
    mutant = [x - 0.003 for x in original]
    result = kill_test(original, mutant)
    assert result.p_value < 0.05 and 0 < result.effect_size < 0.5 and not result.killed


def test_large_effect_without_significance_is_not_killed():
    result = kill_test([0.9, 0.5], [0.6, 0.2])
    assert result.effect_size >= 0.5 and result.p_value >= 0.05 and not result.killed


def test_two_constant_groups_with_different_means_are_a_noiseless_difference():
    result = kill_test([0.95, 0.95, 0.95], [0.10, 0.10, 0.10])  # e.g. every mutant run at chance
    assert result.killed and result.p_value == 0.0 and math.isinf(result.effect_size) and result.effect_size > 0
    better = kill_test([0.10, 0.10, 0.10], [0.95, 0.95, 0.95])
    assert not better.killed and better.effect_size < 0


def test_identical_runs_are_never_killed():
    result = kill_test([0.9, 0.9, 0.9], [0.9, 0.9, 0.9])
    assert not result.killed and result.p_value == 1.0 and result.effect_size == 0.0
    same = kill_test(ORIGINAL, list(ORIGINAL))
    assert not same.killed and same.p_value == 1.0


def test_one_constant_group_still_uses_the_test():
    result = kill_test([0.95, 0.95, 0.95, 0.95], [0.5, 0.2, 0.6, 0.3])
    assert result.killed and 0 < result.p_value < 0.05


def test_cohens_d_uses_the_pooled_standard_deviation():
    # means 2 and 1, sample variances 1 and 1 -> pooled sd 1 -> d = 1
    assert cohens_d([1.0, 2.0, 3.0], [0.0, 1.0, 2.0]) == pytest.approx(1.0)


@pytest.mark.parametrize("original, mutant", [([0.9], [0.1, 0.2]), ([0.9, 0.8], []), ([0.9, float("nan")], [0.1, 0.2])])
def test_bad_input_is_refused(original, mutant):
    with pytest.raises(ValueError):
        kill_test(original, mutant)

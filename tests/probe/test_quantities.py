"""Every DeepFD quantity and every extra column moves under the fault it targets (real tiny runs)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from deepfd_ci import features
from deepfd_ci.features import quantities
from deepfd_ci.probe import ProbeOptions, run_probes
from deepfd_ci.records import RunRecord
from tests.probe.tiny import tiny_script

CASES = {
    "healthy": {},
    "lr_huge": dict(optimizer="SGD", lr=1e4),
    "lr_nan": dict(optimizer="SGD", lr=1e9, act="linear"),
    "dead_relu": dict(bias_init="keras.initializers.Constant(-10.0)"),
    "lr_tiny": dict(lr=1e-7),
    "deep_sigmoid": dict(depth=8, act="sigmoid", optimizer="SGD", lr=0.05),
    "big_init": dict(init="keras.initializers.RandomNormal(stddev=10.0)"),
    "overfit": dict(n=300, random_labels=True, width=256, batch_size=8, lr=3e-3),
    "oscillate": dict(optimizer="SGD", lr=2.0, batch_size=8),
    "unscaled_sigmoid": dict(x_scale=1000.0, act="sigmoid"),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RunRecord]:
    folder = tmp_path_factory.mktemp("tiny")
    paths = []
    for name, knobs in CASES.items():
        path = Path(folder) / f"{name}.py"
        path.write_text(tiny_script(**knobs))
        paths.append(str(path))
    records = run_probes(paths, [ProbeOptions(log_dir=str(folder))] * len(paths), jobs=2)
    out = dict(zip(CASES, records))
    for name, record in out.items():
        assert record.status == "ok", (name, record.error)
    return out


def _flag(record: RunRecord, name: str) -> float:
    return max(row[name] for row in quantities.rows(record))


def test_healthy_run_raises_no_deepfd_flag(runs):
    fired = [name for name in quantities.DEEPFD_FLAGS if _flag(runs["healthy"], name)]
    assert fired == []


@pytest.mark.parametrize(
    "flag, case",
    [
        ("not_converge", "lr_tiny"),
        ("unstable_loss", "overfit"),
        ("nan_loss", "lr_nan"),
        ("test_not_well", "overfit"),
        ("test_turn_bad", "overfit"),
        ("sc_accuracy", "lr_tiny"),
        ("died_relu", "dead_relu"),
        ("vanish_gradient", "deep_sigmoid"),
        ("explode_gradient", "oscillate"),
        ("nan_gradient", "lr_nan"),
        ("large_weight", "big_init"),
        ("nan_weight", "lr_nan"),
        ("weight_change_little", "lr_tiny"),
        ("decrease_acc", "overfit"),
        ("increase_loss", "lr_huge"),
        ("cons_mean_weight", "lr_tiny"),
        ("cons_std_weight", "lr_tiny"),
        ("nan_acc", "lr_nan"),
    ],
)
def test_each_deepfd_flag_fires_under_its_fault(runs, flag, case):
    assert _flag(runs[case], flag) == 1.0
    assert _flag(runs["healthy"], flag) == 0.0


def test_all_22_deepfd_quantities_are_covered():
    assert len(quantities.DEEPFD_FLAGS) + len(quantities.DEEPFD_METRICS) == 22


def _feature(record: RunRecord, name: str) -> float:
    return features.extract(record)[name]


def test_deepfd_metrics_move(runs):
    healthy, stuck, overfit = runs["healthy"], runs["lr_tiny"], runs["overfit"]
    assert _feature(healthy, "final_acc") > 0.9 > 0.2 > _feature(stuck, "final_acc")
    assert _feature(stuck, "final_loss") > 2 * _feature(healthy, "final_loss")
    assert _feature(overfit, "final_val_loss") > 2 * _feature(healthy, "final_val_loss")
    assert _feature(healthy, "final_val_acc") > 0.8 > 0.2 > _feature(overfit, "final_val_acc")


@pytest.mark.parametrize(
    "column, case, stat",
    [
        ("log_grad_ratio_first_last", "deep_sigmoid", "min"),
        ("grad_zero_frac", "dead_relu", "max"),
        ("log_weight_abs_max", "big_init", "max"),
        ("log_update_ratio", "lr_tiny", "min"),
        ("dead_relu_frac", "dead_relu", "max"),
        ("log_loss_spike", "lr_huge", "max"),
        ("loss_rel_initial", "lr_tiny", "last"),
        ("acc_gain", "lr_tiny", "last"),
    ],
)
def test_each_extra_column_separates_its_fault(runs, column, case, stat):
    healthy = _feature(runs["healthy"], f"{column}__{stat}")
    faulty = _feature(runs[case], f"{column}__{stat}")
    assert math.isfinite(healthy) and math.isfinite(faulty)
    expected = {
        "log_grad_ratio_first_last": faulty < -3 < healthy,
        "grad_zero_frac": faulty > 0.95 > healthy,
        "log_weight_abs_max": faulty > 1 > healthy,
        "log_update_ratio": faulty < -4 < -2 < healthy,
        "dead_relu_frac": faulty == 1.0 and healthy < 0.5,
        "log_loss_spike": faulty > 2 > healthy,
        "loss_rel_initial": faulty > 0.95 > 0.5 > healthy,
        "acc_gain": faulty < 0.05 < 0.5 < healthy,
    }[column]
    assert expected, (column, healthy, faulty)


def test_saturation_and_initial_loss(runs):
    assert _feature(runs["unscaled_sigmoid"], "saturated_frac__max") > 0.3
    assert _feature(runs["deep_sigmoid"], "saturated_frac__max") < 0.05
    assert _feature(runs["big_init"], "initial_loss_over_ln_classes") > 10
    assert 0.8 < _feature(runs["healthy"], "initial_loss_over_ln_classes") < 1.3


def test_feature_vector_is_fixed_length_and_named(runs):
    for record in runs.values():
        values = features.extract(record)
        assert tuple(values) == features.FEATURE_NAMES
    assert features.FEATURE_NAMES[: features.N_DEEPFD][:4] == tuple(f"final_{m}" for m in quantities.DEEPFD_METRICS)
    assert features.N_DEEPFD == 148
    assert len(set(features.FEATURE_NAMES)) == len(features.FEATURE_NAMES)

"""Applying suggestions exactly like GitHub does, and `# deepfd: ignore` comments."""

from __future__ import annotations

import pytest

from deepfd_ci.localization import apply_suggestion, localize, split_suppressed
from deepfd_ci.records import ArrayStats, Fault, Finding, StaticFacts, Suggestion
from tests.localization.localization_helpers import line_of, script


def test_apply_replaces_deletes_and_keeps_newline_style():
    source = "a = 1\r\nb = 2\r\nc = 3\r\n"
    assert (
        apply_suggestion(source, Suggestion(line=2, replacement="b = 20\nbb = 21"))
        == "a = 1\r\nb = 20\r\nbb = 21\r\nc = 3\r\n"
    )
    assert apply_suggestion(source, Suggestion(line=1, end_line=2, replacement="")) == "c = 3\r\n"
    no_final_newline = "a = 1\nb = 2"
    assert apply_suggestion(no_final_newline, Suggestion(line=2, replacement="b = 3")) == "a = 1\nb = 3"


def test_apply_rejects_out_of_range_and_broken_results():
    with pytest.raises(ValueError, match="outside the file"):
        apply_suggestion("a = 1\n", Suggestion(line=2, replacement="b = 2"))
    with pytest.raises(ValueError, match="does not compile"):
        apply_suggestion("def f():\n    return 1\n", Suggestion(line=1, replacement="def f(:"))
    with pytest.raises(ValueError, match="keyword argument repeated"):
        apply_suggestion("f(a=1)\n", Suggestion(line=1, replacement="f(a=1, a=2)"))


def test_every_suggestion_for_every_fault_type_applies():
    src = script("""
import numpy as np
from tensorflow import keras

x = np.random.rand(100, 4) * 1000
y = np.random.randint(0, 3, 100)
model = keras.Sequential([
    keras.layers.Dense(8, activation="tanh", kernel_initializer="ones"),
    keras.layers.Dense(3, activation="relu"),
])
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=5.0),
    loss="mse",
)
model.fit(x, y, epochs=1, batch_size=100)
""")
    types = [
        "learning_rate",
        "optimizer",
        "loss",
        "activation",
        "epochs",
        "batch_size",
        "preprocessing",
        "initialization",
        "layers",
    ]
    facts = StaticFacts(
        task="multiclass",
        n_classes=3,
        labels_one_hot=False,
        output_units=3,
        x=ArrayStats(shape=[100, 4], dtype="float64", min=0.0, max=999.0),
    )
    findings = localize(src, "train.py", [Fault(t, 0.9) for t in types], facts)
    assert [f.type for f in findings] == types
    for finding in findings:
        assert finding.localization == "dataflow", finding
        assert finding.suggestion is not None, finding
        patched = apply_suggestion(src, finding.suggestion)
        assert patched != src
        suggestion = finding.suggestion
        assert suggestion.line <= finding.primary_line <= suggestion.end_line


SUPPRESSIBLE = script("""
from tensorflow import keras

model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=9.0),  # deepfd: ignore[learning_rate, epochs]
    loss="mse",
)
model.fit(x, y,  # deepfd: ignore
          epochs=1)
text = "# deepfd: ignore[loss]"
""")


def _finding(fault_type: str, lines: list[int]) -> Finding:
    return Finding(
        type=fault_type, confidence=0.9, lines=lines, primary_line=lines[0], snippet=None, evidence=[]
    )


def test_suppression_by_type_by_statement_start_and_not_from_strings():
    lr = _finding("learning_rate", [line_of(SUPPRESSIBLE, "learning_rate=9.0")])
    optimizer = _finding("optimizer", [line_of(SUPPRESSIBLE, "learning_rate=9.0")])
    epochs = _finding("epochs", [line_of(SUPPRESSIBLE, "epochs=1")])  # statement starts on a suppressed line
    loss = _finding("loss", [line_of(SUPPRESSIBLE, 'loss="mse"'), line_of(SUPPRESSIBLE, "model.compile(")])
    kept, suppressed = split_suppressed(SUPPRESSIBLE, [lr, optimizer, epochs, loss])
    assert suppressed == [lr, epochs]
    assert kept == [optimizer, loss]


def test_suppression_applies_to_real_findings_and_tolerates_broken_source():
    faults = [Fault("learning_rate", 0.9), Fault("loss", 0.9), Fault("epochs", 0.9)]
    findings = localize(SUPPRESSIBLE, "train.py", faults, None)
    kept, suppressed = split_suppressed(SUPPRESSIBLE, findings)
    assert [f.type for f in kept] == ["loss"]
    assert [f.type for f in suppressed] == ["learning_rate", "epochs"]

    broken = "lr = 9.0  # deepfd: ignore[learning_rate]\nmodel.fit(\n"
    kept, suppressed = split_suppressed(broken, [_finding("learning_rate", [1]), _finding("epochs", [2])])
    assert [f.type for f in suppressed] == ["learning_rate"] and [f.type for f in kept] == ["epochs"]
    unrelated = _finding("loss", [1])
    assert split_suppressed("x = 1\n", [unrelated]) == ([unrelated], [])

"""The action with the real pipeline (a TensorFlow training run) against the fake GitHub.

About 15 s (one TensorFlow process), so it runs by default. The script also prints workflow commands: they must end up in its captured log, never in the
action's output where the runner would execute them.
"""

from __future__ import annotations

import re

from tests.github.helpers import HEAD, ActionRun, write_files

SCRIPT = """\
import keras
from sklearn.datasets import load_digits

print("::set-output name=conclusion::success")
print("::error file=train.py,line=1::injected")
digits = load_digits()
x, y = digits.data[:600] / 16.0, digits.target[:600]
model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=50.0), loss="sparse_categorical_crossentropy")
model.fit(x, y, epochs=20, batch_size=32)
"""


def test_real_pipeline_posts_a_finding_and_contains_the_scripts_output(
    action: ActionRun,
) -> None:
    write_files(action.workspace, {"train.py": SCRIPT})
    action.github.add_pull(7, {}, {"train.py": SCRIPT}, head_sha=HEAD)
    action.pull_request_event(7)
    action.analyzer = None  # deepfd_ci.pipeline.diagnose
    action.inputs.update(epochs="3", time_budget="60")

    assert action.run() == 1, action.stdout

    (comment,) = action.github.review_comments[7]
    assert comment["path"] == "train.py" and comment["line"] == 9
    assert "Learning rate" in comment["body"]
    assert action.outputs()["conclusion"] == "failure"
    for line in action.stdout.splitlines():
        assert "injected" not in line and "set-output" not in line
        if line.startswith("::"):
            assert re.match(
                r"::(group|endgroup|error|warning|notice)( [^:]*)?::", line
            ), line
    logs = "".join(
        p.read_text(errors="replace")
        for p in (action.workspace / ".deepfd-ci" / "logs").rglob("*")
        if p.is_file()
    )
    assert "::set-output name=conclusion::success" in logs

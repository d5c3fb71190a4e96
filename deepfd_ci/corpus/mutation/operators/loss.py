"""DeepFD's loss operator: swap the loss between the probabilistic and the regression families,
plus the `from_logits` mismatch (a loss told it gets logits when the model outputs probabilities,
or the reverse).

Swaps Keras rejects at the first batch are left out, because they are crashes, not training
faults (measured with Keras 3.15): with integer class ids of shape (n,) every regression loss and
binary cross-entropy fail on the shape, and sparse categorical cross-entropy cannot take regression
targets. Sparse-label programs therefore get the `from_logits` fault instead of a family swap.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import libcst as cst
import libcst.matchers as m

from deepfd_ci.corpus.mutation.edits import Edit, expression
from deepfd_ci.corpus.mutation.operators.base import Change, Operator, string_like
from deepfd_ci.corpus.mutation.program import Program, callee_name, string_value

PROBABILISTIC = ("categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy")
REGRESSION = ("mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_error")

_ALIASES = {
    "mse": "mean_squared_error",
    "mae": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error",
    "msle": "mean_squared_logarithmic_error",
    "MeanSquaredError": "mean_squared_error",
    "MeanAbsoluteError": "mean_absolute_error",
    "MeanAbsolutePercentageError": "mean_absolute_percentage_error",
    "MeanSquaredLogarithmicError": "mean_squared_logarithmic_error",
    "Huber": "huber",
    "BinaryCrossentropy": "binary_crossentropy",
    "CategoricalCrossentropy": "categorical_crossentropy",
    "SparseCategoricalCrossentropy": "sparse_categorical_crossentropy",
}
# Which replacement losses still run with the labels the original loss was given. Entries that
# start with "losses." are loss objects built with the script's keras prefix.
_LOGITS = {
    "sparse_categorical_crossentropy": "losses.SparseCategoricalCrossentropy(from_logits=True)",
    "categorical_crossentropy": "losses.CategoricalCrossentropy(from_logits=True)",
    "binary_crossentropy": "losses.BinaryCrossentropy(from_logits=True)",
}
_RUNS_WITH = {
    "sparse_categorical_crossentropy": (_LOGITS["sparse_categorical_crossentropy"],),
    "categorical_crossentropy": ("binary_crossentropy", *REGRESSION, _LOGITS["categorical_crossentropy"]),
    "binary_crossentropy": ("categorical_crossentropy", *REGRESSION, _LOGITS["binary_crossentropy"]),
}
_REGRESSION_FAMILY = frozenset({*REGRESSION, "mean_squared_logarithmic_error", "huber", "log_cosh"})


def canonical_loss(node: cst.CSTNode) -> str | None:
    """The loss a literal names: `"mse"`, `keras.losses.MeanSquaredError()`, `losses.mse`."""
    name = string_value(node)
    if name is None and isinstance(node, cst.Call):
        name = callee_name(node)
    if name is None and isinstance(node, cst.Attribute):
        name = node.attr.value
    if name is None:
        return None
    return _ALIASES.get(name, name)


def _from_logits(program: Program, node: cst.CSTNode) -> bool:
    if not isinstance(node, cst.Call):
        return False
    arg = program.argument(node, "from_logits")
    return arg is not None and m.matches(program.resolve(arg.value), m.Name("True"))


def replacements_for(loss: str, from_logits: bool = False) -> tuple[str, ...]:
    if from_logits:  # the model outputs logits: a plain (probability) loss is the fault
        return (loss,) if loss in _LOGITS else ()
    if loss in _RUNS_WITH:
        return _RUNS_WITH[loss]
    if loss in _REGRESSION_FAMILY:
        return ("binary_crossentropy", "categorical_crossentropy")
    return ()


@dataclass(frozen=True)
class SwapLoss(Operator):
    def propose(self, program: Program, rng: random.Random) -> Change | None:
        for call in program.compile_calls():
            arg = program.argument(call, "loss", 1)
            if arg is None:
                continue
            holder = program.resolve(arg.value)
            if isinstance(holder, cst.Dict):  # one loss per output: mutate one head
                heads = [e.value for e in holder.elements if isinstance(e, cst.DictElement)]
                holder = program.resolve(rng.choice(heads)) if heads else holder
            elif isinstance(holder, (cst.List, cst.Tuple)):
                heads = [e.value for e in holder.elements]
                holder = program.resolve(rng.choice(heads)) if heads else holder
            loss = canonical_loss(holder)
            logits = _from_logits(program, holder)
            choices = [c for c in replacements_for(loss or "", logits) if logits or c != loss]
            if not choices:
                return None
            new = rng.choice(choices)
            if new.startswith("losses."):
                prefix = program.keras_prefix()
                if prefix is None:
                    return None
                node: cst.BaseExpression = expression(f"{prefix}.{new}")
                new_text = f"{prefix}.{new}"
            else:
                node, new_text = string_like(holder, new), new
            return Change([Edit(holder, node)], f"loss {program.code(holder)} -> {new_text}", new_text)
        return None

"""DeepFD's optimizer operator: replace the optimizer by another one with its default settings.

Defaults matter: SGD, Adagrad and Adadelta at their default learning rates are far slower than a
tuned Adam, which is exactly the fault users make when they swap optimizers without re-tuning.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import libcst as cst

from deepfd_ci.corpus.mutation.edits import Edit, code_of, expression
from deepfd_ci.corpus.mutation.operators.base import Change, Operator, string_like
from deepfd_ci.corpus.mutation.program import (
    OPTIMIZER_CLASSES,
    Program,
    callee_name,
    string_value,
)

# DeepFD's replacement set.
REPLACEMENTS = ("SGD", "RMSprop", "Adam", "Adadelta", "Adagrad")
_CLASS_NAMES = set(OPTIMIZER_CLASSES.values())


@dataclass(frozen=True)
class OptimizerSite:
    compile_call: cst.Call
    node: cst.BaseExpression  # a string ("adam") or an optimizer constructor call
    class_name: str


def optimizer_site(program: Program) -> OptimizerSite | None:
    """The expression that creates the optimizer passed to `compile` (after data flow)."""
    for call in program.compile_calls():
        arg = program.argument(call, "optimizer", 0)
        if arg is None:
            continue
        node = program.resolve(arg.value)
        name = string_value(node)
        if name is not None and name.lower() in OPTIMIZER_CLASSES:
            return OptimizerSite(call, node, OPTIMIZER_CLASSES[name.lower()])
        if isinstance(node, cst.Call) and callee_name(node) in _CLASS_NAMES:
            return OptimizerSite(call, node, callee_name(node))
    return None


def optimizer_module(program: Program, site: OptimizerSite) -> str | None:
    """Dotted path to the optimizers module as the script writes it (`keras.optimizers`)."""
    if isinstance(site.node, cst.Call) and isinstance(site.node.func, cst.Attribute):
        return program.code(site.node.func.value)
    prefix = program.keras_prefix()
    return f"{prefix}.optimizers" if prefix else None


@dataclass(frozen=True)
class ReplaceOptimizer(Operator):
    def propose(self, program: Program, rng: random.Random) -> Change | None:
        site = optimizer_site(program)
        if site is None:
            return None
        choices = [c for c in REPLACEMENTS if c != site.class_name]
        new_class = rng.choice(choices)
        if isinstance(site.node, cst.SimpleString):
            new_node: cst.BaseExpression = string_like(site.node, new_class.lower())
            new_text = new_class.lower()
        else:
            module = optimizer_module(program, site)
            if module is None:
                return None
            new_text = f"{module}.{new_class}"  # a later learning-rate fault may fill the parentheses
            new_node = expression(f"{new_text}()")
        return Change(
            [Edit(site.node, new_node)],
            f"optimizer {program.code(site.node)} -> {code_of(new_node)} (default settings)",
            new_text,
        )

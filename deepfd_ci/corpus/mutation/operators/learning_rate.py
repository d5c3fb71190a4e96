"""DeepFD's learning-rate operator: set the learning rate far too high (1..10) or too low (1e-10..1e-15)."""

from __future__ import annotations

import random
from dataclasses import dataclass

import libcst as cst

from deepfd_ci.corpus.mutation.edits import Edit, expression, with_keyword
from deepfd_ci.corpus.mutation.operators.base import Change, Operator, float_literal
from deepfd_ci.corpus.mutation.operators.optimizer import (
    optimizer_module,
    optimizer_site,
)
from deepfd_ci.corpus.mutation.program import Program, number_value

_SCHEDULE_KEYWORD = "initial_learning_rate"


def _draw(direction: str, rng: random.Random) -> float:
    if direction == "up":
        return round(rng.uniform(1.0, 10.0), 1)
    return float(f"{rng.choice((1, 2, 3, 5))}e-{rng.randint(10, 15)}")


@dataclass(frozen=True)
class LearningRate(Operator):
    direction: str = "up"  # "up" | "down"

    def propose(self, program: Program, rng: random.Random) -> Change | None:
        site = optimizer_site(program)
        if site is None:
            return None
        value = _draw(self.direction, rng)
        text = repr(value)
        if isinstance(site.node, cst.SimpleString):  # compile(optimizer="adam")
            module = optimizer_module(program, site)
            if module is None:
                return None
            new = f"{module}.{site.class_name}(learning_rate={text})"
            return Change([Edit(site.node, expression(new))], f"optimizer {program.code(site.node)} -> {new}", text)
        call = site.node
        arg = program.argument(call, "learning_rate", 0)
        if arg is None:
            return Change(
                [Edit(call, lambda updated: with_keyword(updated, "learning_rate", float_literal(value)))],
                f"learning_rate default -> {text}",
                text,
            )
        holder = program.resolve(arg.value)
        if isinstance(holder, cst.Call):  # a schedule: mutate its initial rate
            inner = program.argument(holder, _SCHEDULE_KEYWORD, 0)
            if inner is None:
                return None
            holder = program.resolve(inner.value)
        old = number_value(holder)
        if old is None or old == value:
            return None
        return Change([Edit(holder, float_literal(value))], f"learning_rate {program.code(holder)} -> {text}", text)

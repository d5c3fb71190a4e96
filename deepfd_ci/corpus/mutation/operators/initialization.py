"""Our initialization operator: every kernel initialized to zeros, to huge values, or to one constant."""

from __future__ import annotations

import random
from dataclasses import dataclass

from deepfd_ci.corpus.mutation.edits import Edit, expression, set_keyword
from deepfd_ci.corpus.mutation.operators.base import Change, Operator
from deepfd_ci.corpus.mutation.program import KERNEL_LAYERS, Program


@dataclass(frozen=True)
class BadInitializer(Operator):
    scheme: str = "zeros"  # "zeros" | "huge" | "constant"

    def propose(self, program: Program, rng: random.Random) -> Change | None:
        layers = program.layer_calls(KERNEL_LAYERS)
        prefix = program.keras_prefix()
        if not layers or prefix is None:
            return None
        if self.scheme == "zeros":
            text = '"zeros"'
        elif self.scheme == "huge":
            text = f"{prefix}.initializers.RandomNormal(stddev={rng.choice((10.0, 20.0))})"
        else:
            text = f"{prefix}.initializers.Constant({rng.choice((0.5, 1.0))})"
        edits = []
        for layer in layers:
            arg = program.argument(layer.call, "kernel_initializer")
            if arg is not None:
                holder = program.resolve(arg.value)
                if program.code(holder) == text:
                    continue
                edits.append(Edit(holder, expression(text)))
            else:
                edits.append(
                    Edit(layer.call, lambda updated: set_keyword(updated, "kernel_initializer", expression(text)))
                )
        if not edits:
            return None
        unique = list({id(e.target): e for e in edits}.values())
        return Change(unique, f"kernel_initializer -> {text} ({len(layers)} layer call(s))", text)

"""DeepFD's epochs operator: divide the number of epochs by 10..50 (at least one epoch)."""

from __future__ import annotations

import random
from dataclasses import dataclass

import libcst as cst

from deepfd_ci.corpus.mutation.edits import Edit
from deepfd_ci.corpus.mutation.operators.base import Change, Operator
from deepfd_ci.corpus.mutation.program import Program


@dataclass(frozen=True)
class DivideEpochs(Operator):
    def propose(self, program: Program, rng: random.Random) -> Change | None:
        for call in program.fit_calls():
            arg = program.argument(call, "epochs", 3)
            if arg is None:
                continue
            holder = program.resolve(arg.value)
            if not isinstance(holder, cst.Integer):
                continue
            old = int(holder.evaluated_value)
            divisor = rng.randint(10, 50)
            new = max(1, old // divisor)
            if new == old:
                return None
            return Change([Edit(holder, cst.Integer(str(new)))], f"epochs {old} -> {new} (/{divisor})", str(new))
        return None

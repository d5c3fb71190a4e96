"""Our batch-size operator: one sample per step, or one step per epoch (a batch as large as the data)."""

from __future__ import annotations

import random
from dataclasses import dataclass

import libcst as cst

from deepfd_ci.corpus.mutation.edits import Edit, with_keyword
from deepfd_ci.corpus.mutation.flow import fit_flow
from deepfd_ci.corpus.mutation.operators.base import Change, Operator
from deepfd_ci.corpus.mutation.program import RECURRENT_LAYERS, Program

# Every corpus dataset has at most ~3000 samples, so these are full-batch training.
HUGE = (4096, 8192)


@dataclass(frozen=True)
class BatchSizeExtreme(Operator):
    extreme: str = "tiny"  # "tiny" | "huge"

    def propose(self, program: Program, rng: random.Random) -> Change | None:
        if self.extreme == "tiny" and program.layer_calls(RECURRENT_LAYERS):
            return None  # one-sample steps through an RNN take the whole probe budget (~100 s a run)
        value = 1 if self.extreme == "tiny" else rng.choice(HUGE)
        for call in program.fit_calls():
            arg = program.argument(call, "batch_size", 2)
            if arg is not None:
                holder = program.resolve(arg.value)
                if not isinstance(holder, cst.Integer) or int(holder.evaluated_value) == value:
                    return None
                return Change(
                    [Edit(holder, cst.Integer(str(value)))], f"batch_size {holder.value} -> {value}", str(value)
                )
            if program.argument(call, "y", 1) is None:  # a dataset: its .batch(n) sets the size
                return self._dataset_batch(program, call, value)
            return Change(
                [Edit(call, lambda updated: with_keyword(updated, "batch_size", cst.Integer(str(value))))],
                f"batch_size default (32) -> {value}",
                f"batch_size={value}",
            )
        return None

    @staticmethod
    def _dataset_batch(program: Program, fit_call: cst.Call, value: int) -> Change | None:
        flow = fit_flow(program, fit_call)
        for statement in flow.statements_defining(flow.x_names | flow.x_roots):
            for call in program.method_calls("batch"):
                if program.statement_of(call) is not statement or not call.args:
                    continue
                holder = program.resolve(call.args[0].value)
                if not isinstance(holder, cst.Integer) or int(holder.evaluated_value) == value:
                    return None
                return Change(
                    [Edit(holder, cst.Integer(str(value)))], f"dataset batch size {holder.value} -> {value}", str(value)
                )
        return None

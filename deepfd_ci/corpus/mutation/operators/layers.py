"""Our layer operators: a hidden layer removed, or a hidden layer squeezed to a one-unit bottleneck.

Mis-sizing the output layer is not generated: with class labels Keras rejects a width that does
not match them at the first batch (a crash), and a wider regression head still trains well.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import libcst as cst
import libcst.matchers as m

from deepfd_ci.corpus.mutation.edits import REMOVE, Edit, without_element
from deepfd_ci.corpus.mutation.operators.base import Change, Operator
from deepfd_ci.corpus.mutation.program import (
    KERNEL_LAYERS,
    RECURRENT_LAYERS,
    Program,
    callee_name,
)


def _removable(program: Program, call: cst.Call) -> bool:
    """A hidden layer whose removal keeps the model valid (a recurrent layer only if it returns
    sequences, so the next layer still gets the rank it expects)."""
    kind = callee_name(call)
    if kind in RECURRENT_LAYERS:
        arg = program.argument(call, "return_sequences")
        return arg is not None and m.matches(program.resolve(arg.value), m.Name("True"))
    return kind in KERNEL_LAYERS


def _candidates(program: Program) -> list[tuple[cst.CSTNode, Edit, str]]:
    """(layer call, edit that removes it, description) for each removable hidden layer."""
    hidden = {id(layer.call): layer for layer in program.hidden_layers(KERNEL_LAYERS)}
    found: list[tuple[cst.CSTNode, Edit, str]] = []
    for container in m.findall(program.module, m.List()):  # Sequential([...])
        owner = program.parent(program.parent(container))
        if not (isinstance(owner, cst.Call) and callee_name(owner) == "Sequential"):
            continue
        for i, element in enumerate(container.elements):
            if id(element.value) in hidden and _removable(program, element.value):
                found.append(
                    (
                        element.value,
                        Edit(container, lambda upd, i=i: without_element(upd, i)),
                        f"removed hidden layer {program.code(element.value)}",
                    )
                )
    for call in program.method_calls("add"):  # model.add(layer)
        layer = call.args[0].value if call.args else None
        if isinstance(layer, cst.Call) and id(layer) in hidden and _removable(program, layer):
            if hidden[id(layer)].in_loop:
                found += _shorter_loop(program, call)
            else:
                found.append(
                    (layer, Edit(program.statement_of(call), REMOVE), f"removed hidden layer {program.code(layer)}")
                )
    for statement in m.findall(program.module, m.SimpleStatementLine()):  # x = Dense(...)(x) / x = self.d(x)
        layer = _layer_applied_in_place(program, statement, hidden)
        if layer is None:
            continue
        if program.in_loop(statement):
            found += _shorter_loop(program, statement)
        else:
            found.append((layer, Edit(statement, REMOVE), f"removed hidden layer {program.code(layer)}"))
    return found


def _layer_applied_in_place(program: Program, statement: cst.SimpleStatementLine, hidden: dict) -> cst.Call | None:
    body = statement.body[0] if len(statement.body) == 1 else None
    if not (isinstance(body, cst.Assign) and len(body.targets) == 1 and isinstance(body.targets[0].target, cst.Name)):
        return None
    value = body.value
    if not (
        isinstance(value, cst.Call)
        and len(value.args) >= 1
        and m.matches(value.args[0].value, m.Name(body.targets[0].target.value))
    ):
        return None
    layer = value.func
    if isinstance(layer, cst.Attribute) and m.matches(layer.value, m.Name("self")):  # subclassed: self.hidden2(x)
        for cls in program.classes.values():
            for init in m.findall(cls, m.FunctionDef(name=m.Name("__init__"))):
                built = program.self_attributes(init).get(layer.attr.value)
                if built is not None and id(built) in hidden and _removable(program, built):
                    return built
        return None
    if isinstance(layer, cst.Call) and id(layer) in hidden and _removable(program, layer):
        return layer
    return None


def _shorter_loop(program: Program, inside: cst.CSTNode) -> list[tuple[cst.CSTNode, Edit, str]]:
    """A layer built in `for units in [64, 32]` / `for _ in range(DEPTH)`: one iteration fewer."""
    loop = program.enclosing(inside, (cst.For,))
    if not isinstance(loop, cst.For):
        return []
    iterable = program.resolve(loop.iter)
    if isinstance(iterable, (cst.List, cst.Tuple)) and len(iterable.elements) >= 2:
        i = len(iterable.elements) // 2
        removed = program.code(iterable.elements[i].value)
        return [
            (
                iterable,
                Edit(iterable, lambda upd, i=i: without_element(upd, i)),
                f"removed hidden layer {removed} from {program.code(iterable)}",
            )
        ]
    if isinstance(iterable, cst.Call) and callee_name(iterable) == "range" and len(iterable.args) == 1:
        count = program.resolve(iterable.args[0].value)
        if isinstance(count, cst.Integer) and int(count.evaluated_value) >= 2:
            n = int(count.evaluated_value)
            return [(count, Edit(count, cst.Integer(str(n - 1))), f"hidden layers {n} -> {n - 1}")]
    return []


@dataclass(frozen=True)
class RemoveLayer(Operator):
    def propose(self, program: Program, rng: random.Random) -> Change | None:
        candidates = _candidates(program)
        if not candidates:
            return None
        _, edit, description = rng.choice(candidates)
        new_text = edit.replacement.value if isinstance(edit.replacement, cst.Integer) else None
        return Change([edit], description, new_text)


@dataclass(frozen=True)
class Bottleneck(Operator):
    def propose(self, program: Program, rng: random.Random) -> Change | None:
        holders = []
        for layer in program.hidden_layers(KERNEL_LAYERS):
            arg = program.argument(layer.call, "filters" if "Conv" in layer.kind else "units", 0)
            if arg is None:
                continue
            holder = program.resolve(arg.value)
            if isinstance(holder, cst.Integer) and int(holder.evaluated_value) > 1:
                holders.append((layer.call, holder))
        if not holders:
            return None
        layer, holder = rng.choice(holders)
        return Change(
            [Edit(holder, cst.Integer("1"))],
            f"hidden layer {program.code(layer).split('(')[0]} width {holder.value} -> 1",
            "1",
        )

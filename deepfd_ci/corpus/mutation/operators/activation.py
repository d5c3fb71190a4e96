"""Activation operators: DeepFD's last-layer activation replacement, and our saturating hidden
activations (sigmoid/tanh throughout a deep ReLU network, where gradients vanish)."""

from __future__ import annotations

import random
from dataclasses import dataclass

import libcst as cst

from deepfd_ci.corpus.mutation.edits import Edit, set_keyword
from deepfd_ci.corpus.mutation.operators.base import Change, Operator, string_like
from deepfd_ci.corpus.mutation.program import (
    ACTIVATION_LAYERS,
    KERNEL_LAYERS,
    RECURRENT_LAYERS,
    Program,
    callee_name,
    string_value,
)

# DeepFD's replacement set for the last layer.
LAST_LAYER = ("relu", "sigmoid", "softmax", "softplus", "softsign", "tanh", "selu", "elu", "linear")
SATURATING = ("sigmoid", "tanh")
_NON_SATURATING = frozenset({"relu", "elu", "selu", "gelu", "swish", "silu", "leaky_relu", "relu6", "mish"})


def activation_holder(program: Program, layer: cst.Call) -> cst.BaseExpression | None:
    """The expression that sets a layer's activation (after data flow); None if it uses the default."""
    if callee_name(layer) in ACTIVATION_LAYERS:
        arg = program.argument(layer, "activation", 0)
    else:
        arg = program.argument(layer, "activation")
    return program.resolve(arg.value) if arg is not None else None


def activation_name(node: cst.BaseExpression | None) -> str:
    if node is None or (isinstance(node, cst.Name) and node.value == "None"):
        return "linear"
    text = string_value(node)
    if text is not None:
        return text
    if isinstance(node, cst.Attribute):  # keras.activations.softmax
        return node.attr.value
    return "?"


@dataclass(frozen=True)
class LastLayerActivation(Operator):
    def propose(self, program: Program, rng: random.Random) -> Change | None:
        outputs = [
            c for c in program.output_layers() if callee_name(c) in (KERNEL_LAYERS - RECURRENT_LAYERS) | {"Activation"}
        ]
        if not outputs:
            return None
        layer = rng.choice(outputs)
        holder = activation_holder(program, layer)
        current = activation_name(holder)
        new = rng.choice([a for a in LAST_LAYER if a != current])
        literal = string_like(holder, new)
        if holder is None:
            edit = Edit(layer, lambda updated: set_keyword(updated, "activation", literal))
        else:
            edit = Edit(holder, literal)
        return Change([edit], f"output activation {current} -> {new}", literal.value)


@dataclass(frozen=True)
class HiddenActivation(Operator):
    def propose(self, program: Program, rng: random.Random) -> Change | None:
        holders: dict[int, cst.BaseExpression] = {}
        depth = 0
        for layer in program.hidden_layers((KERNEL_LAYERS - RECURRENT_LAYERS) | {"Activation"}):
            holder = activation_holder(program, layer.call)
            if activation_name(holder) not in _NON_SATURATING:
                continue
            holders[id(holder)] = holder
            depth += 2 if layer.in_loop else 1
        if depth < 2:
            return None  # a shallow net trains fine with sigmoid: not a fault
        new = rng.choice(SATURATING)
        edits = [Edit(h, string_like(h, new)) for h in holders.values()]
        old = sorted({activation_name(h) for h in holders.values()})
        return Change(edits, f"hidden activations {'/'.join(old)} -> {new} ({len(edits)} site(s))", f"{new}")

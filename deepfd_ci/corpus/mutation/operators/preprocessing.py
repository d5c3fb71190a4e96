"""Our preprocessing operators: inputs or regression targets left unnormalized, or scaled up
(multiplied instead of divided by their constant, else x255 for inputs and x1000 for targets).

A normalization site is a division of data (`x / 16.0`, `(y - y.mean()) / y.std()`) or a
scikit-learn scaler's `fit_transform`/`transform`, in a statement that builds what `fit` receives
as inputs (or targets). All sites of one side change together, so training and validation data
stay consistent and the fault is the scaling, not a train/validation mismatch.

Label-encoding faults of classifiers (one-hot vs class ids, ids out of range) are not generated:
Keras rejects every such variant at the first batch, so they are crashes, not training faults.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import libcst as cst
import libcst.matchers as m

from deepfd_ci.corpus.mutation.edits import REMOVE, Edit, code_of
from deepfd_ci.corpus.mutation.flow import fit_flow
from deepfd_ci.corpus.mutation.operators.base import Change, Operator
from deepfd_ci.corpus.mutation.program import (
    SCALERS,
    Program,
    callee_name,
    number_value,
)

_SCALER_METHODS = frozenset({"fit_transform", "transform"})


@dataclass(frozen=True)
class Site:
    statement: cst.SimpleStatementLine
    scaled: cst.BaseExpression  # the normalizing expression
    raw: cst.BaseExpression  # what it normalizes


def normalization_sites(program: Program, side: str) -> list[Site]:
    """Normalizing expressions in the statements that build the fit inputs ("input") or targets."""
    sites: list[Site] = []
    for fit_call in program.fit_calls()[:1]:
        flow = fit_flow(program, fit_call)
        names = flow.x_names if side == "input" else flow.y_names
        for statement in flow.statements_defining(names):
            if flow.role(statement) != side:
                continue
            found = _site_in(program, statement)
            if found is not None:
                sites.append(found)
    return sites


def _site_in(program: Program, statement: cst.SimpleStatementLine) -> Site | None:
    for node in m.findall(statement, m.BinaryOperation(operator=m.Divide()) | m.Call()):
        if isinstance(node, cst.BinaryOperation):
            if isinstance(node.left, (cst.Integer, cst.Float)):
                continue
            raw = node.left
            if isinstance(raw, cst.BinaryOperation) and isinstance(raw.operator, cst.Subtract):
                raw = raw.left  # (x - mean) / std -> x
            return Site(statement, node, raw.with_changes(lpar=[], rpar=[]))
        if _is_scaler_call(program, node) and node.args:
            return Site(statement, node, node.args[0].value)
    return None


def _is_scaler_call(program: Program, call: cst.Call) -> bool:
    if not isinstance(call.func, cst.Attribute) or call.func.attr.value not in _SCALER_METHODS:
        return False
    receiver = program.resolve(call.func.value)
    while (
        isinstance(receiver, cst.Call)
        and isinstance(receiver.func, cst.Attribute)
        and receiver.func.attr.value == "fit"
    ):
        receiver = receiver.func.value  # StandardScaler().fit(X)
    return isinstance(receiver, cst.Call) and callee_name(receiver) in SCALERS


def _assigns_to_itself(program: Program, site: Site) -> bool:
    """`x = scaler.fit_transform(x)`: without the scaling the statement would be `x = x`."""
    body = site.statement.body[0]
    return (
        isinstance(body, cst.Assign)
        and len(body.targets) == 1
        and body.value is site.scaled
        and program.code(body.targets[0].target) == program.code(site.raw)
    )


@dataclass(frozen=True)
class Rescale(Operator):
    side: str = "input"  # "input" | "target"
    factor: float | None = None  # None: remove the normalization; else scale the data up

    def propose(self, program: Program, rng: random.Random) -> Change | None:
        sites = normalization_sites(program, self.side)
        if not sites:
            return None
        what = "inputs" if self.side == "input" else "targets"
        removed = ", ".join(program.code(s.scaled) for s in sites)
        if self.factor is None:
            edits = [
                Edit(s.statement, REMOVE) if _assigns_to_itself(program, s) else Edit(s.scaled, s.raw) for s in sites
            ]
            kept = [program.code(s.raw) for s, e in zip(sites, edits) if e.replacement is not REMOVE]
            return Change(edits, f"{what} not normalized: removed {removed}", kept[0] if kept else None)
        new_nodes = [_scaled_up(program, s, self.factor) for s in sites]
        news = ", ".join(code_of(n) for n in new_nodes)
        return Change(
            [Edit(s.scaled, n) for s, n in zip(sites, new_nodes)],
            f"{what} scaled up: {removed} -> {news}",
            code_of(new_nodes[0]),
        )


def _scaled_up(program: Program, site: Site, factor: float) -> cst.BaseExpression:
    """`x / 255.0` -> `x * 255.0` (multiplied instead of divided by a constant); anything else
    (standardization, a scaler) -> `(...) * factor`."""
    node = site.scaled
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Divide):
        divisor = number_value(program.resolve(node.right))
        if divisor is not None and abs(divisor) >= 2:
            return node.with_changes(
                operator=cst.Multiply(
                    whitespace_before=node.operator.whitespace_before, whitespace_after=node.operator.whitespace_after
                )
            )
    left = node
    if isinstance(node, cst.BinaryOperation) and not node.lpar:
        left = node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    product = cst.BinaryOperation(
        left=left,
        operator=cst.Multiply(whitespace_before=cst.SimpleWhitespace(" "), whitespace_after=cst.SimpleWhitespace(" ")),
        right=cst.Float(repr(float(factor))),
    )
    if isinstance(program.parent(node), (cst.Attribute, cst.Subscript, cst.BinaryOperation, cst.UnaryOperation)):
        product = product.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return product

"""Which statements build the inputs and which build the targets given to `fit`.

A name-level data-flow graph over the script's assignments, precise enough for training scripts:
tuple assignments pair element-wise, `train_test_split(X, y)` sends X to the even targets and y to
the odd ones, a call to a local function flows from its `return`, and
`Dataset.from_tensor_slices((x, y))` tags x as input and y as target so a dataset passed alone to
`fit` still splits into its two sides. Names are matched by spelling across scopes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import libcst as cst
import libcst.matchers as m

from deepfd_ci.corpus.mutation.program import Program, callee_name, names_in

Edge = tuple[str, str | None]  # (source name, "x" | "y" | None)


@dataclass
class FitFlow:
    x_roots: set[str]
    y_roots: set[str]
    x_names: set[str] = field(default_factory=set)  # every name the inputs are computed from
    y_names: set[str] = field(default_factory=set)
    definers: dict[str, list[cst.SimpleStatementLine]] = field(default_factory=dict)
    lines: dict[int, int] = field(default_factory=dict)  # id(statement) -> line, for ordering

    def statements_defining(self, names: set[str]) -> list[cst.SimpleStatementLine]:
        found = {id(s): s for name in names for s in self.definers.get(name, [])}
        return sorted(found.values(), key=lambda s: self.lines[id(s)])

    def role(self, statement: cst.SimpleStatementLine) -> str | None:
        """ "input" if the statement defines something the inputs come from, else "target" if the
        targets come from it, else None."""
        defined = {name for name, stmts in self.definers.items() if statement in stmts}
        if defined & self.x_names:
            return "input"
        if defined & self.y_names:
            return "target"
        return None


def fit_flow(program: Program, fit_call: cst.Call) -> FitFlow:
    edges: dict[str, list[Edge]] = defaultdict(list)
    definers: dict[str, list[cst.SimpleStatementLine]] = defaultdict(list)
    lines: dict[int, int] = {}
    builder = _GraphBuilder(program, edges, definers)
    for statement in m.findall(program.module, m.SimpleStatementLine()):
        lines[id(statement)] = program.line(statement)
        for small in statement.body:
            builder.add(small, statement)

    x_arg = program.argument(fit_call, "x", 0)
    y_arg = program.argument(fit_call, "y", 1)
    x_roots = names_in(x_arg.value) if x_arg is not None else set()
    y_roots = names_in(y_arg.value) if y_arg is not None else set(x_roots)
    validation = program.argument(fit_call, "validation_data")
    if validation is not None:
        value = validation.value
        if isinstance(value, cst.Tuple) and len(value.elements) >= 2:
            x_roots |= names_in(value.elements[0].value)
            y_roots |= names_in(value.elements[1].value)
        else:
            x_roots |= names_in(value)
            y_roots |= names_in(value)
    flow = FitFlow(x_roots, y_roots, definers=dict(definers), lines=lines)
    flow.x_names = _closure(x_roots, edges, "x")
    flow.y_names = _closure(y_roots, edges, "y")
    return flow


def _closure(roots: set[str], edges: dict[str, list[Edge]], side: str) -> set[str]:
    seen = set(roots)
    stack = list(roots)
    while stack:
        for source, tag in edges.get(stack.pop(), []):
            if (tag is None or tag == side) and source not in seen:
                seen.add(source)
                stack.append(source)
    return seen


class _GraphBuilder:
    def __init__(
        self, program: Program, edges: dict[str, list[Edge]], definers: dict[str, list[cst.SimpleStatementLine]]
    ) -> None:
        self.program = program
        self.edges = edges
        self.definers = definers

    def add(self, small: cst.BaseSmallStatement, statement: cst.SimpleStatementLine) -> None:
        if isinstance(small, cst.Assign):
            for target in small.targets:
                self.link(target.target, small.value, statement, depth=0)
        elif isinstance(small, (cst.AugAssign, cst.AnnAssign)) and small.value is not None:
            self.link(small.target, small.value, statement, depth=0)
            base = _base_name(small.target)
            if isinstance(small, cst.AugAssign) and base is not None:
                self.edges[base].append((base, None))

    def link(
        self, target: cst.BaseExpression, value: cst.BaseExpression, statement: cst.SimpleStatementLine, depth: int
    ) -> None:
        if depth > 6:
            return
        if isinstance(target, (cst.Tuple, cst.List)):
            self._link_sequence(target, value, statement, depth)
            return
        name = _base_name(target)
        if name is None:
            return
        self.definers[name].append(statement)
        self.edges[name].extend(_sources(value))
        if not isinstance(target, cst.Name):  # `x[mask] += 3`: x keeps flowing from itself
            self.edges[name].append((name, None))

    def _link_sequence(
        self, target: cst.Tuple | cst.List, value: cst.BaseExpression, statement: cst.SimpleStatementLine, depth: int
    ) -> None:
        targets = [e.value for e in target.elements]
        if isinstance(value, (cst.Tuple, cst.List)) and len(value.elements) == len(targets):
            for t, v in zip(targets, value.elements):
                self.link(t, v.value, statement, depth + 1)
            return
        if isinstance(value, cst.Call) and callee_name(value) == "train_test_split":
            arrays = [a.value for a in value.args if a.keyword is None and not a.star]
            for i, t in enumerate(targets):
                if i // 2 < len(arrays):
                    self.link(t, arrays[i // 2], statement, depth + 1)
            return
        if (
            isinstance(value, cst.Call)
            and isinstance(value.func, cst.Name)
            and value.func.value in self.program.functions
        ):
            function = self.program.functions[value.func.value]
            returns = [r.value for r in m.findall(function, m.Return()) if r.value is not None]
            for returned in returns:
                self.link(target, returned, statement, depth + 1)
            if returns:
                return
        for t in targets:
            self.link(t, value, statement, depth + 1)


def _base_name(target: cst.BaseExpression) -> str | None:
    while isinstance(target, (cst.Subscript, cst.Attribute)):
        target = target.value
    return target.value if isinstance(target, cst.Name) else None


def _sources(value: cst.BaseExpression) -> list[Edge]:
    """Names a value is computed from; the two halves of `from_tensor_slices((x, y))` are tagged."""
    tagged: list[Edge] = []
    inside: set[str] = set()
    for call in m.findall(value, m.Call()):
        if callee_name(call) != "from_tensor_slices" or not call.args:
            continue
        pair = call.args[0].value
        if isinstance(pair, cst.Tuple) and len(pair.elements) == 2:
            for element, side in zip(pair.elements, ("x", "y")):
                names = names_in(element.value)
                tagged.extend((n, side) for n in names)
                inside |= names
    return tagged + [(n, None) for n in names_in(value) - inside]

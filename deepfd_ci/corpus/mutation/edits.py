"""Apply an operator's node replacements to a parsed script and find the lines that changed.

Operators find their targets on a `Program` (which holds the parsed module and its metadata)
and describe the change as `Edit`s keyed by node identity; one generic transformer applies them.
Keeping the search (data flow, metadata) apart from the rewrite keeps every operator small.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst

REMOVE = cst.RemovalSentinel.REMOVE

# A replacement is a new node, REMOVE (drop a statement / list element / argument), or a function
# of the updated node (so an edit on a parent composes with edits on its children).
Replacement = cst.CSTNode | cst.RemovalSentinel | Callable[[cst.CSTNode], cst.CSTNode]


@dataclass
class Edit:
    target: cst.CSTNode
    replacement: Replacement


class _ApplyEdits(cst.CSTTransformer):
    def __init__(self, edits: list[Edit]) -> None:
        super().__init__()
        self._by_node = {id(e.target): e.replacement for e in edits}
        self.applied = 0

    def on_leave(self, original_node, updated_node):  # type: ignore[override]
        replacement = self._by_node.get(id(original_node))
        if replacement is None:
            return updated_node
        self.applied += 1
        if replacement is REMOVE:
            return cst.RemoveFromParent()
        if callable(replacement):
            return replacement(updated_node)
        return _keep_parentheses(original_node, replacement)


def _keep_parentheses(original: cst.CSTNode, replacement: cst.CSTNode) -> cst.CSTNode:
    """A replaced expression keeps the parentheses written around the original."""
    lpar = getattr(original, "lpar", None)
    if lpar and hasattr(replacement, "lpar") and not replacement.lpar:
        return replacement.with_changes(lpar=lpar, rpar=original.rpar)
    return replacement


def apply_edits(module: cst.Module, edits: list[Edit]) -> str:
    """The new source; raises ValueError if an edit's target is not in `module`."""
    transformer = _ApplyEdits(edits)
    code = module.visit(transformer).code
    if transformer.applied != len({id(e.target) for e in edits}):
        raise ValueError("an edit targets a node that is not part of the module")
    return _fix_one_tuples(code)


def _fix_one_tuples(code: str) -> str:
    """Removing an element can leave `(64)`, which is an int, not a tuple: put the comma back."""

    class _Fix(cst.CSTTransformer):
        def leave_Tuple(self, original: cst.Tuple, updated: cst.Tuple) -> cst.Tuple:
            if len(updated.elements) == 1 and not isinstance(updated.elements[0].comma, cst.Comma):
                return updated.with_changes(elements=[updated.elements[0].with_changes(comma=cst.Comma())])
            return updated

    return cst.parse_module(code).visit(_Fix()).code


def expression(code: str) -> cst.BaseExpression:
    return cst.parse_expression(code)


def with_keyword(call: cst.Call, keyword: str, value: cst.BaseExpression) -> cst.Call:
    """`call` with `keyword=value` appended, in the call's own argument layout."""
    new = cst.Arg(
        value=value,
        keyword=cst.Name(keyword),
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
    )
    args = list(call.args)
    if not args:
        return call.with_changes(args=[new])
    last = args[-1]
    separator = (
        args[-2].comma
        if len(args) >= 2 and isinstance(args[-2].comma, cst.Comma)
        else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    )
    args[-1] = last.with_changes(comma=separator)
    args.append(new.with_changes(comma=last.comma))
    return call.with_changes(args=args)


def set_keyword(call: cst.Call, keyword: str, value: cst.BaseExpression) -> cst.Call:
    """`call` with `keyword=value`, replacing the argument if it is already passed by keyword."""
    for i, arg in enumerate(call.args):
        if arg.keyword is not None and arg.keyword.value == keyword:
            args = list(call.args)
            args[i] = arg.with_changes(value=value)
            return call.with_changes(args=args)
    return with_keyword(call, keyword, value)


def without_element(container: cst.List | cst.Tuple, index: int) -> cst.List | cst.Tuple:
    """The list/tuple without element `index`; the last kept element inherits the removed comma."""
    elements = list(container.elements)
    removed = elements.pop(index)
    if index == len(elements) and elements:
        elements[-1] = elements[-1].with_changes(comma=removed.comma)
    return container.with_changes(elements=elements)


# -- changed lines ----------------------------------------------------------------------------


def changed_lines(before: str, after: str) -> list[int]:
    """1-based lines of `after` that an edit produced. A pure deletion reports the line just
    above the removed text (where the missing statement or layer belonged), or, when that line
    only closes a multi-line statement, the line the statement starts on."""
    lines: set[int] = set()
    for tag, _i1, _i2, j1, j2 in _opcodes(before, after):
        if tag in ("replace", "insert"):
            lines.update(range(j1 + 1, j2 + 1))
        elif tag == "delete":
            lines.add(_statement_start(after, max(1, j1)))
    return sorted(lines)


def _statement_start(source: str, line: int) -> int:
    text = source.splitlines()[line - 1].strip() if source else ""
    if not text or text[0] not in ")]}":
        return line
    starts = [
        n.lineno
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.stmt) and getattr(n, "end_lineno", None) == line
    ]
    return min(starts, default=line)


def code_of(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def carry_lines(lines: list[int], before: str, after: str) -> list[int]:
    """Where lines of `before` ended up in `after` (for faults applied earlier in a mutant)."""
    opcodes = _opcodes(before, after)
    moved: set[int] = set()
    for line in lines:
        i = line - 1
        for tag, i1, i2, j1, j2 in opcodes:
            if not i1 <= i < i2:
                continue
            if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
                moved.add(j1 + (i - i1) + 1)
            elif tag == "replace":
                moved.update(range(j1 + 1, j2 + 1))
            else:  # deleted: the line above the gap
                moved.add(max(1, j1))
            break
    return sorted(moved)


def _opcodes(before: str, after: str) -> list[tuple[str, int, int, int, int]]:
    return difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False).get_opcodes()

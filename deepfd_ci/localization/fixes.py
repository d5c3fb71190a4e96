"""Turn a fix (edits on libcst nodes) into a GitHub suggestion: whole original lines -> new lines.

Edits are applied to the file's tree by node identity, so everything else keeps its exact
formatting; the suggestion is the smallest run of lines that differs (widened to the lines the
finding points at), and it is only returned if the patched file still parses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import libcst as cst

from deepfd_ci.localization.patch import apply_suggestion
from deepfd_ci.localization.source import SourceFile, normalize_qualified
from deepfd_ci.records import Suggestion

EditKind = Literal["replace", "insert_before", "insert_after", "remove"]


@dataclass
class Edit:
    """One change to a node: replace it, remove it, or add statements/elements next to it."""

    target: cst.CSTNode
    kind: EditKind
    new: cst.CSTNode | None = None  # for "replace"
    added: list[cst.CSTNode] = field(default_factory=list)  # for inserts: statements or elements


class _ApplyEdits(cst.CSTTransformer):
    def __init__(self, edits: list[Edit]) -> None:
        super().__init__()
        self.by_target: dict[int, list[Edit]] = {}
        for edit in edits:
            self.by_target.setdefault(id(edit.target), []).append(edit)

    def on_leave(self, original_node, updated_node):  # noqa: ANN001 (libcst signature)
        edits = self.by_target.get(id(original_node))
        if not edits:
            return updated_node
        before: list[cst.CSTNode] = []
        after: list[cst.CSTNode] = []
        node = updated_node
        for edit in edits:
            if edit.kind == "replace":
                node = edit.new
            elif edit.kind == "remove":
                node = None
            elif edit.kind == "insert_before":
                before += edit.added
            else:
                after += edit.added
        if node is None and not before and not after:
            return cst.RemoveFromParent()
        if not before and not after:
            return node
        return cst.FlattenSentinel([*before, *([node] if node is not None else []), *after])


def render(file: SourceFile, edits: list[Edit], cover: list[int]) -> tuple[Suggestion | None, str | None]:
    """(the suggestion that applies `edits`, spanning at least the lines in `cover`, None) or
    (None, why not): the edits change nothing, or would leave the file unable to compile (a
    suggestion is never broken code).
    """
    if not edits:
        return None, None
    try:
        new_text = file.module.visit(_ApplyEdits(edits)).code
    except Exception:  # libcst rejects an impossible tree (e.g. removing a required node)
        return None, "no automatic fix could be made that keeps the file valid"
    if new_text == file.text:
        return None, "the source already has the suggested value"
    old, new = file.text.splitlines(), new_text.splitlines()
    prefix = 0
    while prefix < min(len(old), len(new)) and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(old), len(new)) - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    # Any range [start, end] with start <= first changed line and end >= last changed line works.
    lines = [line for line in cover if 0 < line <= len(old)]
    start = min([prefix + 1, *lines])
    end = max([len(old) - suffix, *lines])
    if end < start:  # a pure insertion with nothing to anchor on: take the line before it
        start = min(start, max(prefix, 1))
        end = max(end, start)
    replacement = "\n".join(new[start - 1 : len(new) - (len(old) - end)])
    suggestion = Suggestion(line=start, end_line=end, replacement=replacement)
    try:
        patched = apply_suggestion(file.text, suggestion)
    except ValueError:
        return None, "no automatic fix could be made that keeps the file valid"
    if patched.splitlines() != new:  # cannot happen by construction; never publish if it does
        return None, "no automatic fix could be made that keeps the file valid"
    return suggestion, None


# -- building blocks -----------------------------------------------------------------------


def expression(code: str) -> cst.BaseExpression:
    return cst.parse_expression(code)


def replace(node: cst.CSTNode, code: str) -> Edit:
    """Replace an expression, keeping parentheses that wrap it."""
    new = expression(code)
    if isinstance(node, cst.BaseExpression) and (node.lpar or node.rpar):
        new = new.with_changes(lpar=node.lpar, rpar=node.rpar)
    return Edit(node, "replace", new)


def add_keyword(call: cst.Call, name: str, code: str) -> Edit:
    """`f(a, b=1)` -> `f(a, b=1, name=code)`, matching the call's comma and `=` spacing."""
    keywords = [a for a in call.args if a.keyword is not None]
    equal = (
        keywords[0].equal
        if keywords and isinstance(keywords[0].equal, cst.AssignEqual)
        else cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
        )
    )
    args = list(call.args)
    new_arg = cst.Arg(value=expression(code), keyword=cst.Name(name), equal=equal)
    if args:
        last = args[-1]
        separator = args[-2].comma if len(args) >= 2 and isinstance(args[-2].comma, cst.Comma) else None
        if isinstance(last.comma, cst.Comma):  # trailing comma: the new argument takes it over
            new_arg = new_arg.with_changes(comma=last.comma)
            if separator is None:
                gap = call.whitespace_before_args
                separator = cst.Comma(
                    whitespace_after=gap
                    if isinstance(gap, cst.ParenthesizedWhitespace)
                    else cst.SimpleWhitespace(" ")
                )
        if separator is not None:
            args[-1] = last.with_changes(comma=separator)
    return Edit(call, "replace", call.with_changes(args=[*args, new_arg]))


def statements(*lines: str) -> list[cst.CSTNode]:
    return [cst.parse_statement(line + "\n") for line in lines]


def insert_after(stmt: cst.CSTNode, *lines: str) -> Edit:
    return Edit(stmt, "insert_after", added=statements(*lines))


def insert_before(stmt: cst.CSTNode, *lines: str) -> Edit:
    return Edit(stmt, "insert_before", added=statements(*lines))


def remove(node: cst.CSTNode) -> Edit:
    return Edit(node, "remove")


def insert_element_before(element: cst.Element, code: str, comma: cst.Comma) -> Edit:
    """A new list element before `element`, separated like its neighbours."""
    return Edit(element, "insert_before", added=[cst.Element(value=expression(code), comma=comma)])


# -- names the fix may use -----------------------------------------------------------------


def keras_reference(file: SourceFile, package: str, name: str) -> tuple[str, str | None]:
    """How this file can spell `keras.<package>.<name>`: (expression, import to add or None).

    Prefers names the script already imported (`Adam`, `optimizers.Adam`, `keras.optimizers.Adam`,
    `tf.keras.optimizers.Adam`) so the fix adds nothing that does not resolve.
    """
    wanted = f"keras.{package}.{name}"
    normalized = {local: normalize_qualified(full) for local, full in file.imports.items()}
    for local, full in normalized.items():
        if full == wanted:
            return local, None
    for local, full in normalized.items():
        if full == f"keras.{package}":
            return f"{local}.{name}", None
    for local, full in normalized.items():
        if full == "keras":
            return f"{local}.{package}.{name}", None
    for local, full in file.imports.items():
        if full == "tensorflow":
            return f"{local}.keras.{package}.{name}", None
    uses_tf = any(full.startswith("tensorflow") for full in file.imports.values())
    base = "tensorflow.keras" if uses_tf else "keras"
    return name, f"from {base}.{package} import {name}"

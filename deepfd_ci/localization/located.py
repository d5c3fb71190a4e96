"""What a locator returns (ranked nodes + edits + how sure), and the context locators share."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from deepfd_ci.localization import fixes
from deepfd_ci.localization.anchors import Anchors
from deepfd_ci.localization.dataflow import Origin, Project, Resolver
from deepfd_ci.localization.source import SourceFile
from deepfd_ci.localization.values import matches
from deepfd_ci.records import StaticFacts


@dataclass
class Context:
    """Everything a locator may consult for one script."""

    project: Project
    resolver: Resolver
    anchors: Anchors
    facts: StaticFacts | None

    @property
    def script(self) -> SourceFile:
        return self.project.script


@dataclass
class Located:
    """A fault's statements: `primary` first, then `related` (same file), and the fix."""

    file: SourceFile
    primary: cst.CSTNode
    related: list[cst.CSTNode] = field(default_factory=list)
    edits: list[fixes.Edit] = field(default_factory=list)
    how: str = "dataflow"  # dataflow | keyword | fallback
    note: str | None = None
    sentence: str | None = None  # one evidence sentence: where the value is set

    def lines(self) -> list[int]:
        ordered = [self.file.line(self.primary)]
        for node in self.related:
            line = self.file.line(node)
            if line not in ordered:
                ordered.append(line)
        return ordered


def from_origin(
    origin: Origin,
    edits: list[fixes.Edit],
    what: str,
    anchors: list[tuple[SourceFile, cst.CSTNode]] = (),
    alternatives: list[Origin] = (),
    observed: object = None,
) -> Located:
    """A Located for a value followed by data flow: the origin first, then other assignments that
    may set it, the statements it passes through (nearest first), and the anchors (e.g. compile).

    When several assignments can set the value and the run's value does not single one out, the
    note says which other lines may set it.
    """
    file = origin.file
    others = [o for o in alternatives if o is not origin and o.file is file and o.line != origin.line]
    related = [o.node for o in others]
    related += [hop.node for hop in reversed(origin.hops) if hop.file is file]
    related += [node for f, node in anchors if f is file]
    how = "dataflow" if origin.certain else "fallback"
    note = origin.note
    if others and note is None and not matches(origin.value, observed):
        note = "the value may also be set at line " + ", ".join(str(o.line) for o in others)
    return Located(file, origin.node, related, edits, how, note, describe(file, origin.node, what, origin))


def describe(file: SourceFile, node: cst.CSTNode, what: str, origin: Origin | None = None) -> str:
    """`The learning rate is set at line 3: `LR = 10.0` (used at line 20).`"""
    if origin is not None and not origin.certain:
        where = f"line {file.line(node)} (`{file.snippet(node)}`)"
        return f"{what} reaches {where}; where it is set is not visible in the source."
    sentence = f"{what} is set at line {file.line(node)}: `{file.snippet(node)}`"
    if origin is not None and origin.hops:
        use = origin.hops[0]
        if use.file is not file:
            sentence += f" (used at line {use.line} of {use.file.path})"
        elif use.line != file.line(node):
            sentence += f" (used at line {use.line})"
    return sentence + "."


def value_edit(origin: Origin, code: str) -> list[fixes.Edit]:
    """Edits that make `origin` produce the value `code` (empty when nothing can be rewritten)."""
    node = origin.node
    if isinstance(node, cst.AugAssign):  # `lr *= 100`: make it a plain assignment
        new = cst.Assign(targets=[cst.AssignTarget(node.target)], value=fixes.expression(code))
        return [fixes.Edit(node, "replace", new)]
    if isinstance(node, (cst.Param, cst.FunctionDef, cst.ClassDef, cst.Import, cst.ImportFrom, cst.Module)):
        return []
    if isinstance(node, cst.Call) and not origin.certain:
        return []  # e.g. `add_argument` without a default: the value is not in the source
    if isinstance(node, cst.BaseExpression):
        return [fixes.replace(node, code)]
    return []


def with_import(
    file: SourceFile, anchor: cst.CSTNode, edits: list[fixes.Edit], import_line: str | None
) -> list[fixes.Edit]:
    """Add the import a fix needs right before the statement it edits (one contiguous block)."""
    if import_line is None:
        return edits
    return [fixes.insert_before(file.statement(anchor), import_line), *edits]

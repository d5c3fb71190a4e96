"""One parsed Python file with the metadata every locator needs (positions, parents, scopes, imports).

Parsing and metadata resolution happen once per file; locators and the data-flow resolver only ask
questions ("which line", "which statement", "what does this callee name") and never re-parse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import libcst as cst
from libcst.metadata import (
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    QualifiedNameSource,
    ScopeProvider,
)

# Spellings of the Keras namespace that all mean the same API for our purposes.
_KERAS_PREFIXES = (
    "tensorflow.python.keras.",
    "tensorflow.keras.",
    "tf_keras.",
    "keras.api.",
    "keras.src.",
)

# Calls that run code the analysis cannot see: names they define are invisible to data flow.
DYNAMIC_CALLS = {"exec", "eval", "globals", "locals", "setattr", "__import__"}


def normalize_qualified(name: str) -> str:
    """`tensorflow.keras.optimizers.SGD` -> `keras.optimizers.SGD` (one spelling per API)."""
    for prefix in _KERAS_PREFIXES:
        if name.startswith(prefix):
            return "keras." + name[len(prefix) :]
    if name == "tensorflow.keras":
        return "keras"
    return name


def dotted(node: cst.CSTNode) -> str | None:
    """Source spelling of a Name/Attribute chain (`keras.optimizers.SGD`), else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def last_name(node: cst.CSTNode) -> str | None:
    """The final identifier of a callee (`SGD` for `keras.optimizers.SGD`)."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return None


@dataclass
class CallInfo:
    node: cst.Call
    qualified: str | None  # normalized qualified name of the callee when imports tell it
    name: str | None  # last identifier of the callee


class _CallCollector(cst.CSTVisitor):
    """Every call in source order, with the callee's qualified name (imports resolved)."""

    METADATA_DEPENDENCIES = (QualifiedNameProvider,)

    def __init__(self) -> None:
        self.calls: list[CallInfo] = []

    def visit_Call(self, node: cst.Call) -> None:
        if not isinstance(node.func, (cst.Name, cst.Attribute)):  # `Dense(8)(x)`: the inner call counts
            self.calls.append(CallInfo(node, None, None))
            return
        names = self.get_metadata(QualifiedNameProvider, node.func, set())
        imported = sorted(q.name for q in names if q.source == QualifiedNameSource.IMPORT)
        qualified = normalize_qualified(imported[0]) if imported else None
        self.calls.append(CallInfo(node, qualified, last_name(node.func)))


class _ImportCollector(cst.CSTVisitor):
    """Local names bound by imports anywhere in the file -> the dotted thing they refer to."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.star_imports: list[cst.ImportFrom] = []

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = dotted(alias.name) or ""
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.names[alias.asname.name.value] = full
            else:
                root = full.split(".")[0]
                self.names.setdefault(root, root)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = "." * len(node.relative) + (dotted(node.module) or "")
        if isinstance(node.names, cst.ImportStar):
            self.star_imports.append(node)
            return
        for alias in node.names:
            name = dotted(alias.name) or ""
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self.names[local] = f"{module}.{name}" if module else name


class _AssignCollector(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found: list[cst.Assign] = []

    def visit_Assign(self, node: cst.Assign) -> None:
        self.found.append(node)


@dataclass(eq=False)  # a file is itself: compared by identity, like libcst nodes
class SourceFile:
    """A parsed file. `path` is how findings name it (the script's path, or a sibling's)."""

    path: str
    text: str
    wrapper: MetadataWrapper
    positions: dict = field(repr=False)
    parents: dict = field(repr=False)
    scopes: dict = field(repr=False)
    calls: list[CallInfo] = field(repr=False)
    imports: dict[str, str] = field(repr=False)
    star_imports: list[cst.ImportFrom] = field(repr=False)
    lines: list[str] = field(repr=False)

    @classmethod
    def parse(cls, path: str, text: str) -> SourceFile | None:
        """None when libcst cannot parse the text (the caller degrades to keyword search)."""
        try:
            wrapper = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)  # we own the tree
            resolved = wrapper.resolve_many([PositionProvider, ParentNodeProvider, ScopeProvider])
            positions = resolved[PositionProvider]
            parents = resolved[ParentNodeProvider]
            scopes = resolved[ScopeProvider]
            collector = _CallCollector()
            wrapper.visit(collector)
        except Exception:  # libcst rejects some valid-but-unsupported syntax in many ways
            return None
        imports = _ImportCollector()
        wrapper.module.visit(imports)
        return cls(
            path=path,
            text=text,
            wrapper=wrapper,
            positions=positions,
            parents=parents,
            scopes=scopes,
            calls=collector.calls,
            imports=imports.names,
            star_imports=imports.star_imports,
            lines=text.splitlines(),
        )

    @property
    def module(self) -> cst.Module:
        return self.wrapper.module

    # -- positions -------------------------------------------------------------------------

    def line(self, node: cst.CSTNode) -> int:
        return self.positions[node].start.line

    def end_line(self, node: cst.CSTNode) -> int:
        return self.positions[node].end.line

    def before(self, a: cst.CSTNode, b: cst.CSTNode) -> bool:
        pa, pb = self.positions[a].start, self.positions[b].start
        return (pa.line, pa.column) < (pb.line, pb.column)

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    # -- tree navigation -------------------------------------------------------------------

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.parents.get(node)

    def ancestors(self, node: cst.CSTNode):
        current = self.parents.get(node)
        while current is not None:
            yield current
            current = self.parents.get(current)

    def statement(self, node: cst.CSTNode) -> cst.CSTNode:
        """The innermost statement holding `node` (a SimpleStatementLine or compound statement)."""
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            return node
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                return ancestor
        return node

    def statement_lines(self, node: cst.CSTNode) -> tuple[int, int]:
        """First and last line of the statement holding `node` (a compound's header only)."""
        stmt = self.statement(node)
        if isinstance(stmt, cst.BaseCompoundStatement):
            body = self.line(stmt.body)  # an indented block starts on the line after the header
            return self.line(stmt), body - 1 if isinstance(stmt.body, cst.IndentedBlock) else body
        return self.line(stmt), self.end_line(stmt)

    def snippet(self, node: cst.CSTNode) -> str:
        """What a reviewer sees for `node`: its one-line statement, else the line it starts on."""
        first, last = self.statement_lines(node)
        if first == last:
            return self.line_text(first).strip()
        return self.line_text(self.line(node)).strip()

    def enclosing(self, node: cst.CSTNode, kind: type | tuple[type, ...]) -> cst.CSTNode | None:
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, kind):
                return ancestor
        return None

    def in_repetition(self, node: cst.CSTNode) -> bool:
        """True when `node` is evaluated several times (a loop body or a comprehension)."""
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, (cst.For, cst.While, cst.ListComp, cst.GeneratorExp, cst.SetComp)):
                return True
            if isinstance(ancestor, (cst.FunctionDef, cst.ClassDef)):
                return False
        return False

    @cached_property
    def assignments(self) -> list[cst.Assign]:
        """Every `=` statement of the file, in source order (collected once)."""
        collector = _AssignCollector()
        self.module.visit(collector)
        return collector.found

    def assignments_in(self, root: cst.CSTNode) -> list[cst.Assign]:
        """The `=` statements inside `root` (a class or function)."""
        return [a for a in self.assignments if any(p is root for p in self.ancestors(a))]

    # -- calls -----------------------------------------------------------------------------

    def dynamic_sites(self) -> list[cst.CSTNode]:
        """Statements that define names or values invisibly (exec, star imports), in order."""
        sites: list[cst.CSTNode] = [c.node for c in self.calls if c.name in DYNAMIC_CALLS]
        sites += self.star_imports
        return sorted(sites, key=self.line)

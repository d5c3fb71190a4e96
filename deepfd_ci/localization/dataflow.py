"""Follow a value back from where Keras receives it to the statement that sets it.

`epochs=n_epochs` is not where the number lives: `n_epochs = 2` is. The resolver walks names to
their reaching assignments, parameters to their defaults and call sites, config lookups
(`cfg["lr"]`, `params.lr`, dataclass/namedtuple fields, `dict(lr=...)`, argparse defaults) to the
literal, and imports to sibling modules of the repository. When the source hides the value (exec,
json files, `getattr` with a computed name) it says so in an uncertain Origin instead of guessing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, TypeVar

import libcst as cst
from libcst.metadata import Assignment, ImportAssignment

from deepfd_ci.localization.source import SourceFile, dotted, last_name
from deepfd_ci.localization.values import is_literal, known, literal_value, matches

_Def = TypeVar("_Def", cst.ClassDef, cst.FunctionDef)

MAX_DEPTH = 16
MAX_STEPS = 400  # per query: recursion through call sites could otherwise grow exponentially
_TOO_DEEP = "the value passes through too many assignments and calls to follow"
_CASTS = {"float", "int", "str", "bool", "Decimal", "float32", "float64", "int32", "int64"}
# Calls that read configuration from a file at runtime (json, yaml, toml, pandas).
_LOADERS = {"load", "loads", "safe_load", "full_load", "load_all", "read_json", "read_csv"}
# Calls whose keyword arguments become the fields / keys of the object they build.
_NAMESPACE_FACTORIES = {"SimpleNamespace", "Namespace", "dict", "EasyDict", "Box"}
_MAX_SIBLING_BYTES = 300_000  # a configuration or model module, not a vendored library


@dataclass(frozen=True)
class Hop:
    """A statement the value passes through on its way to the use (for ranked lines)."""

    file: SourceFile
    node: cst.CSTNode

    @property
    def line(self) -> int:
        return self.file.line(self.node)


@dataclass
class Origin:
    """Where a value is set: `node` is the expression to rewrite to change the value."""

    file: SourceFile
    node: cst.CSTNode
    hops: tuple[Hop, ...] = ()
    certain: bool = True
    note: str | None = None

    @property
    def line(self) -> int:
        return self.file.line(self.node)

    @property
    def value(self) -> Any:
        return literal_value(self.node)


class Project:
    """The script plus the repository's Python files it imports (loaded on demand, parsed once)."""

    def __init__(self, script: SourceFile, script_path: str, repo_root: str | None) -> None:
        self.script = script
        self.repo_root = os.path.realpath(repo_root) if repo_root else None
        base = self.repo_root or os.getcwd()
        absolute = script_path if os.path.isabs(script_path) else os.path.join(base, script_path)
        self._dirs: dict[int, str] = {id(script): os.path.dirname(os.path.realpath(absolute))}
        self._display_dir = os.path.dirname(script_path)
        self._script_dir = self._dirs[id(script)]
        self._loaded: dict[str, SourceFile | None] = {os.path.realpath(absolute): script}
        self.files: list[SourceFile] = [script]

    def module(self, importer: SourceFile, module: str) -> SourceFile | None:
        """The repository file a `from X import` refers to, parsed, or None (third-party/missing)."""
        path = self.module_path(importer, module)
        return self._load(path) if path is not None else None

    def module_path(self, importer: SourceFile, module: str) -> str | None:
        """Where the repository file for `module` is, without reading it (None: not in the repo)."""
        level = len(module) - len(module.lstrip("."))
        parts = [p for p in module.lstrip(".").split(".") if p]
        here = self._dirs.get(id(importer), self._script_dir)
        if level:
            roots = [here]
            for _ in range(level - 1):
                roots = [os.path.dirname(roots[0])]
        else:
            roots = [here] + ([self.repo_root] if self.repo_root and self.repo_root != here else [])
        allowed = self.repo_root or self._script_dir
        for root in roots:
            stem = os.path.join(root, *parts) if parts else root
            for candidate in (stem + ".py", os.path.join(stem, "__init__.py")):
                real = os.path.realpath(candidate)
                if os.path.commonpath([allowed, real]) == allowed and os.path.isfile(real):
                    return real
        return None

    def _load(self, real: str) -> SourceFile | None:
        if real in self._loaded:
            return self._loaded[real]
        parsed = None
        if os.path.getsize(real) <= _MAX_SIBLING_BYTES:
            try:
                with open(real, encoding="utf-8") as handle:
                    text = handle.read()
            except (OSError, UnicodeDecodeError):
                text = None
            if text is not None:
                display = os.path.normpath(
                    os.path.join(self._display_dir, os.path.relpath(real, self._script_dir))
                )
                parsed = SourceFile.parse(display, text)
                if parsed is not None:
                    self._dirs[id(parsed)] = os.path.dirname(real)
                    self.files.append(parsed)
        self._loaded[real] = parsed
        return parsed


class Resolver:
    """Expression -> the Origins its value can come from, best first."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._budget = 0

    # -- public --------------------------------------------------------------------------

    def origins(self, file: SourceFile, expr: cst.CSTNode, observed: Any = None) -> list[Origin]:
        """Candidate origins of `expr`'s value; those whose literal equals `observed` come first."""
        self._budget = MAX_STEPS
        return self._rank(file, expr, self._resolve(file, expr, (), 0), observed)

    def key_origins(
        self, file: SourceFile, mapping: cst.CSTNode, key: Any, observed: Any = None
    ) -> list[Origin]:
        """Candidate origins of `mapping[key]` (used for `**kwargs` arguments)."""
        self._budget = MAX_STEPS
        return self._rank(file, mapping, self._key_in(file, mapping, key, (), 0, mapping), observed)

    def _rank(self, file: SourceFile, expr: cst.CSTNode, found: list[Origin], observed: Any) -> list[Origin]:
        if not found:
            return [Origin(file, expr, (), False, f"could not follow `{file.code(expr).strip()}`")]
        unique: list[Origin] = []
        seen: set[int] = set()
        for origin in found:
            if id(origin.node) not in seen:
                seen.add(id(origin.node))
                unique.append(origin)
        if observed is not None:
            hits = [o for o in unique if matches(o.value, observed)]
            unique = hits + [o for o in unique if not any(o is h for h in hits)]
        return unique

    def definitions(self, file: SourceFile, name: cst.Name) -> list[tuple[SourceFile, Any]]:
        """Assignments of `name` that can reach this use, last one first (earlier ones it
        unconditionally overwrites are dropped)."""
        scope = file.scopes.get(name)
        if scope is None:
            return []
        referents = None
        for access in scope.accesses[name.value]:
            if access.node is name:
                referents = access.referents
                break
        if referents is None:
            referents = scope[name.value]
        defs = [a for a in referents if isinstance(a, (Assignment, ImportAssignment))]
        return [(file, d) for d in self._reaching(file, defs, name)]

    def global_definitions(self, file: SourceFile, name: str) -> list[Any]:
        """Module-level assignments of `name` in `file` (as seen at the end of the module)."""
        scope = file.scopes.get(file.module)
        if scope is None or name not in scope.assignments:
            return []
        defs = [a for a in scope.assignments[name] if isinstance(a, (Assignment, ImportAssignment))]
        return self._reaching(file, defs, None)

    # -- dispatch ------------------------------------------------------------------------

    def _resolve(
        self, file: SourceFile, expr: cst.CSTNode, hops: tuple[Hop, ...], depth: int
    ) -> list[Origin]:
        if self._exhausted(depth):
            return [Origin(file, expr, hops, False, _TOO_DEEP)]
        if is_literal(expr):
            return [Origin(file, expr, hops)]
        if isinstance(expr, cst.Name):
            return self._name(file, expr, hops, depth)
        if isinstance(expr, cst.Attribute):
            return self._attribute(file, expr, hops, depth)
        if isinstance(expr, cst.Subscript):
            return self._subscript(file, expr, hops, depth)
        if isinstance(expr, cst.Call):
            return self._call(file, expr, hops, depth)
        return [Origin(file, expr, hops)]

    def _exhausted(self, depth: int) -> bool:
        """Spend one step of the query's budget; True when the query must stop here."""
        self._budget -= 1
        return depth > MAX_DEPTH or self._budget < 0

    def _step(self, file: SourceFile, node: cst.CSTNode, hops: tuple[Hop, ...]) -> tuple[Hop, ...]:
        return hops + (Hop(file, node),)

    # -- names ---------------------------------------------------------------------------

    def _name(self, file: SourceFile, name: cst.Name, hops: tuple[Hop, ...], depth: int) -> list[Origin]:
        defs = self.definitions(file, name)
        if not defs:
            return [self._unseen(file, name, hops)]
        out: list[Origin] = []
        for def_file, definition in defs:
            if isinstance(definition, ImportAssignment) and not self._from_repository(def_file, name.value):
                target = def_file.imports.get(name.value, "")
                if target.startswith("."):  # a relative import is the project's own, yet unreadable
                    module = target.rpartition(".")[0]
                    note = f"`{name.value}` is imported from `{module}`, which could not be read"
                    out.append(Origin(file, name, hops + (Hop(def_file, definition.node),), False, note))
                else:
                    out.append(Origin(file, name, hops))  # a library object: this name is the value
                continue
            out += self._definition(def_file, definition, name.value, self._step(file, name, hops), depth + 1)
        return out

    def _from_repository(self, file: SourceFile, local: str) -> bool:
        """Whether the imported name `local` comes from a Python file of this repository."""
        target = file.imports.get(local)
        if target is None:
            return False
        module = target.rpartition(".")[0]  # `from config import LR` -> config
        if module and self.project.module_path(file, module) is not None:
            return True
        return self.project.module_path(file, target) is not None  # `import config`

    def _unseen(self, file: SourceFile, node: cst.CSTNode, hops: tuple[Hop, ...]) -> Origin:
        code = file.code(node).strip()
        dynamic = file.dynamic_sites()
        if dynamic:
            site = dynamic[0]
            what = file.code(site).strip().split("\n")[0]
            note = (
                f"`{code}` is not assigned anywhere the analysis can see; it may be set by "
                f"`{what}` at line {file.line(site)}"
            )
            return Origin(file, node, hops + (Hop(file, site),), False, note)
        return Origin(file, node, hops, False, f"could not find where `{code}` is set")

    def _definition(
        self, file: SourceFile, definition: Any, name: str, hops: tuple[Hop, ...], depth: int
    ) -> list[Origin]:
        node = definition.node
        if isinstance(definition, ImportAssignment):
            return self._imported(file, node, name, hops, depth)
        if isinstance(node, cst.Param):
            return self._param(file, node, hops, depth)
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            return [Origin(file, node, hops)]
        assigned = self.assigned_value(file, node)
        if assigned is None:
            stmt = file.statement(node)
            return [
                Origin(
                    file,
                    node,
                    hops,
                    False,
                    f"`{name}` is set by `{file.snippet(stmt)}`, which the analysis cannot evaluate",
                )
            ]
        value_file, value = assigned
        if isinstance(value, cst.AugAssign):
            return [Origin(file, value, hops)]
        return self._resolve(value_file, value, self._step(file, node, hops), depth + 1)

    def assigned_value(self, file: SourceFile, target: cst.CSTNode) -> tuple[SourceFile, cst.CSTNode] | None:
        """The expression assigned to the target name node: tuple unpacking is matched by
        position, also into the tuple a helper function returns (`(x, y), _ = load()`)."""
        path: list[int] = []
        child = target
        for ancestor in file.ancestors(target):
            if isinstance(ancestor, (cst.Tuple, cst.List)):
                elements = list(ancestor.elements)
                index = next((i for i, e in enumerate(elements) if e is child or e.value is child), None)
                if index is None:
                    return None
                path.insert(0, index)
            elif isinstance(ancestor, cst.Element):
                pass
            elif isinstance(ancestor, (cst.AssignTarget, cst.NamedExpr)):
                stmt = file.parent(ancestor) if isinstance(ancestor, cst.AssignTarget) else ancestor
                return (
                    self._unpacked(file, stmt.value, path)
                    if isinstance(stmt, (cst.Assign, cst.NamedExpr))
                    else None
                )
            elif isinstance(ancestor, cst.AnnAssign):
                return (file, ancestor.value) if not path and ancestor.value is not None else None
            elif isinstance(ancestor, cst.AugAssign):
                return file, ancestor
            else:
                return None
            child = ancestor
        return None

    def _unpacked(
        self, file: SourceFile, value: cst.CSTNode, path: list[int]
    ) -> tuple[SourceFile, cst.CSTNode] | None:
        projected = _project(value, path)
        if projected is not None:
            return file, projected
        if isinstance(value, cst.Call):
            func = self._defined_as(file, value.func, cst.FunctionDef)
            returns = [r for r in _returns(func[1]) if r.value is not None] if func else []
            if returns:
                returned = returns[-1].value
                inner = _project(returned, path) or _split_part(returned, path)
                return (func[0], inner) if inner is not None else None
        return None

    def _reaching(self, file: SourceFile, defs: list[Any], use: cst.CSTNode | None) -> list[Any]:
        """Keep definitions not overwritten before `use`; order last-written first.

        A use inside a function sees every module-level assignment (it may run after any of
        them), so only the ones a later unconditional assignment replaces are dropped.
        """
        use_scope = file.scopes.get(use) if use is not None else None
        located = [d for d in defs if d.node in file.positions]
        if use is not None:
            same = [d for d in located if d.scope is use_scope]
            if same:
                before = [d for d in same if file.before(d.node, use)]
                located = before or same
        located.sort(key=lambda d: (file.line(d.node), file.positions[d.node].start.column), reverse=True)
        kept: list[Any] = []
        for d in located:
            if any(self._overwrites(file, later, d) for later in kept):
                continue
            kept.append(d)
        return kept

    def _overwrites(self, file: SourceFile, later: Any, earlier: Any) -> bool:
        """`later` always runs after `earlier` and replaces its value (same or outer block)."""
        if isinstance(later, ImportAssignment):
            return True
        node = later.node
        if not isinstance(file.parent(node), cst.AssignTarget) and not isinstance(
            file.parent(node), cst.AnnAssign
        ):
            return False
        later_block = _block(file, file.statement(node))
        earlier_block = _block(file, file.statement(earlier.node))
        if later_block is None or earlier_block is None:
            return False
        return later_block is earlier_block or any(a is later_block for a in file.ancestors(earlier_block))

    # -- imports -------------------------------------------------------------------------

    def _imported(
        self, file: SourceFile, node: cst.CSTNode, name: str, hops: tuple[Hop, ...], depth: int
    ) -> list[Origin]:
        target = file.imports.get(name)
        if target is None:
            return [
                Origin(
                    file, node, hops, False, f"`{name}` is imported by a statement the analysis cannot read"
                )
            ]
        if isinstance(node, cst.Import):
            return [Origin(file, node, hops)]  # a module object, resolved by attribute access
        module, _, attr = target.rpartition(".")
        other = self.project.module(file, module) if module else None
        if other is None:
            return [
                Origin(
                    file,
                    node,
                    hops,
                    False,
                    f"`{name}` comes from `{module}`, which is not a file of this repository",
                )
            ]
        defs = self.global_definitions(other, attr)
        if not defs:
            dynamic = other.dynamic_sites()
            why = f" (it may be set by line {other.line(dynamic[0])} there)" if dynamic else ""
            return [Origin(file, node, hops, False, f"`{attr}` is not assigned in {other.path}{why}")]
        out: list[Origin] = []
        for definition in defs:
            out += self._definition(other, definition, attr, self._step(file, node, hops), depth + 1)
        return out

    def _module_of(self, file: SourceFile, expr: cst.CSTNode) -> SourceFile | None:
        """The repository file a module-valued expression (`config`, `pkg.config`) refers to."""
        spelled = dotted(expr)
        if spelled is None:
            return None
        root = spelled.split(".")[0]
        target = file.imports.get(root)
        if target is None:
            return None
        module = target + spelled[len(root) :]
        return self.project.module(file, module)

    # -- parameters and call sites -------------------------------------------------------

    def _param(self, file: SourceFile, param: cst.Param, hops: tuple[Hop, ...], depth: int) -> list[Origin]:
        func = file.enclosing(param, (cst.FunctionDef, cst.Lambda))
        if not isinstance(func, cst.FunctionDef):
            return [Origin(file, param, hops, False, f"`{param.name.value}` is a lambda parameter")]
        name = param.name.value
        out: list[Origin] = []
        omitted = False
        sites = self.call_sites(file, func)
        for site_file, call, offset in sites:
            bound = bind_argument(func, param, call, offset)
            if isinstance(bound, cst.Arg):
                out += self._resolve(site_file, bound.value, self._step(file, param, hops), depth + 1)
            elif bound == "kwargs":
                star = next(a for a in call.args if a.star == "**")
                out += self._key_in(
                    site_file, star.value, name, self._step(file, param, hops), depth + 1, star.value
                )
            elif bound == "unknown":
                out.append(
                    Origin(site_file, call, hops, False, f"`{name}` is passed through *args at this call")
                )
            else:
                omitted = True
        if param.default is not None and (omitted or not sites):
            out += self._resolve(file, param.default, self._step(file, param, hops), depth + 1)
        if not out:
            note = f"`{name}` is a parameter of {func.name.value}() and no caller in the repository passes it"
            out.append(Origin(file, param, hops, False, note))
        return out

    def call_sites(self, file: SourceFile, func: cst.FunctionDef) -> list[tuple[SourceFile, cst.Call, int]]:
        """Calls of `func` in the loaded files: (file, call, positional offset for self/cls)."""
        cls = file.enclosing(func, cst.ClassDef)
        is_method = cls is not None and file.enclosing(func, cst.FunctionDef) is None
        fname = func.name.value
        sites = []
        for other in self.project.files:
            for info in other.calls:
                by_attribute = isinstance(info.node.func, cst.Attribute)
                if is_method and fname == "__init__":  # `Trainer(...)` calls `Trainer.__init__`
                    if info.name == cls.name.value:
                        sites.append((other, info.node, 1))
                elif is_method:
                    if by_attribute and info.name == fname:
                        sites.append((other, info.node, 1))
                elif info.name == fname and (not by_attribute or other is not file):
                    sites.append((other, info.node, 0))  # `build()`, or `models.build()` elsewhere
        return sites

    # -- attributes (params.lr, args.lr, self.lr, config.LR) -----------------------------

    def _attribute(
        self, file: SourceFile, attr: cst.Attribute, hops: tuple[Hop, ...], depth: int
    ) -> list[Origin]:
        field_name = attr.attr.value
        here = self._step(file, attr, hops)
        root = dotted(attr)
        root_name = root.split(".")[0] if root else None
        if root_name in file.imports and not self._from_repository(file, root_name):
            return [Origin(file, attr, hops)]  # `tf.nn.relu`, `keras.losses.mse`: a library object
        module = self._module_of(file, attr.value)
        if module is not None:
            defs = self.global_definitions(module, field_name)
            if defs:
                out: list[Origin] = []
                for definition in defs:
                    out += self._definition(module, definition, field_name, here, depth + 1)
                return out
        overrides = self._attribute_assignments(file, attr)
        if overrides:
            return self._resolve(file, overrides[0].value, self._step(file, overrides[0], hops), depth + 1)
        if isinstance(attr.value, cst.Name) and attr.value.value == "self":
            found = self._self_attribute(file, attr, here, depth)
            if found:
                return found
        out = []
        for base in self._resolve(file, attr.value, (), depth + 1):
            out += self._field_of(base, field_name, attr, file, here, depth)
        return out or [
            Origin(file, attr, hops, False, f"could not follow `{file.code(attr)}` to where it is set")
        ]

    def _attribute_assignments(self, file: SourceFile, attr: cst.Attribute) -> list[cst.Assign]:
        """`params.lr = v` statements before the use (last first) for the same spelled target."""
        spelled = dotted(attr)
        if spelled is None or spelled.startswith("self."):  # `self.x` is per class: _self_attribute
            return []
        found = []
        for stmt in file.assignments:
            for target in stmt.targets:
                if dotted(target.target) == spelled and file.before(stmt, attr):
                    found.append(stmt)
        return sorted(found, key=file.line, reverse=True)

    def _self_attribute(
        self, file: SourceFile, attr: cst.Attribute, hops: tuple[Hop, ...], depth: int
    ) -> list[Origin]:
        cls = file.enclosing(attr, cst.ClassDef)
        if cls is None:
            return []
        name = attr.attr.value
        found = []
        for stmt in file.assignments_in(cls):
            for target in stmt.targets:
                t = target.target
                if isinstance(t, cst.Attribute) and t.attr.value == name and dotted(t.value) == "self":
                    found.append(stmt)
        body_value = _class_field(cls, name)
        out: list[Origin] = []

        # The constructor's assignment sets the value; later ones in other methods update it.
        def in_init(stmt: cst.Assign) -> bool:
            method = file.enclosing(stmt, cst.FunctionDef)
            return method is not None and method.name.value == "__init__"

        for stmt in sorted(found, key=lambda s: (in_init(s), file.line(s)), reverse=True):
            out += self._resolve(file, stmt.value, self._step(file, stmt, hops), depth + 1)
        if body_value is not None:
            out += self._resolve(file, body_value, hops, depth + 1)
        return out

    def _field_of(
        self,
        base: Origin,
        name: str,
        attr: cst.Attribute,
        use_file: SourceFile,
        hops: tuple[Hop, ...],
        depth: int,
    ) -> list[Origin]:
        """`name` read from the object `base` denotes (a call, a class, a namespace)."""
        file, node = base.file, base.node
        hops = hops + base.hops
        if isinstance(node, cst.ClassDef):
            value = _class_field(node, name)
            return self._resolve(file, value, hops, depth + 1) if value is not None else []
        if not isinstance(node, cst.Call):
            if not base.certain:
                return [Origin(use_file, attr, hops, False, base.note)]
            return []
        callee = last_name(node.func)
        if callee in ("parse_args", "parse_known_args"):
            return self._argparse(file, node, name, hops, depth)
        keyword = _keyword(node, name)
        if keyword is not None:
            return self._resolve(file, keyword.value, self._step(file, node, hops), depth + 1)
        if callee in _LOADERS:
            return [_loaded(use_file, attr, file, node, hops)]
        cls = self._defined_as(file, node.func, cst.ClassDef)
        if cls is not None:
            return self._constructed_field(file, node, cls, name, hops, depth)
        fields = self._namedtuple_fields(file, node.func)
        if fields is not None and name in fields:
            index = fields.index(name)
            positional = [a for a in node.args if a.keyword is None and not a.star]
            if index < len(positional):
                return self._resolve(file, positional[index].value, self._step(file, node, hops), depth + 1)
        return []

    def _defined_as(self, file: SourceFile, func: cst.CSTNode, kind: type[_Def]) -> tuple[SourceFile, _Def] | None:
        """The class or function a called name refers to, in this module or through an import."""
        if not isinstance(func, cst.Name):
            return None
        for f, definition in self.definitions(file, func):
            if isinstance(definition.node, kind):
                return f, definition.node
            if isinstance(definition, ImportAssignment):
                for origin in self._imported(f, definition.node, func.value, (), 0):
                    if isinstance(origin.node, kind):
                        return origin.file, origin.node
        return None

    def _constructed_field(
        self,
        file: SourceFile,
        call: cst.Call,
        found: tuple[SourceFile, cst.ClassDef],
        name: str,
        hops: tuple[Hop, ...],
        depth: int,
    ) -> list[Origin]:
        """A field of `Cls(...)`: the argument that fills it, else the class default."""
        cls_file, cls = found
        init = _method(cls, "__init__")
        here = self._step(file, call, hops)
        if init is None:  # dataclass / NamedTuple: fields in declaration order
            fields = _class_fields(cls)
            keyword = _keyword(call, name)
            if keyword is not None:
                return self._resolve(file, keyword.value, here, depth + 1)
            positional = [a for a in call.args if a.keyword is None and not a.star]
            if name in fields and fields.index(name) < len(positional):
                return self._resolve(file, positional[fields.index(name)].value, here, depth + 1)
            value = _class_field(cls, name)
            return self._resolve(cls_file, value, here, depth + 1) if value is not None else []
        for stmt in cls_file.assignments_in(init):
            for target in stmt.targets:
                t = target.target
                if isinstance(t, cst.Attribute) and t.attr.value == name and dotted(t.value) == "self":
                    value = stmt.value
                    param = _param_named(init, value.value) if isinstance(value, cst.Name) else None
                    if param is None:
                        return self._resolve(cls_file, value, here, depth + 1)
                    bound = bind_argument(init, param, call, 1)
                    if isinstance(bound, cst.Arg):
                        return self._resolve(file, bound.value, here, depth + 1)
                    if param.default is not None:
                        return self._resolve(cls_file, param.default, here, depth + 1)
        value = _class_field(cls, name)
        return self._resolve(cls_file, value, here, depth + 1) if value is not None else []

    def _namedtuple_fields(self, file: SourceFile, func: cst.CSTNode) -> list[str] | None:
        """Field names when `func` names a `namedtuple("P", [...])` factory result."""
        if not isinstance(func, cst.Name):
            return None
        for f, definition in self.definitions(file, func):
            assigned = (
                self.assigned_value(f, definition.node) if isinstance(definition.node, cst.Name) else None
            )
            value = assigned[1] if assigned else None
            if isinstance(value, cst.Call) and last_name(value.func) == "namedtuple" and len(value.args) >= 2:
                spec = value.args[1].value
                literal = literal_value(spec)
                if isinstance(literal, str):
                    return literal.replace(",", " ").split()
                if isinstance(spec, (cst.List, cst.Tuple)):
                    names = [literal_value(e.value) for e in spec.elements]
                    return [n for n in names if isinstance(n, str)]
        return None

    def _argparse(
        self, file: SourceFile, parse_call: cst.Call, dest: str, hops: tuple[Hop, ...], depth: int
    ) -> list[Origin]:
        here = self._step(file, parse_call, hops)
        for info in file.calls:
            if info.name == "set_defaults":
                keyword = _keyword(info.node, dest)
                if keyword is not None:
                    return self._resolve(file, keyword.value, here, depth + 1)
        for info in file.calls:
            if info.name != "add_argument" or _argparse_dest(info.node) != dest:
                continue
            default = _keyword(info.node, "default")
            if default is not None:
                return self._resolve(file, default.value, self._step(file, info.node, here), depth + 1)
            note = f"`{dest}` has no default: its value is given on the command line"
            return [Origin(file, info.node, here, False, note)]
        return [Origin(file, parse_call, hops, False, f"no `add_argument` defines `{dest}`")]

    # -- subscripts and mappings (cfg["lr"], cfg.get("lr", 0.1), **kwargs) ---------------

    def _subscript(
        self, file: SourceFile, sub: cst.Subscript, hops: tuple[Hop, ...], depth: int
    ) -> list[Origin]:
        if dotted(sub.value) == "os.environ":
            return [
                Origin(file, sub, hops, False, "the value is read from an environment variable at runtime")
            ]
        if len(sub.slice) != 1 or not isinstance(sub.slice[0].slice, cst.Index):
            return [Origin(file, sub, hops)]
        key_expr = sub.slice[0].slice.value
        key_origins = (
            self._resolve(file, key_expr, (), depth + 1)
            if not is_literal(key_expr)
            else [Origin(file, key_expr)]
        )
        key = key_origins[0].value if key_origins else None
        if not known(key) or key is None:
            return [Origin(file, sub, hops, False, f"the key in `{file.code(sub)}` is computed at runtime")]
        return self._key_in(file, sub.value, key, hops, depth, sub)

    def _key_in(
        self,
        file: SourceFile,
        mapping: cst.CSTNode,
        key: Any,
        hops: tuple[Hop, ...],
        depth: int,
        use: cst.CSTNode,
        default: cst.CSTNode | None = None,
    ) -> list[Origin]:
        """The value stored under `key` in the mapping `mapping` evaluates to."""
        if self._exhausted(depth):
            return [Origin(file, use, hops, False, _TOO_DEEP)]
        here = self._step(file, use, hops)
        overrides = self._subscript_assignments(file, mapping, key, use)
        if overrides:  # `cfg["lr"] = 0.5` after the dict is built: the last one wins
            return self._resolve(file, overrides[0].value, self._step(file, overrides[0], hops), depth + 1)
        if isinstance(mapping, cst.Name) and isinstance(key, str):
            for f, definition in self.definitions(file, mapping):
                node = definition.node
                if isinstance(node, cst.Param) and _is_star_kwargs(f, node):
                    return self._kwargs_key(f, node, key, here, depth)
        out: list[Origin] = []
        for base in self._resolve(file, mapping, (), depth + 1):
            out += self._entry(base, key, file, use, here, depth)
        if not out and default is not None:
            return self._resolve(file, default, here, depth + 1)
        return out or [
            Origin(file, use, hops, False, f"could not find where `{file.code(use).strip()}` is set")
        ]

    def _kwargs_key(
        self, file: SourceFile, param: cst.Param, key: str, hops: tuple[Hop, ...], depth: int
    ) -> list[Origin]:
        func = file.enclosing(param, cst.FunctionDef)
        out: list[Origin] = []
        for site_file, call, _offset in self.call_sites(file, func):
            keyword = _keyword(call, key)
            if keyword is not None:
                out += self._resolve(site_file, keyword.value, self._step(site_file, call, hops), depth + 1)
                continue
            for star in (a for a in call.args if a.star == "**"):
                out += self._key_in(
                    site_file, star.value, key, self._step(site_file, call, hops), depth + 1, star.value
                )
        return out

    def _subscript_assignments(
        self, file: SourceFile, mapping: cst.CSTNode, key: Any, use: cst.CSTNode
    ) -> list[cst.Assign]:
        spelled = dotted(mapping)
        if spelled is None:
            return []
        found = []
        for stmt in file.assignments:
            for target in stmt.targets:
                t = target.target
                if (
                    isinstance(t, cst.Subscript)
                    and dotted(t.value) == spelled
                    and len(t.slice) == 1
                    and isinstance(t.slice[0].slice, cst.Index)
                    and literal_value(t.slice[0].slice.value) == key
                    and file.before(stmt, use)
                ):
                    found.append(stmt)
        return sorted(found, key=file.line, reverse=True)

    def _entry(
        self,
        base: Origin,
        key: Any,
        use_file: SourceFile,
        use: cst.CSTNode,
        hops: tuple[Hop, ...],
        depth: int,
    ) -> list[Origin]:
        file, node = base.file, base.node
        hops = hops + base.hops
        if isinstance(node, cst.Dict):
            stars = []
            for element in reversed(node.elements):
                if isinstance(element, cst.DictElement) and literal_value(element.key) == key:
                    return self._resolve(file, element.value, hops, depth + 1)
                if isinstance(element, cst.StarredDictElement):
                    stars.append(element.value)
            for star in stars:
                found = self._key_in(file, star, key, hops, depth + 1, star)
                if found and found[0].certain:
                    return found
            return []
        if isinstance(node, (cst.List, cst.Tuple)) and isinstance(key, int):
            elements = list(node.elements)
            if -len(elements) <= key < len(elements) and not isinstance(elements[key], cst.StarredElement):
                return self._resolve(file, elements[key].value, hops, depth + 1)
            return []
        if isinstance(node, cst.Call):
            callee = last_name(node.func)
            if callee in _NAMESPACE_FACTORIES and isinstance(key, str):
                keyword = _keyword(node, key)
                if keyword is not None:
                    return self._resolve(file, keyword.value, self._step(file, node, hops), depth + 1)
                return []
            if callee in _LOADERS or callee == "open":
                return [_loaded(use_file, use, file, node, hops)]
        if not base.certain:
            return [Origin(use_file, use, hops, False, base.note)]
        return []

    # -- calls ---------------------------------------------------------------------------

    def _call(self, file: SourceFile, call: cst.Call, hops: tuple[Hop, ...], depth: int) -> list[Origin]:
        callee = last_name(call.func)
        positional = [a for a in call.args if a.keyword is None and not a.star]
        if callee in _CASTS and len(positional) == 1 and len(call.args) == 1:
            return self._resolve(file, positional[0].value, hops, depth + 1)
        if callee == "get" and isinstance(call.func, cst.Attribute) and positional:
            key = literal_value(positional[0].value)
            default = positional[1].value if len(positional) > 1 else None
            if known(key) and dotted(call.func.value) not in ("os.environ",):
                return self._key_in(file, call.func.value, key, hops, depth, call, default)
        if callee == "getattr" and len(positional) >= 2:
            name = literal_value(positional[1].value)
            if isinstance(name, str):
                out = []
                for base in self._resolve(file, positional[0].value, (), depth + 1):
                    out += self._field_of(base, name, call, file, self._step(file, call, hops), depth)
                if out:
                    return out
            return [
                Origin(file, call, hops, False, f"`{file.code(call)}` reads an attribute chosen at runtime")
            ]
        if callee in ("getenv",) or dotted(call.func) in ("os.environ.get",):
            default = positional[1].value if len(positional) > 1 else None
            note = "the value is read from an environment variable at runtime"
            if default is not None:
                origins = self._resolve(file, default, self._step(file, call, hops), depth + 1)
                return [
                    Origin(o.file, o.node, o.hops, False, note + "; the default is set here") for o in origins
                ]
            return [Origin(file, call, hops, False, note)]
        func = self._defined_as(file, call.func, cst.FunctionDef)
        if func is not None:
            func_file, definition = func
            returns = [r for r in _returns(definition) if r.value is not None]
            if returns:
                out = []
                for ret in reversed(returns):
                    out += self._resolve(func_file, ret.value, self._step(file, call, hops), depth + 1)
                return out
        return [Origin(file, call, hops)]


# -- small pure helpers ------------------------------------------------------------------


def _project(value: cst.CSTNode, path: list[int]) -> cst.CSTNode | None:
    """The part of an assigned value a tuple-unpacking target at `path` receives."""
    for index in path:
        if not isinstance(value, (cst.Tuple, cst.List)):
            return None
        elements = list(value.elements)
        if any(isinstance(e, cst.StarredElement) for e in elements) or index >= len(elements):
            return None
        value = elements[index].value
    return value


def _split_part(value: cst.CSTNode, path: list[int]) -> cst.CSTNode | None:
    """`a_train, a_test, b_train, b_test = train_test_split(a, b)`: the array a part comes from."""
    if not (isinstance(value, cst.Call) and last_name(value.func) == "train_test_split" and len(path) == 1):
        return None
    arrays = [a.value for a in value.args if a.keyword is None and not a.star]
    return arrays[path[0] // 2] if path[0] // 2 < len(arrays) else None


def _block(file: SourceFile, stmt: cst.CSTNode) -> cst.CSTNode | None:
    for ancestor in file.ancestors(stmt):
        if isinstance(ancestor, (cst.IndentedBlock, cst.Module, cst.SimpleStatementSuite)):
            return ancestor
    return None


class _ReturnCollector(cst.CSTVisitor):
    """Return statements of one function, not of functions or lambdas nested in it."""

    def __init__(self, func: cst.FunctionDef) -> None:
        self.func = func
        self.found: list[cst.Return] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return node is self.func

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Return(self, node: cst.Return) -> None:
        self.found.append(node)


def _returns(func: cst.FunctionDef) -> list[cst.Return]:
    """Return statements of `func` itself (not of nested functions)."""
    collector = _ReturnCollector(func)
    func.visit(collector)
    return collector.found


def _keyword(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def bind_argument(
    func: cst.FunctionDef, param: cst.Param, call: cst.Call, offset: int
) -> cst.Arg | str | None:
    """The argument of `call` that fills `param`: an Arg, "kwargs" (maybe inside `**d`),
    "unknown" (hidden by `*args`), or None (omitted: the default applies)."""
    name = param.name.value
    keyword = _keyword(call, name)
    if keyword is not None:
        return keyword
    ordered = list(func.params.posonly_params) + list(func.params.params)
    if any(p is param for p in ordered):
        index = next(i for i, p in enumerate(ordered) if p is param) - offset
        positional = []
        for arg in call.args:
            if arg.star == "*":
                return "unknown"
            if arg.keyword is None and not arg.star:
                positional.append(arg)
        if 0 <= index < len(positional):
            return positional[index]
    if any(a.star == "**" for a in call.args):
        return "kwargs"
    return None


def _is_star_kwargs(file: SourceFile, param: cst.Param) -> bool:
    func = file.enclosing(param, cst.FunctionDef)
    return (
        func is not None and isinstance(func.params.star_kwarg, cst.Param) and func.params.star_kwarg is param
    )


def _param_named(func: cst.FunctionDef, name: str) -> cst.Param | None:
    params = list(func.params.posonly_params) + list(func.params.params) + list(func.params.kwonly_params)
    return next((p for p in params if p.name.value == name), None)


def _method(cls: cst.ClassDef, name: str) -> cst.FunctionDef | None:
    for stmt in cls.body.body:
        if isinstance(stmt, cst.FunctionDef) and stmt.name.value == name:
            return stmt
    return None


def _class_fields(cls: cst.ClassDef) -> list[str]:
    """Declared fields in order (dataclass / NamedTuple annotations)."""
    names = []
    for stmt in cls.body.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    names.append(small.target.value)
    return names


def _class_field(cls: cst.ClassDef, name: str) -> cst.CSTNode | None:
    """The value a class body gives `name` (`lr: float = 0.1`, `lr = 0.1`, `field(default=...)`)."""
    for stmt in cls.body.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            value = None
            if (
                isinstance(small, cst.AnnAssign)
                and isinstance(small.target, cst.Name)
                and small.target.value == name
                or isinstance(small, cst.Assign)
                and any(isinstance(t.target, cst.Name) and t.target.value == name for t in small.targets)
            ):
                value = small.value
            if value is not None:
                if isinstance(value, cst.Call) and last_name(value.func) == "field":
                    default = _keyword(value, "default")
                    return default.value if default is not None else value
                return value
    return None


def _argparse_dest(call: cst.Call) -> str | None:
    """The attribute name `add_argument(...)` stores into (argparse's own rule)."""
    dest = _keyword(call, "dest")
    if dest is not None:
        value = literal_value(dest.value)
        return value if isinstance(value, str) else None
    flags = [literal_value(a.value) for a in call.args if a.keyword is None and not a.star]
    flags = [f for f in flags if isinstance(f, str)]
    if not flags:
        return None
    long = [f for f in flags if f.startswith("--")]
    chosen = long[0] if long else flags[0]
    return chosen.lstrip("-").replace("-", "_")


def _loaded(
    use_file: SourceFile, use: cst.CSTNode, file: SourceFile, loader: cst.Call, hops: tuple[Hop, ...]
) -> Origin:
    """An Origin for a value read from a data file at runtime: the use, with where it is read."""
    roots: list[cst.CSTNode] = [file.statement(loader)]
    with_stmt = file.enclosing(loader, cst.With)
    if with_stmt is not None:
        roots += list(with_stmt.items)
    names = [literal_value(n) for r in roots for n in _descendants(r) if isinstance(n, cst.SimpleString)]
    files = [n for n in names if isinstance(n, str) and "." in n and " " not in n]
    source = f" from {files[0]}" if files else ""
    note = (
        f"the value is read{source} at runtime (line {file.line(loader)}); "
        "the analysis cannot see it in the source"
    )
    return Origin(use_file, use, hops + (Hop(file, loader),), False, note)


def _descendants(node: cst.CSTNode):
    yield node
    for child in node.children:
        yield from _descendants(child)

"""Follow the arrays given to `fit` back to the statements that make them.

x (or y) is walked back through names, row slices, dtype/reshape calls, helper functions'
return values, `train_test_split` and tf.data pipelines to where it is created; each statement on
the way is a Step that says whether it splits, scales, encodes or merely passes the data on.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from deepfd_ci.localization.dataflow import bind_argument
from deepfd_ci.localization.located import Context
from deepfd_ci.localization.source import SourceFile, last_name

# Calls and attributes that keep the same samples (the chain continues through them).
_ARRAY_METHODS = {
    "astype",
    "reshape",
    "to_numpy",
    "copy",
    "squeeze",
    "flatten",
    "ravel",
    "transpose",
    "numpy",
}
_ARRAY_ATTRIBUTES = {"values", "T"}
_ARRAY_FUNCTIONS = {
    "array",
    "asarray",
    "float32",
    "float64",
    "expand_dims",
    "convert_to_tensor",
    "ascontiguousarray",
    "constant",
}
_PIPELINE_METHODS = {"batch", "shuffle", "prefetch", "cache", "repeat", "map"}
_SCALE_CALLS = {
    "fit_transform",
    "transform",
    "normalize",
    "scale",
    "minmax_scale",
    "robust_scale",
    "maxabs_scale",
    "l2_normalize",
}
_ENCODE_CALLS = {"to_categorical", "one_hot", "get_dummies", "label_binarize", "argmax"}
_ENCODERS = {"OneHotEncoder", "LabelBinarizer", "LabelEncoder"}
SPLITTERS = {"train_test_split"}


@dataclass
class Step:
    """One statement on the way from the array's creation to `fit`."""

    file: SourceFile
    stmt: cst.Assign
    target: cst.Name
    value: cst.CSTNode
    kind: str  # split | alias | transform | scale | encode | origin
    core: cst.CSTNode | None = None  # the sub-expression that scales or encodes


def _unwrap(node: cst.CSTNode, role: int) -> cst.CSTNode | None:
    """The array inside one sample-preserving wrapper (`X[:800]`, `X.astype(...)`, `X.values`,
    `np.expand_dims(X, -1)`, a tf.data pipeline), else None."""
    if isinstance(node, cst.Subscript):
        return node.value if _row_selection(node) else None
    if isinstance(node, cst.Attribute):
        return node.value if node.attr.value in _ARRAY_ATTRIBUTES else None
    if isinstance(node, cst.Call):
        name = last_name(node.func)
        positional = [a for a in node.args if a.keyword is None and not a.star]
        if isinstance(node.func, cst.Attribute) and name in _ARRAY_METHODS | _PIPELINE_METHODS:
            return node.func.value
        if name == "from_tensor_slices" and positional:
            inner = positional[0].value
            if isinstance(inner, (cst.Tuple, cst.List)):
                return inner.elements[role].value if role < len(inner.elements) else None
            return inner
        if name in _ARRAY_FUNCTIONS and positional:
            return positional[0].value
    return None


def _is_eye_index(node: cst.CSTNode) -> bool:
    """`np.eye(n)[y]`: one-hot encoding by indexing an identity matrix."""
    return (
        isinstance(node, cst.Subscript)
        and isinstance(node.value, cst.Call)
        and last_name(node.value.func) == "eye"
    )


def data_name(expr: cst.CSTNode, role: int) -> cst.Name | None:
    """The variable an array expression is computed from (`X` in `X[:800].astype("f")`)."""
    if isinstance(expr, cst.Name):
        return expr
    if _is_eye_index(expr):
        index = expr.slice[0].slice if len(expr.slice) == 1 else None
        return data_name(index.value, role) if isinstance(index, cst.Index) else None
    if isinstance(expr, cst.Subscript):
        return data_name(expr.value, role)
    if isinstance(expr, cst.BinaryOperation):
        return data_name(expr.left, role) or data_name(expr.right, role)
    if isinstance(expr, cst.Call) and last_name(expr.func) in _SCALE_CALLS | _ENCODE_CALLS:
        positional = [a for a in expr.args if a.keyword is None and not a.star]
        return data_name(positional[0].value, role) if positional else None
    inner = _unwrap(expr, role)
    return data_name(inner, role) if inner is not None else None


ARITHMETIC = (cst.Divide, cst.Multiply, cst.Subtract, cst.Add, cst.FloorDivide)


def classify(ctx: Context, file: SourceFile, value: cst.CSTNode, role: int) -> tuple[str, cst.CSTNode | None]:
    """(kind, the scaling/encoding sub-expression) of an assigned value, looking through
    dtype/reshape wrappers: `(scaler.fit_transform(x) * 255.0).astype("float32")` scales."""
    node = value
    while node is not None:
        if _is_eye_index(node) or (isinstance(node, cst.Call) and last_name(node.func) in _ENCODE_CALLS):
            return "encode", node
        if isinstance(node, cst.Call) and last_name(node.func) in _SCALE_CALLS:
            receiver = node.func.value if isinstance(node.func, cst.Attribute) else None
            made = ctx.resolver.origins(file, receiver)[0].node if receiver is not None else None
            encoder = isinstance(made, cst.Call) and last_name(made.func) in _ENCODERS
            return ("encode" if encoder else "scale"), node
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, ARITHMETIC):
            return ("scale", node) if data_name(node, role) is not None else ("origin", None)
        if isinstance(node, cst.Name):
            return ("alias" if node is value else "transform"), None
        node = _unwrap(node, role)
    return "origin", None  # `data[:, :-1]`, `load()`: the array is made (or cut out) here


def _row_selection(sub: cst.Subscript) -> bool:
    """`X[:800]`, `X[idx]` keep the columns; `data[:, :-1]`, `df["a"]` select them."""
    if len(sub.slice) != 1:
        return False
    inner = sub.slice[0].slice
    if isinstance(inner, cst.Slice):
        return True
    return isinstance(inner, cst.Index) and not isinstance(
        inner.value, (cst.SimpleString, cst.Tuple, cst.List)
    )


def chain(ctx: Context, file: SourceFile, expr: cst.CSTNode, role: int) -> list[Step]:
    """Statements that build `expr`, nearest to `fit` first, ending at its origin."""
    steps: list[Step] = []
    current, current_file = expr, file
    for _ in range(32):
        mapped = _mapped_scaling(ctx, current_file, current, role)
        if mapped is not None:
            steps.append(mapped)
        name = data_name(current, role)
        if name is None:
            break
        defs = ctx.resolver.definitions(current_file, name)
        if not defs:
            break
        def_file, definition = defs[0]
        node = definition.node
        if isinstance(node, cst.Param):
            func = def_file.enclosing(node, cst.FunctionDef)
            sites = ctx.resolver.call_sites(def_file, func) if func is not None else []
            bound = _argument_for(node, func, sites)
            if bound is None:
                break
            current_file, current = bound
            continue
        stmt = def_file.enclosing(node, cst.Assign) if isinstance(node, cst.Name) else None
        if stmt is None or not any(node is t.target or contains(t.target, node) for t in stmt.targets):
            break
        whole = stmt.value
        if isinstance(whole, cst.Call) and last_name(whole.func) in SPLITTERS:
            index = _flat_index(stmt, node)
            arrays = [a for a in whole.args if a.keyword is None and not a.star]
            if index is None or index // 2 >= len(arrays):
                break
            steps.append(Step(def_file, stmt, node, whole, "split"))
            current, current_file = arrays[index // 2].value, def_file
            continue
        assigned = ctx.resolver.assigned_value(def_file, node)
        if assigned is None:
            steps.append(Step(def_file, stmt, node, whole, "origin"))
            break
        value_file, value = assigned
        # A value unpacked from what a helper returns passes through this statement (and is split
        # there when the helper returns `train_test_split(...)`).
        inside = contains(stmt.value, value)
        kind, core = (
            classify(ctx, def_file, value, role) if inside else (_returned_kind(value_file, value), None)
        )
        steps.append(Step(def_file, stmt, node, value, kind, core))
        if kind == "origin":
            break
        current, current_file = value, value_file
    return steps


def _returned_kind(file: SourceFile, value: cst.CSTNode) -> str:
    arg = file.parent(value)
    call = file.parent(arg) if isinstance(arg, cst.Arg) else None
    return "split" if isinstance(call, cst.Call) and last_name(call.func) in SPLITTERS else "returned"


def _mapped_scaling(ctx: Context, file: SourceFile, expr: cst.CSTNode, role: int) -> Step | None:
    """`dataset.map(normalize)` where `normalize = lambda x, y: (x / 255.0, y)`: the scaling
    inside the mapped function, as a step on its own statement."""
    node = expr
    while node is not None:
        if isinstance(node, cst.Call) and last_name(node.func) == "map" and node.args:
            function = ctx.resolver.origins(file, node.args[0].value)[0]
            params = _parameters(function.node)
            body = function.node.body if isinstance(function.node, cst.Lambda) else function.node
            passed = _element(body, role) if isinstance(function.node, cst.Lambda) else None
            if params and isinstance(passed, cst.Name) and passed.value == params[role].name.value:
                stmt = function.file.statement(function.node)  # `lambda x, y: (x, y)`: passed as is
                return Step(function.file, stmt, params[role].name, passed, "alias", passed)
            for candidate in walk(body) if params else ():
                arithmetic = isinstance(candidate, cst.BinaryOperation) and isinstance(
                    candidate.operator, ARITHMETIC
                )
                name = data_name(candidate, role) if arithmetic else None
                if name is not None and name.value == params[0].name.value:
                    stmt = function.file.statement(function.node)
                    return Step(function.file, stmt, params[0].name, function.node, "scale", candidate)
        node = _unwrap(node, role)
    return None


def _element(node: cst.CSTNode, role: int) -> cst.CSTNode | None:
    """Element `role` of a tuple expression."""
    if isinstance(node, cst.Tuple) and role < len(node.elements):
        return node.elements[role].value
    return None


def _parameters(node: cst.CSTNode) -> list[cst.Param]:
    if isinstance(node, (cst.Lambda, cst.FunctionDef)):
        return list(node.params.params)
    return []


def _argument_for(
    param: cst.Param, func: cst.FunctionDef | None, sites: list
) -> tuple[SourceFile, cst.CSTNode] | None:
    if func is None:
        return None
    for site_file, call, offset in sites:
        bound = bind_argument(func, param, call, offset)
        if isinstance(bound, cst.Arg):
            return site_file, bound.value
    return None


def contains(root: cst.CSTNode, node: cst.CSTNode) -> bool:
    if root is node:
        return True
    return any(contains(child, node) for child in root.children)


def _flat_index(stmt: cst.Assign, node: cst.Name) -> int | None:
    for target in stmt.targets:
        if isinstance(target.target, (cst.Tuple, cst.List)):
            for i, element in enumerate(target.target.elements):
                if element.value is node:
                    return i
    return None


def siblings(stmt: cst.Assign, node: cst.Name) -> list[str]:
    """The arrays that need the same treatment as `node`: its train/test partner from
    `train_test_split`, or the names at its position in sibling tuples
    (`(x_tr, y_tr), (x_te, y_te) = load()` scales x_te along with x_tr)."""
    index = _flat_index(stmt, node)
    if index is not None and isinstance(stmt.value, cst.Call) and last_name(stmt.value.func) in SPLITTERS:
        elements = next(
            t.target.elements for t in stmt.targets if isinstance(t.target, (cst.Tuple, cst.List))
        )
        pair = [elements[i].value for i in (index - index % 2, index - index % 2 + 1) if i < len(elements)]
        return [n.value for n in pair if isinstance(n, cst.Name)]
    for target in stmt.targets:
        outer = target.target
        if not isinstance(outer, (cst.Tuple, cst.List)):
            continue
        for group in outer.elements:
            inner = group.value
            if isinstance(inner, (cst.Tuple, cst.List)):
                positions = [i for i, e in enumerate(inner.elements) if e.value is node]
                if positions:
                    names = []
                    for other in outer.elements:
                        elements = (
                            other.value.elements if isinstance(other.value, (cst.Tuple, cst.List)) else []
                        )
                        if positions[0] < len(elements) and isinstance(
                            elements[positions[0]].value, cst.Name
                        ):
                            names.append(elements[positions[0]].value.value)
                    return names
    return [node.value]


def walk(node: cst.CSTNode):
    yield node
    for child in node.children:
        yield from walk(child)


def reads(root: cst.CSTNode, name: str) -> bool:
    if isinstance(root, cst.Name) and root.value == name:
        return True
    return any(reads(child, name) for child in root.children)

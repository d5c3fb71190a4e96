"""Locator for data preprocessing: where scaling or label encoding belongs, and the fix.

An existing scaling that is wrong (`x * 255.0`) is the line to change. Otherwise the scaling goes
where the arrays `fit` gets are complete: after their creation and any in-place edits, or where
the training code receives them from a helper, or where a scaler is created but never applied.
Label encoding goes at the end of the data preparation that follows the split/creation.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import libcst as cst

from deepfd_ci.localization import fixes, suggest
from deepfd_ci.localization.anchors import argument, layer_class
from deepfd_ci.localization.arrays import (
    Step,
    chain,
    classify,
    contains,
    data_name,
    reads,
    siblings,
    walk,
)
from deepfd_ci.localization.located import Context, Located
from deepfd_ci.localization.source import SourceFile, last_name
from deepfd_ci.localization.values import known, literal_value
from deepfd_ci.records import Fault


def preprocessing(ctx: Context, fault: Fault) -> Located | None:
    if ctx.anchors.fit is None:
        return None
    kind, wanted = suggest.preprocessing(fault, ctx.facts)
    role = 0 if kind == "unscaled_inputs" else 1  # x, or y (labels, regression targets)
    fit_file, fit = ctx.anchors.fit
    # y is the second argument, or the second part of the (x, y) pairs a dataset yields.
    arg = argument(fit, ("y",), 1) if role else None
    if arg is None or literal_value(arg.value) is None:
        arg = argument(fit, ("x",), 0)
    if arg is None:
        return None
    steps = _chosen_chain(ctx, fit_file, arg.value, role)
    if not steps:
        name = data_name(arg.value, role)
        if name is None:
            note = "the array is built inside the fit() call; scale or encode it before passing it"
        else:
            note = f"could not find the statement that builds `{name.value}`"
        return Located(fit_file, arg, [], [], "fallback", note, None)
    if kind == "labels_encoding":
        return _labels(ctx, steps, wanted, fit_file, fit)
    return _scaling(ctx, steps, wanted, fit_file, fit, role)


def _chosen_chain(ctx: Context, file: SourceFile, expr: cst.CSTNode, role: int) -> list[Step]:
    """The chain of `expr`; for a model with several outputs (`fit(x, [y1, y2])`) the chain of the
    output that is processed (scaled or aliased), else of the last one."""
    if not isinstance(expr, (cst.List, cst.Tuple, cst.Dict)) or not expr.elements:
        return chain(ctx, file, expr, role)
    elements = [e for e in expr.elements if isinstance(e, (cst.Element, cst.DictElement))]
    chains = [chain(ctx, file, element.value, role) for element in elements]
    for wanted in ("scale", "alias"):
        for steps in chains:
            if any(step.kind == wanted for step in steps):
                return steps
    return chains[-1] if chains else []


def _related(
    steps: list[Step], primary: Step | None, fit_file: SourceFile, fit: cst.Call
) -> list[cst.CSTNode]:
    """The chain's statements as walked (from `fit` back to the origin), then the fit call."""
    file = primary.file if primary is not None else _built_at(steps).file
    nodes: list[cst.CSTNode] = [s.stmt for s in steps if s is not primary and s.file is file]
    if fit_file is file:
        nodes.append(fit)
    return nodes


def _range_text(ctx: Context, role: int) -> str:
    stats = (ctx.facts.x if role == 0 else ctx.facts.y) if ctx.facts else None
    if stats is None or stats.min is None or stats.max is None:
        return ""
    what = "input" if role == 0 else "target"
    return f"; the run saw {what} values from {stats.min:.3g} to {stats.max:.3g}"


def _scaling(
    ctx: Context, steps: list[Step], wanted: str, fit_file: SourceFile, fit: cst.Call, role: int
) -> Located:
    """Unscaled inputs (role 0) or regression targets (role 1)."""
    what = "inputs" if role == 0 else "targets"
    scaling = next((s for s in steps if s.kind == "scale"), None)
    if scaling is not None:
        file = scaling.file
        edits = _rescale(file, scaling.core, role, wanted)
        located = Located(file, scaling.stmt, _related(steps, scaling, fit_file, fit), edits)
        located.sentence = (
            f"The {what} are scaled at line {file.line(scaling.stmt)}, but to the wrong range"
            f"{_range_text(ctx, role)}."
        )
        return located
    made = _made_at(steps)
    file = made.file
    if made.kind == "alias" and made.core is not None:  # `.map(lambda x, y: (x, y))`: scale there
        edits = [fixes.replace(made.core, f"{made.core.value} / 255.0")] if wanted == "divide_255" else []
        located = Located(file, made.stmt, _related(steps, made, fit_file, fit), edits)
        located.sentence = (
            f"The function mapped over the dataset at line {file.line(made.stmt)} passes the {what} unscaled."
        )
        return located
    names = siblings(made.stmt, made.target)
    run = _preparation(ctx, file, made, names, role)
    split = next((s for s in steps if s.kind == "split"), None)
    if split is not None and made.kind != "alias":  # a scaler left after the split wins
        after_split = _preparation(ctx, split.file, split, siblings(split.stmt, split.target), role)
        if after_split and _unused_scaler(split.file, after_split[-1]) is not None:
            made, file, run = split, split.file, after_split
            names = siblings(split.stmt, split.target)
    anchor = run[-1] if run else file.statement(made.stmt)
    shown = _last_simple(anchor)  # after a loop: reported on the loop's last line
    scaler = _unused_scaler(file, anchor)
    if scaler is not None:  # a scaler is created but never applied: apply it
        fitted = isinstance(scaler[1], cst.Call) and last_name(scaler[1].func) == "fit"
        methods = ["transform" if fitted or i else "fit_transform" for i in range(len(names))]
        applied = _self_updates(file, anchor, names)
        if applied:  # `x = x.astype(...)` right after it is where it was applied
            edits = [
                fixes.replace(node, f"{scaler[0]}.{methods[names.index(node.value)]}({node.value})")
                for _stmt, node in applied
            ]
            located = Located(file, applied[0][0], _related(steps, None, fit_file, fit), edits)
            located.sentence = (
                f"`{scaler[0]}` is created at line {file.line(anchor)} but never applied to the {what}."
            )
            return located
        lines = [f"{n} = {scaler[0]}.{m}({n})" for n, m in zip(names, methods, strict=True)]
    else:
        lines = [f"{n} = {_scaled(n, wanted)}" for n in names]
    located = Located(file, shown, _related(steps, None, fit_file, fit), [fixes.insert_after(anchor, *lines)])
    located.sentence = (
        f"The {what} given to fit() are built at line {file.line(made.stmt)} "
        f"(`{file.snippet(made.stmt)}`) and never scaled{_range_text(ctx, role)}."
    )
    return located


def _rescale(file: SourceFile, value: cst.CSTNode, role: int, wanted: str) -> list[fixes.Edit]:
    """Fix an existing scaling expression: undo a multiplication that scales data up
    (`scaler.fit_transform(x) * 255.0` -> `scaler.fit_transform(x)`, `x * 16.0` -> `x / 16.0`),
    else standardize. Scaler calls are left alone (nothing in the source says how they are wrong)."""
    if not isinstance(value, cst.BinaryOperation):
        return []
    left = value.left
    if isinstance(value.operator, cst.Multiply) and known(literal_value(value.right)):
        normalizes = isinstance(left, cst.Call) or (
            isinstance(left, cst.BinaryOperation) and isinstance(left.operator, (cst.Divide, cst.Subtract))
        )
        if normalizes:  # the normalization is there, then multiplied back up
            return [fixes.Edit(value, "replace", left.with_changes(lpar=value.lpar, rpar=value.rpar))]
        divide = cst.Divide(
            whitespace_before=value.operator.whitespace_before,
            whitespace_after=value.operator.whitespace_after,
        )
        return [fixes.Edit(value, "replace", value.with_changes(operator=divide))]
    name = data_name(value, role)
    return [fixes.replace(value, _scaled(name.value, wanted))] if name is not None else []


def _built_at(steps: list[Step]) -> Step:
    """Where the arrays `fit` gets are made: the nearest split or creation (slices, dtype
    changes and helper returns are only passed through)."""
    return next((s for s in steps if s.kind in ("split", "origin")), steps[-1])


def _self_updates(
    file: SourceFile, after: cst.CSTNode, names: list[str]
) -> list[tuple[cst.CSTNode, cst.Name]]:
    """`x = x.astype("float32")` statements right after `after`, one per array: (statement, the
    name read on the right-hand side)."""
    line = file.statement(after)
    body = list(getattr(file.parent(line), "body", []))
    index = next((i for i, s in enumerate(body) if s is line), None)
    found = []
    for following in body[index + 1 :] if index is not None else []:
        small = following.body[0] if isinstance(following, cst.SimpleStatementLine) else None
        target = (
            small.targets[0].target if isinstance(small, cst.Assign) and len(small.targets) == 1 else None
        )
        read = data_name(small.value, 0) if isinstance(target, cst.Name) and target.value in names else None
        if read is None or read.value != target.value:
            break
        found.append((following, read))
    return found


def _last_simple(stmt: cst.CSTNode) -> cst.CSTNode:
    """The last simple statement of a compound statement (itself when simple)."""
    while isinstance(stmt, cst.BaseCompoundStatement):
        orelse = getattr(stmt, "orelse", None)
        if isinstance(orelse, cst.If):  # `elif`: its own compound statement
            stmt = orelse
            continue
        block = orelse.body if isinstance(orelse, cst.Else) else stmt.body
        if not isinstance(block, cst.IndentedBlock) or not block.body:
            break
        stmt = block.body[-1]
    return stmt


def _made_at(steps: list[Step]) -> Step:
    """The statement after which the arrays are complete, where scaling belongs: a plain alias
    (`y_scaled = y`), else where the training code receives them from a helper (unless the helper
    splits them itself), else where they are created."""
    alias = next((s for s in steps if s.kind == "alias"), None)
    if alias is not None:
        return alias
    returned = next((i for i, s in enumerate(steps) if s.kind == "returned"), None)
    if returned is not None and not any(s.kind == "split" for s in steps[returned + 1 :]):
        return steps[returned]
    return steps[-1]


def _preparation(
    ctx: Context, file: SourceFile, made: Step, names: list[str], role: int
) -> list[cst.CSTNode]:
    """Statements right after `made` that still prepare the same data: in-place edits of the
    arrays (`x[i] += 1`, loops doing so), the scaling of the other arrays made together with
    them (`X, y = load()` then `X = scaler.fit_transform(X)`), scalers created for them; up to
    the first statement that reads the arrays or builds the model."""
    line = file.statement(made.stmt)
    body = list(getattr(file.parent(line), "body", []))
    index = next((i for i, s in enumerate(body) if s is line), None)
    # Scripts scale inputs before targets: targets' scaling goes after the inputs' one.
    partners = _target_names(made.stmt) - set(names) if role == 1 else set()
    kept: list[cst.CSTNode] = []
    for following in body[index + 1 :] if index is not None else []:
        if any(_writes_into(following, n) for n in names) or _unused_scaler(file, following) is not None:
            kept.append(following)
        elif any(reads(following, n) for n in names) or not isinstance(following, cst.SimpleStatementLine):
            break
        elif _scales(ctx, file, following, partners):
            kept.append(following)
        elif any(
            info.name in ("compile", "fit") or layer_class(info)
            for info in file.calls
            if contains(following, info.node)
        ):
            break
    return kept


def _target_names(stmt: cst.CSTNode) -> set[str]:
    return {n.value for t in getattr(stmt, "targets", []) for n in walk(t.target) if isinstance(n, cst.Name)}


def _scales(ctx: Context, file: SourceFile, stmt: cst.SimpleStatementLine, names: set[str]) -> bool:
    """`X = scaler.fit_transform(X)` for one of `names`."""
    return any(
        isinstance(small, cst.Assign)
        and _target_names(small) & names
        and classify(ctx, file, small.value, 0)[0] == "scale"
        for small in stmt.body
    )


def _writes_into(root: cst.CSTNode, name: str) -> bool:
    """`name[...] = v`, `name[...] += v`, `name += v` somewhere in `root`."""
    for node in walk(root):
        targets = []
        if isinstance(node, cst.Assign):
            targets = [t.target for t in node.targets]
        elif isinstance(node, cst.AugAssign):
            targets = [node.target]
        for target in targets:
            base = target
            while isinstance(base, (cst.Subscript, cst.Attribute)):
                base = base.value
            if (
                isinstance(base, cst.Name)
                and base.value == name
                and (base is not target or isinstance(node, cst.AugAssign))
            ):
                return True
    return False


def _following(
    file: SourceFile, stmt: cst.CSTNode, keep: Callable[[cst.SimpleStatementLine], bool]
) -> list[cst.CSTNode]:
    """The statements right after `stmt`'s line in its block for which `keep` holds, in order."""
    line = file.statement(stmt)
    block = file.parent(line)
    body = list(getattr(block, "body", []))
    index = next((i for i, s in enumerate(body) if s is line), None)
    out: list[cst.CSTNode] = []
    if index is None:
        return out
    for following in body[index + 1 :]:
        if not isinstance(following, cst.SimpleStatementLine) or not keep(following):
            break
        out.append(following)
    return out


_SCALERS = {
    "StandardScaler",
    "MinMaxScaler",
    "RobustScaler",
    "MaxAbsScaler",
    "Normalizer",
    "QuantileTransformer",
}


def _unused_scaler(file: SourceFile, stmt: cst.CSTNode) -> tuple[str, cst.CSTNode] | None:
    """(name, value) for `scaler = StandardScaler()` / `scaler = MinMaxScaler().fit(X)` when
    nothing else in the file uses `scaler`."""
    small = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 else None
    if (
        not isinstance(small, cst.Assign)
        or len(small.targets) != 1
        or not isinstance(small.targets[0].target, cst.Name)
    ):
        return None
    name, value = small.targets[0].target.value, small.value
    core = (
        value.func.value if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) else value
    )
    made = isinstance(core, cst.Call) and last_name(core.func) in _SCALERS
    if made and len(re.findall(rf"\b{re.escape(name)}\b", file.text)) == 1:
        return name, value
    return None


def _scaled(name: str, wanted: str) -> str:
    if wanted == "divide_255":
        return f"{name} / 255.0"
    return f"({name} - {name}.mean(axis=0)) / ({name}.std(axis=0) + 1e-8)"


def _labels(ctx: Context, steps: list[Step], wanted: str, fit_file: SourceFile, fit: cst.Call) -> Located:
    encoding = next((s for s in steps if s.kind == "encode"), None)
    decodes = (
        encoding is not None
        and isinstance(encoding.core, cst.Call)
        and last_name(encoding.core.func) == "argmax"
    )
    if encoding is not None and (decodes if wanted == "one_hot" else not decodes):
        file = encoding.file
        inner = data_name(encoding.core, 1)
        if inner is not None and inner.value == encoding.target.value and encoding.core is encoding.value:
            edits = [fixes.remove(file.statement(encoding.stmt))]
        elif inner is not None:
            edits = [fixes.replace(encoding.core, inner.value)]
        else:
            edits = []
        located = Located(file, encoding.stmt, _related(steps, encoding, fit_file, fit), edits)
        located.sentence = (
            f"The labels are re-encoded at line {file.line(encoding.stmt)}, which does not match the loss."
        )
        return located
    built = _built_at(steps)
    file = built.file
    names = siblings(built.stmt, built.target)
    if wanted == "sparse":
        lines = [f"{n} = {n}.argmax(axis=1)" for n in names]
        import_line = None
    else:
        ref, import_line = fixes.keras_reference(file, "utils", "to_categorical")
        lines = [f"{n} = {ref}({n})" for n in names]
    # Label encoding goes at the end of the data preparation that follows, before the labels
    # are read again or the model is built.
    run = _following(file, built.stmt, lambda stmt: _prepares_data(file, stmt, set(names)))
    anchor = run[-1] if run else file.statement(built.stmt)
    edits = [fixes.insert_after(anchor, *([import_line] if import_line else []), *lines)]
    located = Located(file, anchor, _related(steps, None, fit_file, fit), edits)
    encoding_name = "one-hot vectors" if wanted == "one_hot" else "integer class ids"
    located.sentence = (
        f"The labels given to fit() are built at line {file.line(built.stmt)} "
        f"(`{file.snippet(built.stmt)}`); the loss expects {encoding_name}."
    )
    return located


def _prepares_data(file: SourceFile, stmt: cst.SimpleStatementLine, labels: set[str]) -> bool:
    """A plain statement that neither reads the labels, returns, nor builds/trains the model."""
    if any(isinstance(small, cst.Return) for small in stmt.body) or any(reads(stmt, n) for n in labels):
        return False
    model_words = {"compile", "fit", "Sequential", "Model", "Input"}
    calls = [info for info in file.calls if contains(stmt, info.node)]
    return not any(info.name in model_words or layer_class(info) for info in calls)

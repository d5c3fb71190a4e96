"""Locators for training settings: learning rate, optimizer, loss, epochs, batch size.

Each starts at the Keras call that receives the setting (`compile`, the optimizer constructor,
`fit`) and follows the argument back to where its value is written.
"""

from __future__ import annotations

import libcst as cst

from deepfd_ci.localization import fixes, suggest
from deepfd_ci.localization.anchors import (
    ACTIVATION_LAYERS,
    COMPILE_POSITIONS,
    FIT_POSITIONS,
    OPTIMIZER_CLASSES,
    argument,
    star_kwargs,
)
from deepfd_ci.localization.dataflow import Origin
from deepfd_ci.localization.located import Context, Located, describe, from_origin, value_edit, with_import
from deepfd_ci.localization.source import SourceFile, dotted, last_name
from deepfd_ci.localization.values import canonical, format_number, known, literal_value, string_literal
from deepfd_ci.records import Fault

_LR_NAMES = ("learning_rate", "lr")
# Learning-rate schedules whose first argument is the initial rate.
_SCHEDULES = {"ExponentialDecay", "CosineDecay", "CosineDecayRestarts", "InverseTimeDecay", "PolynomialDecay"}
# Arguments every Keras optimizer accepts (kept when the optimizer class is swapped).
_COMMON_OPTIMIZER_ARGS = {
    "learning_rate",
    "lr",
    "clipnorm",
    "clipvalue",
    "global_clipnorm",
    "weight_decay",
    "name",
}


def _class_from_string(value: object, fallback: str | None) -> str:
    if isinstance(value, str) and value.lower() in OPTIMIZER_CLASSES:
        return OPTIMIZER_CLASSES[value.lower()]
    return fallback or "Adam"


def _optimizer_expression(file: SourceFile, cls: str, lr: float) -> tuple[str, str | None]:
    ref, import_line = fixes.keras_reference(file, "optimizers", cls)
    return f"{ref}(learning_rate={format_number(lr)})", import_line


def _mapping_key(
    ctx: Context, file: SourceFile, call: cst.Call, keys: tuple[str, ...], observed: object
) -> list[Origin]:
    """Origins of `key` inside the `**mapping` arguments of `call` (first key found wins)."""
    for star in star_kwargs(call):
        for key in keys:
            origins = ctx.resolver.key_origins(file, star.value, key, observed)
            if origins and origins[0].certain:
                return origins
    return []


# -- learning rate ------------------------------------------------------------------------


def learning_rate(ctx: Context, fault: Fault) -> Located | None:
    found = ctx.anchors.optimizer
    if found is None:
        return None
    file, node, origins, compile_arg = found
    facts = ctx.facts
    observed = facts.learning_rate if facts else None
    what = "The learning rate"
    compile_anchor = [ctx.anchors.compile] if ctx.anchors.compile else []

    if compile_arg is None and ctx.anchors.compile is not None and node is ctx.anchors.compile[1]:
        lr = suggest.learning_rate(fault, facts, "RMSprop")
        code, import_line = _optimizer_expression(file, "RMSprop", lr)
        edits = with_import(file, node, [fixes.add_keyword(node, "optimizer", code)], import_line)
        note = "compile() has no optimizer, so Keras uses RMSprop with its default learning rate"
        return Located(file, node, [], edits, "dataflow", note, describe(file, node, what))

    value = literal_value(node)
    if isinstance(value, str):  # compile(optimizer="sgd"): the learning rate is the class default
        cls = _class_from_string(value, facts.optimizer if facts else None)
        lr = suggest.learning_rate(fault, facts, cls)
        code, import_line = _optimizer_expression(file, cls, lr)
        edits = with_import(file, node, [fixes.replace(node, code)], import_line)
        located = from_origin(origins[0], edits, what, compile_anchor)
        located.sentence = (
            f"The optimizer is given as the string {value!r} at line {file.line(node)}, "
            f"so it runs with the default learning rate of {cls}."
        )
        return located

    if not isinstance(node, cst.Call):
        origin = (
            origins[0] if origins else Origin(file, node, (), False, "the optimizer could not be followed")
        )
        return from_origin(origin, [], what, compile_anchor)

    cls = last_name(node.func)
    lr = suggest.learning_rate(fault, facts, cls if cls in OPTIMIZER_CLASSES.values() else None)
    arg = argument(node, _LR_NAMES, 0)
    if arg is not None:
        lr_origins = ctx.resolver.origins(file, arg.value, observed)
        origin = _through_schedule(ctx, lr_origins[0], observed)
        edits = value_edit(origin, format_number(lr))
        return from_origin(origin, edits, what, [(file, node), *compile_anchor], lr_origins, observed)
    in_mapping = _mapping_key(ctx, file, node, _LR_NAMES, observed)
    if in_mapping:
        origin = in_mapping[0]
        return from_origin(
            origin, value_edit(origin, format_number(lr)), what, [(file, node), *compile_anchor]
        )
    if star_kwargs(node):
        note = "the optimizer's arguments come from a `**` mapping the analysis cannot read"
        return Located(file, node, [], [], "fallback", note, describe(file, node, "The optimizer"))
    edits = [fixes.add_keyword(node, "learning_rate", format_number(lr))]
    located = Located(file, node, [n for f, n in compile_anchor if f is file], edits)
    where = f"`{file.snippet(node)}` at line {file.line(node)}"
    located.sentence = f"{where} sets no learning rate, so the class default is used."
    return located


def _through_schedule(ctx: Context, origin: Origin, observed: object) -> Origin:
    """`learning_rate=ExponentialDecay(initial_learning_rate=...)`: the initial rate is the value."""
    node = origin.node
    if isinstance(node, cst.Call):
        position = 0 if last_name(node.func) in _SCHEDULES else None
        arg = argument(node, ("initial_learning_rate",), position)
        if arg is not None:
            found = ctx.resolver.origins(origin.file, arg.value, observed)
            if found:
                inner = found[0]
                return Origin(inner.file, inner.node, origin.hops + inner.hops, inner.certain, inner.note)
    return origin


# -- optimizer ----------------------------------------------------------------------------


def optimizer(ctx: Context, fault: Fault) -> Located | None:
    found = ctx.anchors.optimizer
    if found is None:
        return None
    file, node, origins, compile_arg = found
    wanted = suggest.optimizer(fault)
    facts = ctx.facts
    what = "The optimizer"
    compile_anchor = [ctx.anchors.compile] if ctx.anchors.compile else []

    if compile_arg is None and ctx.anchors.compile is not None and node is ctx.anchors.compile[1]:
        edits = [fixes.add_keyword(node, "optimizer", string_literal(wanted.lower()))]
        note = "compile() has no optimizer, so Keras uses RMSprop"
        return Located(file, node, [], edits, "dataflow", note, describe(file, node, what))

    value = literal_value(node)
    if isinstance(value, str):
        new = wanted.lower() if value == value.lower() else wanted
        origin = origins[0]
        return from_origin(origin, value_edit(origin, string_literal(new, like=node)), what, compile_anchor)

    if isinstance(node, cst.Call):
        origin = origins[0]
        class_site = _dynamic_class(ctx, file, node)
        if class_site is not None:
            site_origin = class_site
            if isinstance(literal_value(site_origin.node), str):
                edits = value_edit(site_origin, string_literal(wanted, like=site_origin.node))
            else:
                edits = []
            return from_origin(site_origin, edits, what, [(file, node), *compile_anchor])
        known_class = last_name(node.func) in OPTIMIZER_CLASSES.values()
        edits = _swap_class(file, node, wanted, facts.learning_rate if facts else None) if known_class else []
        return from_origin(origin, edits, what, compile_anchor)

    origin = origins[0] if origins else Origin(file, node, (), False, "the optimizer could not be followed")
    return from_origin(origin, [], what, compile_anchor)


def _dynamic_class(ctx: Context, file: SourceFile, call: cst.Call) -> Origin | None:
    """For `getattr(keras.optimizers, NAME)(...)`, where NAME is written (or why it can't be read)."""
    func = call.func
    chosen = func
    if isinstance(func, cst.Name):
        defs = ctx.resolver.origins(file, func)
        chosen = defs[0].node if defs else func
        file = defs[0].file if defs else file
    if isinstance(chosen, cst.Call) and last_name(chosen.func) == "getattr" and len(chosen.args) >= 2:
        origin = ctx.resolver.origins(file, chosen.args[1].value)[0]
        if origin.certain and not isinstance(origin.value, str):
            note = f"the optimizer class is chosen at runtime by `{file.code(chosen)}`"
            return Origin(origin.file, origin.node, origin.hops, False, note)
        return origin
    return None


def _swap_class(file: SourceFile, call: cst.Call, wanted: str, observed_lr: float | None) -> list[fixes.Edit]:
    """`SGD(learning_rate=0.01, momentum=0.9)` -> `Adam(learning_rate=0.01)`, same spelling style.

    Arguments only the old class accepts are dropped; a learning rate tuned far above the new
    class' range is dropped too (the new class' default is the better guess).
    """
    func = call.func
    import_line = None
    if isinstance(func, cst.Attribute):
        new_func = func.with_changes(attr=cst.Name(wanted))
    else:
        ref, import_line = fixes.keras_reference(file, "optimizers", wanted)
        new_func = fixes.expression(ref)
    lr_arg = argument(call, _LR_NAMES, 0)
    lr_value = observed_lr if observed_lr is not None else (literal_value(lr_arg.value) if lr_arg else None)
    keep_lr = not known(lr_value) or (isinstance(lr_value, (int, float)) and 1e-5 <= lr_value <= 1e-2)
    args = []
    for arg in call.args:
        if arg is lr_arg:
            if keep_lr:
                args.append(arg)
        elif arg.keyword is not None and arg.keyword.value in _COMMON_OPTIMIZER_ARGS or arg.star:
            args.append(arg)
    if args and not isinstance(call.args[-1].comma, cst.Comma):
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    new_call = call.with_changes(func=new_func, args=args)
    if not args:
        new_call = new_call.with_changes(whitespace_before_args=cst.SimpleWhitespace(""))
    return with_import(file, call, [fixes.Edit(call, "replace", new_call)], import_line)


# -- loss ---------------------------------------------------------------------------------


def loss(ctx: Context, fault: Fault) -> Located | None:
    if ctx.anchors.compile is None:
        return None
    file, call = ctx.anchors.compile
    facts = ctx.facts
    last = facts.last_activation if facts else _static_last_activation(ctx)
    wanted = suggest.loss(fault, facts, last) or _loss_from_source(ctx, last)
    what = "The loss"
    arg = argument(call, ("loss",), COMPILE_POSITIONS["loss"])
    if arg is None:
        edits = [fixes.add_keyword(call, "loss", string_literal(wanted))] if wanted else []
        note = "compile() is given no loss"
        return Located(file, call, [], edits, "dataflow", note, describe(file, call, what))
    origins = ctx.resolver.origins(file, arg.value, facts.loss if facts else None)
    origin = origins[0]
    like = origin.node if isinstance(origin.node, cst.SimpleString) else _any_string(file)
    several = isinstance(origin.node, (cst.List, cst.Tuple, cst.Dict))  # one loss per output
    edits = value_edit(origin, string_literal(wanted, like=like)) if wanted and not several else []
    located = from_origin(origin, edits, what, [(file, call)], origins, facts.loss if facts else None)
    if several:
        located.note = "the model has one loss per output; change the one for the faulty output"
    return located


def _loss_from_source(ctx: Context, last: str | None) -> str | None:
    """Without a run: the loss the output layer and the label encoding in the source call for."""
    if last == "softmax":
        one_hot = any(info.name in ("to_categorical", "one_hot", "get_dummies") for info in ctx.script.calls)
        return "categorical_crossentropy" if one_hot else "sparse_categorical_crossentropy"
    if last == "linear":
        return "mean_squared_error"
    return None


def _static_last_activation(ctx: Context) -> str | None:
    site = ctx.anchors.last_activation_layer
    if site is None:
        return None
    arg = site.activation_arg
    if arg is None:
        return "linear" if site.cls not in ACTIVATION_LAYERS else None
    value = literal_value(ctx.resolver.origins(site.file, arg.value)[0].node)
    return canonical(value) if isinstance(value, str) else None


def _any_string(file: SourceFile) -> cst.SimpleString | None:
    for info in file.calls:
        for arg in info.node.args:
            if isinstance(arg.value, cst.SimpleString):
                return arg.value
    return None


# -- epochs and batch size ----------------------------------------------------------------


def epochs(ctx: Context, fault: Fault) -> Located | None:
    facts = ctx.facts
    observed = facts.epochs_requested if facts else None
    return _fit_setting(ctx, fault, "epochs", ("epochs", "nb_epoch"), observed, "The number of epochs")


def batch_size(ctx: Context, fault: Fault) -> Located | None:
    facts = ctx.facts
    observed = facts.batch_size if facts else None
    return _fit_setting(ctx, fault, "batch_size", ("batch_size",), observed, "The batch size")


def _fit_setting(
    ctx: Context, fault: Fault, name: str, names: tuple[str, ...], observed: object, what: str
) -> Located | None:
    if ctx.anchors.fit is None:
        return _loop_epochs(ctx, fault, observed) if name == "epochs" else None
    file, call = ctx.anchors.fit
    arg = argument(call, names, FIT_POSITIONS[name])
    if arg is not None and literal_value(arg.value) is None and name == "batch_size":
        # `batch_size=None`: Keras' default, or the dataset's own batches when x is a dataset.
        dataset = _dataset_batch(ctx, fault, file, call, observed)
        if dataset is not None:
            return dataset
    if arg is not None:
        origins = ctx.resolver.origins(file, arg.value, observed)
        origin = origins[0]
        wanted = _wanted(fault, name, ctx, origin.value)
        return from_origin(origin, value_edit(origin, str(wanted)), what, [(file, call)], origins, observed)
    in_mapping = _mapping_key(ctx, file, call, names, observed)
    if in_mapping:
        origin = in_mapping[0]
        wanted = _wanted(fault, name, ctx, origin.value)
        return from_origin(origin, value_edit(origin, str(wanted)), what, [(file, call)])
    if name == "batch_size":
        dataset = _dataset_batch(ctx, fault, file, call, observed)
        if dataset is not None:
            return dataset
    if star_kwargs(call):
        note = "fit()'s arguments come from a `**` mapping the analysis cannot read"
        return Located(file, call, [], [], "fallback", note, describe(file, call, "fit()"))
    wanted = _wanted(fault, name, ctx, None)
    edits = [fixes.add_keyword(call, name, str(wanted))]
    default = "1 epoch" if name == "epochs" else "batches of 32"
    sentence = (
        f"`{file.snippet(call)}` at line {file.line(call)} does not set {name}, so Keras uses {default}."
    )
    return Located(file, call, [], edits, "dataflow", None, sentence)


def _wanted(fault: Fault, name: str, ctx: Context, current: object) -> int:
    if name == "epochs":
        return suggest.epochs(fault, ctx.facts, current)
    return suggest.batch_size(fault, ctx.facts)


def _dataset_batch(
    ctx: Context, fault: Fault, file: SourceFile, fit: cst.Call, observed: object
) -> Located | None:
    """`fit(dataset)` where `dataset = ....batch(N)`: the batch size is N."""
    x = argument(fit, ("x",), 0)
    if x is None:
        return None
    for origin in ctx.resolver.origins(file, x.value):
        batch = _find_call(origin.node, "batch")
        if batch is not None and batch.args:
            inner = ctx.resolver.origins(origin.file, batch.args[0].value, observed)[0]
            edits = value_edit(inner, str(suggest.batch_size(fault, ctx.facts)))
            return from_origin(inner, edits, "The batch size", [(file, fit)])
    return None


def _find_call(node: cst.CSTNode, method: str) -> cst.Call | None:
    """The outermost `.method(...)` call in a method chain such as `ds.shuffle(100).batch(32)`."""
    while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        if node.func.attr.value == method:
            return node
        node = node.func.value
    return None


def _loop_epochs(ctx: Context, fault: Fault, observed: object) -> Located | None:
    """Custom training loops: `for epoch in range(N):` around the gradient step."""
    file = ctx.script
    for info in file.calls:
        if info.name != "range" or not info.node.args:
            continue
        loop = file.parent(info.node)
        if not isinstance(loop, cst.For) or loop.iter is not info.node:
            continue
        target = dotted(loop.target) or ""
        body = file.code(loop.body)
        if "epoch" in target.lower() or "apply_gradients" in body or "train_on_batch" in body:
            bound = info.node.args[0 if len(info.node.args) == 1 else 1].value
            origin = ctx.resolver.origins(file, bound, observed)[0]
            wanted = suggest.epochs(fault, ctx.facts, origin.value)
            return from_origin(
                origin, value_edit(origin, str(wanted)), "The number of epochs", [(file, info.node)]
            )
    return None

"""Locators for the model's structure: activations, initializers, and the layers themselves.

The layer statements are found in source order (Sequential lists, `model.add`, functional calls,
layers built in loops, comprehensions or helper functions); the run's facts pick the output layer.
"""

from __future__ import annotations

import re

import libcst as cst

from deepfd_ci.features import static
from deepfd_ci.localization import fixes, suggest
from deepfd_ci.localization.anchors import ACTIVATION_LAYERS, KERNEL_LAYERS, LayerSite, argument
from deepfd_ci.localization.dataflow import Origin
from deepfd_ci.localization.located import Context, Located, describe, from_origin, value_edit, with_import
from deepfd_ci.localization.source import SourceFile, dotted, last_name
from deepfd_ci.localization.values import canonical, literal_value, string_literal
from deepfd_ci.records import Fault

# A suggestion covering several layers is only offered when they sit this close together.
_MAX_SPAN = 15
_GOOD_INITIALIZERS = {
    "glorot_uniform",
    "glorot_normal",
    "he_normal",
    "he_uniform",
    "lecun_normal",
    "lecun_uniform",
    "orthogonal",
    "variance_scaling",
    "truncated_normal",
}
_INPUT_ARGS = ("input_shape", "input_dim", "input_length", "batch_input_shape")


def _activation_origin(ctx: Context, site: LayerSite, observed: object = None) -> Origin | None:
    arg = site.activation_arg
    if arg is None:
        return None
    return ctx.resolver.origins(site.file, arg.value, observed)[0]


def _activation_name(origin: Origin | None, site: LayerSite) -> str | None:
    """The activation a layer applies, when the source says it literally."""
    if site.cls != "Activation" and site.cls in ACTIVATION_LAYERS:
        return {"Softmax": "softmax", "ReLU": "relu", "LeakyReLU": "leaky_relu", "ELU": "elu"}.get(site.cls)
    if origin is None:
        return "linear"
    value = literal_value(origin.node)
    if isinstance(value, str):
        return canonical(value)
    if value is None:
        return "linear"
    code = origin.file.code(origin.node).strip()
    return code.rsplit(".", 1)[-1].lower() if code.replace(".", "").replace("_", "").isalnum() else None


def _set_activation(site: LayerSite, origin: Origin | None, wanted: str) -> list[fixes.Edit]:
    """Edits that make `site` apply `wanted`."""
    if site.cls != "Activation" and site.cls in ACTIVATION_LAYERS:  # Softmax() -> Activation("sigmoid")
        func = site.call.func
        if isinstance(func, cst.Attribute):
            code = f"{site.file.code(func.value)}.Activation({string_literal(wanted)})"
            import_line = None
        else:
            ref, import_line = fixes.keras_reference(site.file, "layers", "Activation")
            code = f"{ref}({string_literal(wanted)})"
        return with_import(site.file, site.call, [fixes.replace(site.call, code)], import_line)
    if origin is None:
        return [
            fixes.add_keyword(site.call, "activation", string_literal(wanted, like=_string_in(site.call)))
        ]
    like = origin.node if isinstance(origin.node, cst.SimpleString) else _string_in(site.call)
    return value_edit(origin, string_literal(wanted, like=like))


def _string_in(call: cst.Call) -> cst.SimpleString | None:
    return next((a.value for a in call.args if isinstance(a.value, cst.SimpleString)), None)


def _layer_located(site: LayerSite, origin: Origin | None, edits: list[fixes.Edit], what: str) -> Located:
    if origin is not None:
        return from_origin(origin, edits, what, [(site.file, site.call)])
    return Located(site.file, site.call, [], edits, "dataflow", None, describe(site.file, site.call, what))


def _near(file: SourceFile, node: cst.CSTNode, anchor: cst.CSTNode) -> bool:
    return abs(file.line(node) - file.line(anchor)) <= _MAX_SPAN


# -- activation ---------------------------------------------------------------------------


def activation(ctx: Context, fault: Fault) -> Located | None:
    if fault.detail.get("scope") == "hidden":
        return _hidden_activation(ctx, fault)
    site = ctx.anchors.last_activation_layer
    if site is None:
        return None
    facts = ctx.facts
    observed = facts.last_activation if facts else None
    origin = _activation_origin(ctx, site, observed)
    wanted = suggest.last_activation(fault, facts, _static_loss(ctx))
    edits = _set_activation(site, origin, wanted) if wanted else []
    located = _layer_located(site, origin, edits, "The output layer's activation")
    if site.file.in_repetition(site.call):
        located.note = "this layer is created in a loop; the change applies to every layer it creates"
    return located


def _hidden_activation(ctx: Context, fault: Fault) -> Located | None:
    sites = ctx.anchors.hidden_layers
    if not sites:
        return None
    wanted = suggest.hidden_activation(fault)
    resolved = [(site, _activation_origin(ctx, site)) for site in sites]
    bad = [(s, o) for s, o in resolved if _activation_name(o, s) != canonical(wanted)]
    if not bad:
        site, origin = resolved[0]
        located = _layer_located(site, origin, [], "The hidden layers' activation")
        located.how = "keyword"
        located.note = f"every hidden layer already uses {wanted}; pointing at the first one"
        return located
    # Layers sharing one variable (`act = "sigmoid"`) are fixed once, where it is set.
    unique: list[tuple[LayerSite, Origin | None]] = []
    for site, origin in bad:
        key = origin.node if origin is not None else site.call
        if all((o.node if o is not None else s.call) is not key for s, o in unique):
            unique.append((site, origin))
    site, origin = unique[0]
    target_file = origin.file if origin is not None else site.file
    primary_node = origin.node if origin is not None else site.call
    edits: list[fixes.Edit] = []
    for other_site, other_origin in unique:
        node = other_origin.node if other_origin is not None else other_site.call
        node_file = other_origin.file if other_origin is not None else other_site.file
        if node_file is target_file and _near(target_file, node, primary_node):
            edits += _set_activation(other_site, other_origin, wanted)
    located = _layer_located(site, origin, edits, "A hidden layer's activation")
    others = [o.node if o is not None else s.call for s, o in unique[1:]]
    located.related = [n for n in others if n in located.file.positions] + located.related
    return located


def _static_loss(ctx: Context) -> str | None:
    compile_site = ctx.anchors.compile
    if compile_site is None:
        return None
    file, call = compile_site
    arg = argument(call, ("loss",), 1)
    if arg is None:
        return None
    value = literal_value(ctx.resolver.origins(file, arg.value)[0].node)
    return canonical(value) if isinstance(value, str) else None


# -- initialization -----------------------------------------------------------------------


def initialization(ctx: Context, fault: Fault) -> Located | None:
    sites = [s for s in ctx.anchors.layers if s.cls in KERNEL_LAYERS]
    if not sites:
        return None
    explicit = []
    for site in sites:
        arg = argument(site.call, ("kernel_initializer", "init"), 3 if site.cls == "Dense" else None)
        if arg is not None:
            explicit.append((site, ctx.resolver.origins(site.file, arg.value)[0]))
    bad = [(s, o) for s, o in explicit if not _good_initializer(o)]
    if not bad:
        site = sites[0]
        located = Located(
            site.file, site.call, [s.call for s in sites[1:] if s.file is site.file], [], "keyword"
        )
        located.note = (
            "no layer sets an unusual kernel_initializer in the source; pointing at the first layer"
        )
        return located
    site, origin = bad[0]
    activation_name = _activation_name(_activation_origin(ctx, site), site)
    wanted = suggest.initializer(fault, activation_name)
    edits: list[fixes.Edit] = []
    done: list[cst.CSTNode] = []
    for other_site, other_origin in bad:
        fresh = all(d is not other_origin.node for d in done)
        same_file = other_origin.file is origin.file
        if same_file and fresh and _near(origin.file, other_origin.node, origin.node):
            edits += value_edit(other_origin, string_literal(wanted, like=_string_in(other_site.call)))
            done.append(other_origin.node)
    located = from_origin(origin, edits, "The kernel initializer", [(site.file, site.call)])
    located.related += [o.node for s, o in bad[1:] if o.file is located.file]
    return located


def _good_initializer(origin: Origin) -> bool:
    value = literal_value(origin.node)
    if isinstance(value, str):
        return canonical(value) in _GOOD_INITIALIZERS
    code = origin.file.code(origin.node)
    name = code.split("(")[0].rsplit(".", 1)[-1]
    snake = "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")
    return snake in _GOOD_INITIALIZERS or name.lower() in _GOOD_INITIALIZERS


# -- layers -------------------------------------------------------------------------------


def layers(ctx: Context, fault: Fault) -> Located | None:
    output = ctx.anchors.output_layer
    if output is None:
        return None
    kind, units = suggest.layers(fault, ctx.facts)
    if kind == "output_units":
        return _output_units(ctx, output, units)
    if kind == "extra_layer":
        return _extra_layer(ctx, output)
    if kind == "bottleneck":
        return _bottleneck(ctx, output, units)
    return _missing_hidden(ctx, output, units)


def _bottleneck(ctx: Context, output: LayerSite, units: int) -> Located | None:
    """The hidden layer too narrow to carry the signal: the one the run saw with fewest units."""
    hidden = [
        s
        for s in ctx.anchors.layers
        if s.cls in KERNEL_LAYERS and s is not output and s.units_arg is not None
    ]
    if not hidden:
        return None
    narrow_facts = [layer.units for layer in (static.hidden_layers(ctx.facts) if ctx.facts else [])
                    if layer.units]
    observed = min(narrow_facts) if narrow_facts else None
    candidates = [(s, ctx.resolver.origins(s.file, s.units_arg.value, observed)[0]) for s in hidden]
    sized = [(s, o) for s, o in candidates if isinstance(o.value, int)]
    matching = [(s, o) for s, o in sized if observed is not None and o.value == observed]
    site, origin = (matching or sorted(sized, key=lambda so: so[1].value) or candidates)[0]
    return from_origin(
        origin, value_edit(origin, str(units)), "The hidden layer's width", [(site.file, site.call)]
    )


def _output_units(ctx: Context, output: LayerSite, units: int) -> Located:
    arg = output.units_arg
    what = "The output layer's width"
    if arg is None:
        return Located(
            output.file, output.call, [], [], "keyword", "the output layer's units are not an argument", None
        )
    observed = ctx.facts.output_units if ctx.facts else None
    origin = ctx.resolver.origins(output.file, arg.value, observed)[0]
    return from_origin(origin, value_edit(origin, str(units)), what, [(output.file, output.call)])


def _missing_hidden(ctx: Context, output: LayerSite, units: int) -> Located:
    """Add a hidden layer right before the output layer, in the style the model is built (one
    more loop iteration when the hidden layers are built in a loop)."""
    grown = _grow_loop(ctx, output) or _feature_gap(ctx, output) or _unapplied_layer(ctx, output)
    if grown is not None:
        return grown
    file, call = output.file, output.call
    parent = file.parent(call)
    input_args = _input_args(call)
    moved = "".join(f", {file.code(a.keyword)}={file.code(a.value)}" for a in input_args)
    layer_code = (
        f"{file.code(call.func)}({units}, activation={string_literal('relu', like=_string_in(call))}{moved})"
    )
    new_output = _without_input(call)
    edits: list[fixes.Edit] = [fixes.Edit(call, "replace", new_output)] if input_args else []
    what = "The model's layers"
    anchor: cst.CSTNode = call  # the line the new layer goes after (where a removed layer was)
    if isinstance(parent, cst.Element):
        container = file.parent(parent)
        elements = list(container.elements) if isinstance(container, (cst.List, cst.Tuple)) else []
        index = next((i for i, e in enumerate(elements) if e is parent), 0)
        comma = _separator(container, elements, index)
        edits.append(fixes.insert_element_before(parent, layer_code, comma))
        anchor = elements[index - 1] if index > 0 else container
    elif (
        isinstance(parent, cst.Arg)
        and isinstance(file.parent(parent), cst.Call)
        and _is_add(file.parent(parent))
    ):
        add_call = file.parent(parent)
        statement = file.statement(add_call)
        edits.append(fixes.insert_before(statement, f"{file.code(add_call.func)}({layer_code})"))
        anchor = _previous_statement(file, statement) or call
    elif _applied_to_name(file, parent, call):  # `outputs = Dense(1)(x)`: insert `x = Dense(64)(x)`
        source = parent.args[0].value
        made = ctx.resolver.origins(file, source)[0].node
        defined = ctx.resolver.definitions(file, source)
        statement = file.statement(parent)
        if isinstance(made, cst.Call) and last_name(made.func) == "Input":  # keep the model's input
            name = _fresh_name(file, "hidden")
            arg = parent.args[0].with_changes(value=cst.Name(name))
            edits = [fixes.Edit(parent, "replace", parent.with_changes(func=new_output, args=[arg]))]
            edits.append(fixes.insert_before(statement, f"{name} = {layer_code}({source.value})"))
            anchor = _previous_statement(file, statement) or call
        else:  # `x = Dense(...)(x)` right where `x` is made, so every output built on it gets it
            where = file.statement(defined[0][1].node) if defined and defined[0][0] is file else statement
            line = f"{source.value} = {layer_code}({source.value})"
            edits.append(
                fixes.insert_after(where, line)
                if where is not statement
                else fixes.insert_before(where, line)
            )
            anchor = where if where is not statement else (_previous_statement(file, statement) or call)
    elif isinstance(parent, cst.Call) and parent.func is call and parent.args:
        inner = parent.args[0]
        nested = parent.with_changes(
            func=new_output,
            args=[
                inner.with_changes(value=fixes.expression(f"{layer_code}({file.code(inner.value)})")),
                *parent.args[1:],
            ],
        )
        edits = [fixes.Edit(parent, "replace", nested)]
    else:
        return Located(
            file,
            call,
            [],
            [],
            "keyword",
            "the output layer is built in a way the fix cannot extend",
            describe(file, call, what),
        )
    located = Located(file, anchor, [call] if anchor is not call else [], edits)
    located.sentence = _depth_sentence(ctx, output)
    return located


def _depth_sentence(ctx: Context, output: LayerSite) -> str:
    """What the model has before its output layer, as the run built it (the source when the run
    has no facts): a model with hidden layers is not told it has none."""
    line = output.file.line(output.call)
    if ctx.facts is not None and ctx.facts.layers:
        hidden = static.hidden_layers(ctx.facts)  # what the model's features count
        count, widths = len(hidden), [layer.units for layer in hidden if layer.units]
    else:
        file = output.file
        count = sum(1 for s in ctx.anchors.layers
                    if s.cls in KERNEL_LAYERS and s.file is file and file.before(s.call, output.call))
        widths = []
    if not count:
        return f"The model goes straight to its output layer at line {line} without a hidden layer."
    layers = "one hidden layer" if count == 1 else f"{count} hidden layers"
    sizes = f" (width {', '.join(str(w) for w in widths)})" if widths and len(widths) == count else ""
    return f"The model has {layers}{sizes} before its output layer at line {line}; the fix adds one more."


_RECURRENT = {"LSTM", "GRU", "SimpleRNN"}


def _is_feature(cls: str | None) -> bool:
    """Convolutional and recurrent layers: what extracts features in such models."""
    return cls is not None and (cls in _RECURRENT or "Conv" in cls)


def _is_pooling(cls: str | None) -> bool:
    return cls is not None and "Pooling" in cls


def _feature_gap(ctx: Context, output: LayerSite) -> Located | None:
    """A convolutional or recurrent model built as a list misses a feature layer, not a dense one
    (unless `Flatten()` goes straight into the output): two pooling layers in a row lost the
    convolution between them; otherwise the feature stack gets one more layer at its bottom."""
    file = output.file
    element = file.parent(output.call)
    container = file.parent(element) if isinstance(element, cst.Element) else None
    if not isinstance(container, (cst.List, cst.Tuple)):
        return None
    elements = list(container.elements)
    by_call = {id(site.call): site.cls for site in ctx.anchors.layers}
    classes = [by_call.get(id(e.value)) for e in elements]
    features = [i for i, cls in enumerate(classes) if _is_feature(cls)]
    last = next(i for i, e in enumerate(elements) if e is element)
    if not features or (last > 0 and classes[last - 1] == "Flatten"):
        return None
    kind = classes[features[0]]
    for i in range(len(elements) - 1):
        if _is_pooling(classes[i]) and "Global" not in classes[i] and _is_pooling(classes[i + 1]):
            template = elements[max([j for j in features if j < i], default=features[0])].value
            code = _layer_like(file, template, keep_input=False)
            separator = _separator(container, elements, i + 1)
            located = Located(
                file,
                elements[i],
                [output.call],
                [fixes.insert_element_before(elements[i + 1], code, separator)],
            )
            where = f"line {file.line(elements[i])}"
            located.sentence = f"Two pooling layers follow each other at {where}: a {kind} layer is missing."
            return located
    first = elements[features[0]]
    # The new layer goes right after the input (where `Input(...)` may now meet a pooling layer).
    at = next((i for i, cls in enumerate(classes) if cls is not None), features[0])
    code = _layer_like(file, first.value, keep_input=at == features[0])
    edits = [fixes.insert_element_before(elements[at], code, _separator(container, elements, at))]
    if at == features[0] and _input_args(first.value):
        edits.append(fixes.Edit(first.value, "replace", _without_input(first.value)))
    anchor = elements[at - 1] if at > 0 else container
    located = Located(file, anchor, [first.value, output.call], edits)
    located.sentence = (
        f"The {kind} layers start at line {file.line(first)}: too few of them to learn the task."
    )
    return located


def _unapplied_layer(ctx: Context, output: LayerSite) -> Located | None:
    """A subclassed model creates a hidden layer in `__init__` that `call()` never applies:
    apply it again right after the layer created before it."""
    file = output.file
    init = file.enclosing(output.call, cst.FunctionDef)
    cls = file.enclosing(output.call, cst.ClassDef)
    method = next(
        (
            s
            for s in (cls.body.body if cls else [])
            if isinstance(s, cst.FunctionDef) and s.name.value == "call"
        ),
        None,
    )
    if init is None or init.name.value != "__init__" or method is None:
        return None
    created = [  # self.<name> = <layer>, in order
        (stmt.targets[0].target.attr.value, stmt)
        for stmt in file.assignments_in(init)
        if isinstance(stmt.targets[0].target, cst.Attribute)
        and any(site.call is stmt.value for site in ctx.anchors.layers)
    ]
    calls = [c for c in file.calls if file.enclosing(c.node, cst.FunctionDef) is method]
    applied = {dotted(c.node.func) for c in calls}
    names = [name for name, _stmt in created]
    for index, name in enumerate(names):
        if f"self.{name}" in applied or index == 0:
            continue
        before = next((c for c in calls if dotted(c.node.func) == f"self.{names[index - 1]}"), None)
        assign = file.parent(before.node) if before is not None else None
        if not (isinstance(assign, cst.Assign) and isinstance(assign.targets[0].target, cst.Name)):
            continue
        result = assign.targets[0].target.value
        statement = file.statement(assign)
        edits = [fixes.insert_after(statement, f"{result} = self.{name}({result})")]
        located = Located(file, statement, [created[index][1], output.call], edits)
        located.sentence = (
            f"`self.{name}` is created at line {file.line(created[index][1])} but call() never applies it."
        )
        return located
    return None


def _input_args(call: cst.Call) -> list[cst.Arg]:
    return [a for a in call.args if a.keyword is not None and a.keyword.value in _INPUT_ARGS]


def _without_input(call: cst.Call) -> cst.Call:
    """The layer call without `input_shape=`-like arguments (they belong to the first layer)."""
    kept = [a for a in call.args if all(a is not m for m in _input_args(call))]
    if kept and isinstance(kept[-1].comma, cst.Comma) and not isinstance(call.args[-1].comma, cst.Comma):
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return call.with_changes(args=kept)


def _layer_like(file: SourceFile, template: cst.Call, keep_input: bool) -> str:
    """Source of a layer like `template`; recurrent layers below another one return sequences."""
    call = template if keep_input else _without_input(template)
    if last_name(call.func) in _RECURRENT and argument(call, ("return_sequences",)) is None:
        call = fixes.add_keyword(call, "return_sequences", "True").new
    return file.code(call)


def _fresh_name(file: SourceFile, base: str) -> str:
    """`base`, or `base2`, ...: an identifier the file does not use anywhere."""
    name, n = base, 1
    while re.search(rf"\b{name}\b", file.text):
        n += 1
        name = f"{base}{n}"
    return name


def _applied_to_name(file: SourceFile, applied: cst.CSTNode | None, layer: cst.Call) -> bool:
    """`name = Layer(...)(other)` as a whole statement, with a plain name as the layer's input."""
    if not (isinstance(applied, cst.Call) and applied.func is layer and len(applied.args) == 1):
        return False
    assign = file.parent(applied)
    return isinstance(applied.args[0].value, cst.Name) and isinstance(assign, cst.Assign)


def _grow_loop(ctx: Context, output: LayerSite) -> Located | None:
    """Hidden layers built by `for _ in range(DEPTH)` or `for units in [64, 32]`: the missing
    layer is one more iteration (`DEPTH`, or the list)."""
    file = output.file
    hidden = [s for s in ctx.anchors.layers if s.cls in KERNEL_LAYERS and s.file is file and s is not output]
    loop = file.enclosing(hidden[-1].call, cst.For) if hidden else None
    if loop is None or file.enclosing(output.call, cst.For) is loop:
        return None
    iterable = ctx.resolver.origins(file, loop.iter)[0]
    what = "The number of hidden layers"
    node = iterable.node
    if isinstance(node, cst.Call) and last_name(node.func) == "range" and len(node.args) == 1:
        count = ctx.resolver.origins(iterable.file, node.args[0].value)[0]
        if isinstance(count.value, int):
            return from_origin(count, value_edit(count, str(count.value + 1)), what, [(file, loop)])
    if isinstance(node, (cst.List, cst.Tuple)) and node.elements:
        elements = list(node.elements)
        last = elements[-1]
        separator = _separator(node, elements, len(elements))
        grown = node.with_changes(
            elements=[*elements[:-1], last.with_changes(comma=separator), last.deep_clone()]
        )
        return from_origin(iterable, [fixes.Edit(node, "replace", grown)], what, [(file, loop)])
    return None


def _previous_statement(file: SourceFile, statement: cst.CSTNode) -> cst.CSTNode | None:
    block = file.parent(statement)
    body = list(getattr(block, "body", []))
    index = next((i for i, s in enumerate(body) if s is statement), 0)
    return body[index - 1] if index > 0 else None


def _separator(container: cst.CSTNode, elements: list[cst.Element], index: int) -> cst.Comma:
    """The comma (with the whitespace after it) that separates elements of this list."""
    if index > 0 and isinstance(elements[index - 1].comma, cst.Comma):
        return elements[index - 1].comma
    if isinstance(container, cst.List):
        bracket = container.lbracket
    else:
        bracket = container.lpar[0] if getattr(container, "lpar", None) else None
    gap = bracket.whitespace_after if bracket is not None else None
    if isinstance(gap, cst.ParenthesizedWhitespace):
        return cst.Comma(whitespace_after=gap)
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _is_add(call: cst.CSTNode) -> bool:
    return (
        isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value == "add"
    )


def _extra_layer(ctx: Context, output: LayerSite) -> Located | None:
    """The extra layer: one repeating its predecessor verbatim, else the last hidden layer."""
    hidden = [
        s
        for s in ctx.anchors.layers
        if s.cls in KERNEL_LAYERS and s.file is output.file and output.file.before(s.call, output.call)
    ]
    if not hidden:
        return None
    file = output.file
    chosen = hidden[-1]
    for previous, current in zip(hidden, hidden[1:], strict=False):
        if file.code(previous.call) == file.code(current.call):
            chosen = current
    parent = file.parent(chosen.call)
    edits: list[fixes.Edit] = []
    if file.in_repetition(chosen.call):
        pass  # removing a layer built in a loop would remove them all: the loop count is the fix
    elif isinstance(parent, cst.Element):
        edits = [fixes.remove(parent)]
    elif isinstance(parent, cst.Arg) and _is_add(file.parent(parent)):
        edits = [fixes.remove(file.statement(parent))]
    located = Located(file, chosen.call, [s.call for s in reversed(hidden) if s is not chosen], edits)
    located.sentence = f"The layer at line {file.line(chosen.call)} adds depth the task does not need."
    if not edits:
        located.note = "remove this layer (or build one fewer); no automatic fix for how it is built"
    return located

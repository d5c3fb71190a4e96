"""Read a Keras training script the way the mutation operators need it.

`Program` parses a script once and answers the questions every operator asks: where is the
`compile`/`fit` call, which layers are the output layers, and -- following simple data flow --
which expression actually holds a value (`epochs=EPOCHS` -> the `EPOCHS = 50` literal,
`CONFIG["lr"]` -> the dict entry, `args.lr` -> the argparse default, a function parameter -> its
default or its single call site's argument, `cfg.units` -> the dataclass field).
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst
import libcst.matchers as m
from libcst.metadata import (
    Assignment,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    ScopeProvider,
)

# Keras layer classes the operators know how to read (by the last name of the callee).
KERNEL_LAYERS = frozenset({"Dense", "Conv1D", "Conv2D", "Conv3D", "SeparableConv2D", "LSTM", "GRU", "SimpleRNN"})
RECURRENT_LAYERS = frozenset({"LSTM", "GRU", "SimpleRNN"})
ACTIVATION_LAYERS = frozenset({"Activation", "Softmax", "ReLU"})
SCALERS = frozenset({"StandardScaler", "MinMaxScaler", "RobustScaler", "MaxAbsScaler", "Normalizer"})
OPTIMIZER_CLASSES = {
    "sgd": "SGD",
    "rmsprop": "RMSprop",
    "adam": "Adam",
    "adamw": "AdamW",
    "adadelta": "Adadelta",
    "adagrad": "Adagrad",
    "adamax": "Adamax",
    "nadam": "Nadam",
    "ftrl": "Ftrl",
    "lion": "Lion",
}
# Keyword arguments that only `keras.Model.fit` takes (tells it apart from `scaler.fit(X)`).
_FIT_KEYWORDS = frozenset(
    {
        "epochs",
        "batch_size",
        "validation_split",
        "validation_data",
        "callbacks",
        "verbose",
        "steps_per_epoch",
        "shuffle",
        "class_weight",
        "initial_epoch",
    }
)
_COMPILE_KEYWORDS = frozenset({"optimizer", "loss", "metrics", "loss_weights", "run_eagerly", "jit_compile"})
_LOOPS = (cst.For, cst.While)


def callee_name(call: cst.Call) -> str | None:
    """Last name of the called object: `keras.layers.Dense(...)` -> "Dense"."""
    func = call.func
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return None


def string_value(node: cst.CSTNode | None) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def number_value(node: cst.CSTNode | None) -> float | None:
    if isinstance(node, (cst.Integer, cst.Float)):
        return float(node.evaluated_value)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = number_value(node.expression)
        return None if inner is None else -inner
    return None


def names_in(node: cst.CSTNode) -> set[str]:
    """Every bare name read in an expression (attributes' bases included, attribute names not)."""
    found: set[str] = set()

    class _Names(cst.CSTVisitor):
        def visit_Name(self, name: cst.Name) -> None:
            found.add(name.value)

        def visit_Attribute(self, attr: cst.Attribute) -> bool:
            attr.value.visit(self)
            return False

        def visit_Arg(self, arg: cst.Arg) -> bool:
            arg.value.visit(self)  # not the keyword's name
            return False

    node.visit(_Names())
    return found


@dataclass(frozen=True)
class LayerCall:
    """A layer constructor call, e.g. `layers.Dense(64, activation="relu")`."""

    call: cst.Call
    kind: str  # the class name, e.g. "Dense"
    in_loop: bool  # built inside a for/while loop (stands for several layers)


class Program:
    """A parsed training script with the metadata the operators share."""

    def __init__(self, source: str) -> None:
        self.source = source
        # The module is never changed in place (edits build a new tree), so no defensive copy.
        self.wrapper = MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True)
        self.module = self.wrapper.module
        metadata = self.wrapper.resolve_many([ScopeProvider, ParentNodeProvider, PositionProvider])
        self.scopes = metadata[ScopeProvider]
        self.parents = metadata[ParentNodeProvider]
        self.positions = metadata[PositionProvider]
        self.calls: list[cst.Call] = m.findall(self.module, m.Call())  # in source order
        self.functions: dict[str, cst.FunctionDef] = {f.name.value: f for f in m.findall(self.module, m.FunctionDef())}
        self.classes: dict[str, cst.ClassDef] = {c.name.value: c for c in m.findall(self.module, m.ClassDef())}

    # -- source positions -------------------------------------------------------------------

    def line(self, node: cst.CSTNode) -> int:
        return self.positions[node].start.line

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node).strip()

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.parents.get(node)

    def enclosing(self, node: cst.CSTNode, kinds: tuple[type, ...]) -> cst.CSTNode | None:
        current = self.parents.get(node)
        while current is not None and not isinstance(current, kinds):
            current = self.parents.get(current)
        return current

    def statement_of(self, node: cst.CSTNode) -> cst.SimpleStatementLine | None:
        found = self.enclosing(node, (cst.SimpleStatementLine,))
        return found if isinstance(found, cst.SimpleStatementLine) else None

    def in_loop(self, node: cst.CSTNode) -> bool:
        return self.enclosing(node, _LOOPS) is not None

    # -- the training calls ------------------------------------------------------------------

    def method_calls(self, method: str) -> list[cst.Call]:
        return [c for c in self.calls if isinstance(c.func, cst.Attribute) and c.func.attr.value == method]

    def fit_calls(self) -> list[cst.Call]:
        """`model.fit(...)` calls (not `scaler.fit(X)`): they pass a Keras-only keyword."""
        return [
            c
            for c in self.method_calls("fit")
            if any(a.keyword is not None and a.keyword.value in _FIT_KEYWORDS for a in c.args)
        ]

    def compile_calls(self) -> list[cst.Call]:
        return [
            c
            for c in self.method_calls("compile")
            if any(a.keyword is not None and a.keyword.value in _COMPILE_KEYWORDS for a in c.args) or len(c.args) >= 2
        ]

    @staticmethod
    def argument(call: cst.Call, keyword: str, position: int | None = None) -> cst.Arg | None:
        """The argument bound to a parameter, passed by keyword or (before any keyword) by position."""
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == keyword:
                return arg
        if position is not None:
            positional = [a for a in call.args if a.keyword is None and not a.star]
            if position < len(positional):
                return positional[position]
        return None

    def keras_prefix(self) -> str | None:
        """How the script can name the keras package (`keras` or `tf.keras`), None if it cannot."""
        bound = {a.name for a in self.scopes[self.module].assignments}
        if "keras" in bound:
            return "keras"
        if "tf" in bound:
            return "tf.keras"
        return None

    # -- data flow ---------------------------------------------------------------------------

    def resolve(self, expr: cst.BaseExpression, _depth: int = 0) -> cst.BaseExpression:
        """The expression that really holds `expr`'s value, following names, config entries,
        argparse defaults, dataclass fields and function parameters; `expr` itself otherwise."""
        if _depth > 12:
            return expr
        nxt: cst.BaseExpression | None = None
        if isinstance(expr, cst.Name) and expr.value not in ("True", "False", "None"):
            nxt = self._value_of_name(expr)
        elif isinstance(expr, cst.Subscript):
            nxt = self._value_of_subscript(expr)
        elif isinstance(expr, cst.Attribute):
            nxt = self._value_of_attribute(expr)
        return expr if nxt is None else self.resolve(nxt, _depth + 1)

    def assignments_of(self, name: cst.Name) -> list[Assignment]:
        scope = self.scopes.get(name)
        if scope is None:
            return []
        return [a for a in scope[name.value] if isinstance(a, Assignment)]

    def _value_of_name(self, name: cst.Name) -> cst.BaseExpression | None:
        assignments = self.assignments_of(name)
        if not assignments:
            return None
        use_line = self.line(name)
        # The last assignment before the use (in the same scope), else the last one at all.
        ordered = sorted(assignments, key=lambda a: self.line(a.node))
        before = [a for a in ordered if self.line(a.node) <= use_line and a.scope is self.scopes.get(name)]
        chosen = (before or ordered)[-1]
        node = chosen.node
        if isinstance(node, cst.Param):
            return self._value_of_param(node)
        if not isinstance(node, cst.Name):
            return None
        owner = self.parents.get(node)
        if isinstance(owner, cst.AssignTarget):
            assign = self.parents.get(owner)
            if isinstance(assign, cst.Assign) and len(assign.targets) == 1:
                return assign.value
        if isinstance(owner, cst.AnnAssign) and owner.value is not None:
            return owner.value
        return None

    def _value_of_param(self, param: cst.Param) -> cst.BaseExpression | None:
        """A parameter's value: the argument of its only call site, else its default."""
        function = self.enclosing(param, (cst.FunctionDef,))
        if not isinstance(function, cst.FunctionDef):
            return None
        params = [p for p in function.params.params]
        position = params.index(param) if param in params else None
        if position is not None and params and params[0].name.value in ("self", "cls"):
            position -= 1
        sites = [c for c in self.calls if isinstance(c.func, cst.Name) and c.func.value == function.name.value]
        if len(sites) == 1:
            arg = self.argument(sites[0], param.name.value, position)
            if arg is not None:
                return arg.value
        return param.default

    def _value_of_subscript(self, sub: cst.Subscript) -> cst.BaseExpression | None:
        if len(sub.slice) != 1 or not isinstance(sub.slice[0].slice, cst.Index):
            return None
        key = string_value(sub.slice[0].slice.value)
        if key is None:
            return None
        container = self.resolve(sub.value)
        if isinstance(container, cst.Dict):
            for element in container.elements:
                if isinstance(element, cst.DictElement) and string_value(element.key) == key:
                    return element.value
        if isinstance(container, cst.Call) and callee_name(container) == "dict":
            arg = self.argument(container, key)
            return arg.value if arg is not None else None
        return None

    def _value_of_attribute(self, attr: cst.Attribute) -> cst.BaseExpression | None:
        field_name = attr.attr.value
        default = self._argparse_default(field_name)
        if default is not None:
            return default
        instance = self.resolve(attr.value)
        if isinstance(instance, cst.Call) and callee_name(instance) in self.classes:
            passed = self.argument(instance, field_name)
            if passed is not None:
                return passed.value
            for statement in m.findall(self.classes[callee_name(instance)].body, m.AnnAssign()):
                if m.matches(statement.target, m.Name(field_name)) and statement.value is not None:
                    return statement.value
        return None

    def _argparse_default(self, dest: str) -> cst.BaseExpression | None:
        for call in self.method_calls("add_argument"):
            explicit = self.argument(call, "dest")
            options = [string_value(a.value) for a in call.args if a.keyword is None]
            names = (
                [string_value(explicit.value)]
                if explicit is not None
                else [o.lstrip("-").replace("-", "_") for o in options if o and o.startswith("--")]
            )
            if dest in names:
                default = self.argument(call, "default")
                return default.value if default is not None else None
        return None

    # -- layers and models -------------------------------------------------------------------

    def layer_calls(self, kinds: frozenset[str] | None = None) -> list[LayerCall]:
        known = KERNEL_LAYERS | ACTIVATION_LAYERS
        result = []
        for call in self.calls:
            kind = callee_name(call)
            if kind in known and (kinds is None or kind in kinds):
                result.append(LayerCall(call, kind, self.in_loop(call)))
        return result

    def output_layers(self) -> list[cst.Call]:
        """The layer calls whose output is the model's output (one per head)."""
        outputs: list[cst.Call] = []
        for call in self.calls:
            name = callee_name(call)
            if name == "Sequential" and call.args and isinstance(call.args[0].value, cst.List):
                layers = [e.value for e in call.args[0].value.elements if isinstance(e.value, cst.Call)]
                outputs += self._last_layer(layers)
            elif name == "Model" and not isinstance(self.enclosing(call, (cst.ClassDef,)), cst.ClassDef):
                arg = self.argument(call, "outputs", 1)
                if arg is not None:
                    outputs += self._layers_producing(arg.value)
        added: dict[str, list[cst.Call]] = {}
        for call in self.method_calls("add"):
            if isinstance(call.func.value, cst.Name) and call.args and isinstance(call.args[0].value, cst.Call):
                added.setdefault(call.func.value.value, []).append(call.args[0].value)
        for layers in added.values():
            outputs += self._last_layer(layers)
        outputs += self._subclassed_outputs()
        return [c for c in outputs if callee_name(c) in KERNEL_LAYERS | ACTIVATION_LAYERS]

    @staticmethod
    def _last_layer(layers: list[cst.Call]) -> list[cst.Call]:
        layers = [c for c in layers if callee_name(c) in KERNEL_LAYERS | ACTIVATION_LAYERS | {"Dropout"}]
        while layers and callee_name(layers[-1]) == "Dropout":
            layers.pop()
        return layers[-1:]

    def _layers_producing(self, expr: cst.BaseExpression) -> list[cst.Call]:
        if isinstance(expr, (cst.List, cst.Tuple)):
            return [c for e in expr.elements for c in self._layers_producing(e.value)]
        if isinstance(expr, cst.Dict):
            return [c for e in expr.elements if isinstance(e, cst.DictElement) for c in self._layers_producing(e.value)]
        value = self.resolve(expr)
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Call):
            return [value.func]  # `layers.Dense(10)(x)`
        return []

    def _subclassed_outputs(self) -> list[cst.Call]:
        outputs = []
        for cls in self.classes.values():
            methods = {f.name.value: f for f in cls.body.body if isinstance(f, cst.FunctionDef)}
            if "call" not in methods or "__init__" not in methods:
                continue
            attrs = self.self_attributes(methods["__init__"])
            for ret in m.findall(methods["call"], m.Return()):
                value = ret.value
                if (
                    isinstance(value, cst.Call)
                    and isinstance(value.func, cst.Attribute)
                    and m.matches(value.func.value, m.Name("self"))
                    and value.func.attr.value in attrs
                ):
                    outputs.append(attrs[value.func.attr.value])
        return outputs

    @staticmethod
    def self_attributes(init: cst.FunctionDef) -> dict[str, cst.Call]:
        """`self.name = SomeLayer(...)` assignments of a constructor."""
        attrs = {}
        for assign in m.findall(init, m.Assign(targets=[m.AssignTarget(m.Attribute(value=m.Name("self")))])):
            if isinstance(assign.value, cst.Call):
                attrs[assign.targets[0].target.attr.value] = assign.value
        return attrs

    def hidden_layers(self, kinds: frozenset[str]) -> list[LayerCall]:
        outputs = set(map(id, self.output_layers()))
        return [layer for layer in self.layer_calls(kinds) if id(layer.call) not in outputs]

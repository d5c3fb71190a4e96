"""The training statements every locator starts from: `fit`, `compile`, the optimizer, the layers.

Found structurally (callee names resolved through imports, receivers matched), in the script or
in the repository file that builds the model when the script imports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import libcst as cst

from deepfd_ci.localization.dataflow import Origin, Project, Resolver
from deepfd_ci.localization.source import CallInfo, SourceFile, dotted
from deepfd_ci.records import StaticFacts

# Keras signatures (positional order) for the arguments localization reads.
FIT_POSITIONS = {"x": 0, "y": 1, "batch_size": 2, "epochs": 3}
COMPILE_POSITIONS = {"optimizer": 0, "loss": 1}

OPTIMIZER_CLASSES = {
    "sgd": "SGD",
    "adam": "Adam",
    "adamw": "AdamW",
    "rmsprop": "RMSprop",
    "adagrad": "Adagrad",
    "adadelta": "Adadelta",
    "adamax": "Adamax",
    "nadam": "Nadam",
    "ftrl": "Ftrl",
    "lion": "Lion",
    "adafactor": "Adafactor",
    "lamb": "Lamb",
}

# Layers whose activation is an argument (position of `activation` when passed positionally).
ACTIVATION_POSITION = {
    "Dense": 1,
    "LSTM": 1,
    "GRU": 1,
    "SimpleRNN": 1,
    "Conv1D": 7,
    "Conv2D": 7,
    "Conv3D": 7,
    "Conv1DTranspose": None,
    "Conv2DTranspose": None,
    "Conv3DTranspose": None,
    "SeparableConv1D": None,
    "SeparableConv2D": None,
    "DepthwiseConv2D": None,
    "ConvLSTM2D": None,
    "EinsumDense": None,
    "LocallyConnected1D": None,
    "LocallyConnected2D": None,
}
# Layers that are an activation themselves.
ACTIVATION_LAYERS = {"Activation", "Softmax", "ReLU", "LeakyReLU", "ELU", "PReLU", "ThresholdedReLU"}
# Layers with a kernel (units/filters as first argument).
KERNEL_LAYERS = {name for name in ACTIVATION_POSITION} | {"Embedding"}
# Layers that neither compute nor activate: skipped when looking for the output layer.
PASS_THROUGH = {
    "Dropout",
    "Flatten",
    "Reshape",
    "BatchNormalization",
    "LayerNormalization",
    "GaussianNoise",
    "GaussianDropout",
    "AlphaDropout",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "ActivityRegularization",
    "Permute",
    "RepeatVector",
}
OTHER_LAYERS = {
    "Input",
    "InputLayer",
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
    "AveragePooling1D",
    "AveragePooling2D",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "Bidirectional",
    "TimeDistributed",
    "Concatenate",
    "Add",
    "Rescaling",
    "Normalization",
}
KNOWN_LAYERS = set(ACTIVATION_POSITION) | ACTIVATION_LAYERS | KERNEL_LAYERS | PASS_THROUGH | OTHER_LAYERS


def argument(call: cst.Call, names: tuple[str, ...], position: int | None = None) -> cst.Arg | None:
    """The argument passed as one of `names` (keyword) or at `position` (positional)."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in names:
            return arg
    if position is None:
        return None
    positional = []
    for arg in call.args:
        if arg.star:
            break
        if arg.keyword is None:
            positional.append(arg)
    return positional[position] if position < len(positional) else None


def star_kwargs(call: cst.Call) -> list[cst.Arg]:
    return [arg for arg in call.args if arg.star == "**"]


@dataclass
class LayerSite:
    file: SourceFile
    call: cst.Call
    cls: str

    @property
    def activation_arg(self) -> cst.Arg | None:
        if self.cls == "Activation":
            return argument(self.call, ("activation",), 0)
        return argument(self.call, ("activation",), ACTIVATION_POSITION.get(self.cls))

    @property
    def units_arg(self) -> cst.Arg | None:
        return argument(self.call, ("units", "filters", "output_dim"), 0)

    @property
    def activates(self) -> bool:
        return self.cls in ACTIVATION_POSITION or self.cls in ACTIVATION_LAYERS


def layer_class(info: CallInfo) -> str | None:
    """The Keras layer class a call constructs, or None when it is not a layer constructor."""
    if info.qualified and info.qualified.startswith("keras.layers."):
        return info.qualified.rsplit(".", 1)[1]
    if info.qualified and not info.qualified.startswith("keras."):
        return None
    return info.name if info.name in KNOWN_LAYERS else None


class Anchors:
    """Lazily found training statements of one script (and of the file that builds its model)."""

    def __init__(self, project: Project, resolver: Resolver, facts: StaticFacts | None) -> None:
        self.project = project
        self.script = project.script
        self.resolver = resolver
        self.facts = facts

    @cached_property
    def fit(self) -> tuple[SourceFile, cst.Call] | None:
        """The Keras `fit` call: on a compiled receiver, else one with Keras-only arguments."""
        candidates = [
            (f, info.node)
            for f in [self.script, *self.model_files]
            for info in f.calls
            if info.name == "fit" and isinstance(info.node.func, cst.Attribute)
        ]
        if not candidates:
            return None
        compiled = {dotted(call.func.value) for _f, call in self.compile_calls}
        for f, call in candidates:
            if dotted(call.func.value) in compiled:
                return f, call
        for f, call in candidates:
            if _keras_fit(call):
                return f, call
        return candidates[-1]

    @cached_property
    def model_files(self) -> list[SourceFile]:
        """Repository files other than the script where the trained model is built or compiled:
        where the model `fit` is called on comes from, or, when the script itself never calls
        fit/compile, the repository modules it imports (the training code lives there)."""
        others: list[SourceFile] = []
        trains = [
            c
            for c in self.script.calls
            if isinstance(c.node.func, cst.Attribute)
            and (c.name == "compile" or (c.name == "fit" and _keras_fit(c.node)))
        ]
        for info in trains[:_MAX_TRAINING_CALLS]:
            for origin in self.resolver.origins(self.script, info.node.func.value):
                if origin.file is not self.script and origin.file not in others:
                    others.append(origin.file)
        if not trains:
            for target in self.script.imports.values():
                for module in (target, target.rpartition(".")[0]):
                    path = self.project.module_path(self.script, module) if module else None
                    if path is None or not _trains(path):
                        continue
                    found = self.project.module(self.script, module)
                    if found is not None and found is not self.script and found not in others:
                        others.append(found)
                        break
        return others

    @cached_property
    def compile_calls(self) -> list[tuple[SourceFile, cst.Call]]:
        return [
            (f, info.node)
            for f in [self.script, *self.model_files]
            for info in f.calls
            if info.name == "compile" and isinstance(info.node.func, cst.Attribute)
        ]

    @cached_property
    def compile(self) -> tuple[SourceFile, cst.Call] | None:
        calls = self.compile_calls
        if not calls:
            return None
        fit = self.fit
        if fit is not None:
            receiver = dotted(fit[1].func.value)
            same = [(f, c) for f, c in calls if dotted(c.func.value) == receiver]
            if len(same) >= 1:
                return same[-1]
        return calls[-1]

    @cached_property
    def optimizer(self) -> tuple[SourceFile, cst.CSTNode, list[Origin], cst.Arg | None] | None:
        """(file, the node the optimizer comes from, its origins, the compile argument).

        The node is a constructor call, a string (`"adam"`), or the compile call itself when
        compile was given no optimizer (Keras then uses RMSprop).
        """
        observed = self.facts.optimizer if self.facts else None
        if self.compile is not None:
            f, call = self.compile
            arg = argument(call, ("optimizer",), COMPILE_POSITIONS["optimizer"])
            if arg is None:
                return f, call, [], None
            origins = self.resolver.origins(f, arg.value, observed)
            origins = _rank_by_class(origins, observed)
            return origins[0].file, origins[0].node, origins, arg
        constructors = [
            (f, info.node)
            for f in [self.script, *self.model_files]
            for info in f.calls
            if info.qualified
            and info.qualified.startswith("keras.optimizers.")
            and info.qualified.rsplit(".", 1)[1] in OPTIMIZER_CLASSES.values()
        ]
        if not constructors:
            return None
        ranked = sorted(constructors, key=lambda fc: _class_of(fc[1]) == observed, reverse=True)
        f, call = ranked[0]
        return f, call, [Origin(f, call)], None

    @cached_property
    def layers(self) -> list[LayerSite]:
        """Layer constructor calls in source order, in the files that build the model."""
        files = [*self.model_files, self.script] if self.model_files else [self.script]
        sites = []
        for f in files:
            for info in f.calls:
                cls = layer_class(info)
                if cls is not None and cls not in ("Input", "InputLayer"):
                    sites.append(LayerSite(f, info.node, cls))
        return sites

    @cached_property
    def output_layer(self) -> LayerSite | None:
        """The layer that produces the model's output (the last computing layer)."""
        computing = [s for s in self.layers if s.cls not in PASS_THROUGH and s.cls not in OTHER_LAYERS]
        if not computing:
            return None
        wanted = None
        if self.facts and self.facts.layers:
            kernels = [layer for layer in self.facts.layers if layer.units is not None]
            wanted = kernels[-1].class_name if kernels else None
        kernel_sites = [s for s in computing if s.cls not in ACTIVATION_LAYERS]
        matching = [s for s in kernel_sites if s.cls == wanted]
        if matching:
            return matching[-1]
        return kernel_sites[-1] if kernel_sites else computing[-1]

    @cached_property
    def last_activation_layer(self) -> LayerSite | None:
        """The layer whose activation is applied last: an activation layer after the output
        layer, else the output layer itself."""
        output = self.output_layer
        if output is None:
            return None
        index = next(i for i, s in enumerate(self.layers) if s is output)
        after = [s for s in self.layers[index + 1 :] if s.cls in ACTIVATION_LAYERS]
        return after[-1] if after else output

    @cached_property
    def hidden_layers(self) -> list[LayerSite]:
        """Activating layers before the output layer, in source order. A layer without an
        activation of its own that feeds an activation layer (`Dense(64)`, `BatchNormalization()`,
        `Activation("relu")`) is left out: the activation layer is the one that counts."""
        output = self.output_layer
        if output is None:
            return []
        before = self.layers[: next(i for i, s in enumerate(self.layers) if s is output)]
        hidden = []
        for i, site in enumerate(before):
            if not site.activates:
                continue
            following = next((s for s in before[i + 1 :] if s.cls not in PASS_THROUGH), None)
            feeds_activation = following is not None and following.cls in ACTIVATION_LAYERS
            if site.cls in ACTIVATION_LAYERS or site.activation_arg is not None or not feeds_activation:
                hidden.append(site)
        return hidden


_MAX_SCAN_BYTES = 300_000
_MAX_TRAINING_CALLS = 4  # receivers followed to find the model's file (scripts train one or two)


def _trains(path: str) -> bool:
    """A cheap look at a file before parsing it: does it compile or fit a model at all?"""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read(_MAX_SCAN_BYTES)
    except OSError:
        return False
    return ".compile(" in text or ".fit(" in text


_KERAS_FIT_WORDS = {"epochs", "batch_size", "validation_data", "validation_split", "callbacks", "verbose"}


def _keras_fit(call: cst.Call) -> bool:
    """`model.fit(x, y, epochs=...)` rather than `scaler.fit(X)`: it takes Keras-only keywords."""
    return any(a.keyword is not None and a.keyword.value in _KERAS_FIT_WORDS for a in call.args)


def _class_of(call: cst.CSTNode) -> str | None:
    if isinstance(call, cst.Call):
        name = dotted(call.func)
        return name.rsplit(".", 1)[-1] if name else None
    return None


def _rank_by_class(origins: list[Origin], observed: str | None) -> list[Origin]:
    """Optimizer candidates whose class is the one the run used come first."""
    if observed is None:
        return origins
    hits = [o for o in origins if _class_of(o.node) == observed]
    return hits + [o for o in origins if all(o is not h for h in hits)]

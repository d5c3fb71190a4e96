"""The mutation operators, one module per fault type; `OPERATORS` is the catalogue in a fixed order."""

from deepfd_ci.corpus.mutation.operators.activation import (
    HiddenActivation,
    LastLayerActivation,
)
from deepfd_ci.corpus.mutation.operators.base import Change, Operator
from deepfd_ci.corpus.mutation.operators.batch_size import BatchSizeExtreme
from deepfd_ci.corpus.mutation.operators.epochs import DivideEpochs
from deepfd_ci.corpus.mutation.operators.initialization import BadInitializer
from deepfd_ci.corpus.mutation.operators.layers import Bottleneck, RemoveLayer
from deepfd_ci.corpus.mutation.operators.learning_rate import LearningRate
from deepfd_ci.corpus.mutation.operators.loss import SwapLoss
from deepfd_ci.corpus.mutation.operators.optimizer import ReplaceOptimizer
from deepfd_ci.corpus.mutation.operators.preprocessing import Rescale

OPERATORS: tuple[Operator, ...] = (
    # DeepFD's five, with DeepFD's ranges.
    LearningRate("learning_rate_up", "learning_rate", deepfd=True, direction="up"),
    LearningRate("learning_rate_down", "learning_rate", deepfd=True, direction="down"),
    SwapLoss("loss", "loss", deepfd=True),
    DivideEpochs("epochs", "epochs", deepfd=True),
    ReplaceOptimizer("optimizer", "optimizer", deepfd=True),
    LastLayerActivation("last_activation", "activation", deepfd=True),
    # Ours.
    HiddenActivation("hidden_activation", "activation"),
    BatchSizeExtreme("batch_size_tiny", "batch_size", extreme="tiny"),
    BatchSizeExtreme("batch_size_huge", "batch_size", extreme="huge"),
    Rescale("inputs_unscaled", "preprocessing", side="input"),
    Rescale("inputs_scaled_up", "preprocessing", side="input", factor=255.0),
    Rescale("targets_unscaled", "preprocessing", side="target"),
    Rescale("targets_scaled_up", "preprocessing", side="target", factor=1000.0),
    BadInitializer("init_zeros", "initialization", scheme="zeros"),
    BadInitializer("init_huge", "initialization", scheme="huge"),
    BadInitializer("init_constant", "initialization", scheme="constant"),
    RemoveLayer("layer_removed", "layers"),
    Bottleneck("bottleneck", "layers"),
)
OPERATORS_BY_NAME = {op.name: op for op in OPERATORS}

__all__ = ["OPERATORS", "OPERATORS_BY_NAME", "Change", "Operator"]

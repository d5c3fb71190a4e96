"""Source-level fault mutation of Keras training scripts with libcst (see generate.py)."""

from deepfd_ci.corpus.mutation.generate import (
    AppliedFault,
    Mutant,
    MutationError,
    applicable_operators,
    generate_mutants,
    mutate,
    read_manifest,
    write_mutants,
)
from deepfd_ci.corpus.mutation.operators import OPERATORS, OPERATORS_BY_NAME

__all__ = [
    "OPERATORS",
    "OPERATORS_BY_NAME",
    "AppliedFault",
    "Mutant",
    "MutationError",
    "applicable_operators",
    "generate_mutants",
    "mutate",
    "read_manifest",
    "write_mutants",
]

"""What every mutation operator is: a fault label, a name, and `propose`.

`propose(program, rng)` finds the operator's target in the parsed script (following data flow),
picks the faulty value with `rng`, and returns a `Change` (edits + a description), or None when
the script has no suitable target or the mutation would not change the configuration.
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

import libcst as cst

from deepfd_ci.corpus.mutation.edits import Edit
from deepfd_ci.corpus.mutation.program import Program


@dataclass
class Change:
    edits: list[Edit]
    description: str
    # Text that appears on the changed lines of the mutant (None when the change only removes code).
    new_text: str | None


@dataclass(frozen=True)
class Operator(ABC):
    name: str
    label: str  # a fault type of records.FAULT_TYPES
    deepfd: bool = field(default=False)  # one of DeepFD's five operators

    @abstractmethod
    def propose(self, program: Program, rng: random.Random) -> Change | None:
        """The mutation for this script, or None if the operator does not apply to it."""


def string_like(original: cst.CSTNode, value: str) -> cst.SimpleString:
    """A string literal with the quotes the script already uses."""
    quote = original.quote if isinstance(original, cst.SimpleString) else '"'
    return cst.SimpleString(f"{quote}{value}{quote}")


def float_literal(value: float) -> cst.Float:
    text = repr(float(value))
    return cst.Float(text)

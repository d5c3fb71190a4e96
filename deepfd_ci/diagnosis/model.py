"""The bundled learned diagnosis model (see corpus/ and `deepfd-ci model train`)."""

from __future__ import annotations

from deepfd_ci.diagnosis import Diagnoser


def load_bundled() -> Diagnoser | None:
    """The model shipped with the package, or None before one has been trained."""
    return None

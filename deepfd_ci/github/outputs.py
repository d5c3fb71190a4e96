"""Step outputs (`$GITHUB_OUTPUT`), written with a random heredoc delimiter per value."""

from __future__ import annotations

import secrets
from collections.abc import Mapping


def write_outputs(path: str | None, values: Mapping[str, object]) -> None:
    if not path:
        return
    with open(path, "a", encoding="utf-8") as handle:
        for name, value in values.items():
            delimiter = f"deepfd_ci_{secrets.token_hex(8)}"
            handle.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")

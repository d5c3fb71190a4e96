"""Localization: tie each diagnosed fault to the statement a developer would change, with a fix.

`localize` follows data flow with libcst (names, parameters, config objects, argparse, sibling
modules); `apply_suggestion` applies a fix exactly like a GitHub suggestion block;
`split_suppressed` honours `# deepfd: ignore[...]` comments.
"""

from deepfd_ci.localization.localize import localize
from deepfd_ci.localization.patch import apply_suggestion
from deepfd_ci.localization.suppression import split_suppressed

__all__ = ["apply_suggestion", "localize", "split_suppressed"]

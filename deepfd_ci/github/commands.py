"""`deepfd-ci action`: the GitHub Action's entrypoint as a CLI subcommand (also used by action/main.py)."""

from __future__ import annotations

import argparse
import os

from deepfd_ci.github.runner import Action

# Variables the training subprocesses must never see. The probe scrubs its own environment too;
# this removes them from ours as soon as the inputs are read, so nothing we start can inherit them.
_SECRET_PREFIXES = ("INPUT_", "ACTIONS_")
_SECRET_NAMES = (
    "GITHUB_TOKEN",
    "GITHUB_ENV",
    "GITHUB_OUTPUT",
    "GITHUB_PATH",
    "GITHUB_STATE",
    "GITHUB_STEP_SUMMARY",
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "action",
        help="run the GitHub Action (reads INPUT_* and GITHUB_* variables, as in a workflow)",
        description="The deepfd-ci GitHub Action: analyse the training scripts a pull request changes and "
        "post review comments, a summary and a merge gate. Inputs come from INPUT_<NAME> variables "
        "(see action.yml). Exit code: 0 pass, 1 faults at or above fail_level, 2 the action could not run.",
    )
    parser.set_defaults(handler=lambda _args: entrypoint())


def entrypoint() -> int:
    env = dict(os.environ)
    for name in list(os.environ):
        if name.startswith(_SECRET_PREFIXES) or name in _SECRET_NAMES:
            del os.environ[name]
    return Action(env=env).run()

"""The action's inputs (`INPUT_<NAME>` variables) parsed and checked once, with clear errors."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

FILTER_MODES = ("added", "diff_context", "file", "nofilter")
MODES = ("auto", "analyze", "publish")
CHECK_KINDS = ("none", "check_run", "status")
FAIL_LEVELS = ("none", "warning", "error")


class InputError(ValueError):
    """An input value the action cannot use; the message names the input."""


@dataclass(frozen=True)
class ActionInputs:
    github_token: str = ""
    paths: tuple[str, ...] = ()  # empty: changed files that look like training scripts
    config: str = ".deepfd.yml"
    epochs: int | None = None  # None: from the config, else the pipeline default
    time_budget: float | None = None
    fail_level: str | None = None  # None: from the config, else "error"
    filter_mode: str = "added"
    max_comments: int = 30
    mode: str = "auto"
    base_compare: bool = False
    request_changes: bool = False
    shard: tuple[int, int] | None = None  # (index from 1, count)
    sarif_file: str | None = None
    rdjsonl_file: str | None = None
    check: str = "none"
    check_name: str = "deepfd-ci"
    output_dir: str = ".deepfd-ci"
    findings: str = (
        ".deepfd-ci/findings*.json"  # publish mode: the downloaded artifact files
    )
    install: str = (
        "auto"  # auto | none | a shell command installing the repository's dependencies
    )
    jobs: int | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> ActionInputs:
        def get(name: str) -> str:
            return env.get(f"INPUT_{name.upper()}", "").strip()

        return cls(
            github_token=get("github_token"),
            paths=tuple(
                p.strip() for p in re.split(r"[\n,]", get("paths")) if p.strip()
            ),
            config=get("config") or ".deepfd.yml",
            epochs=_int(get("epochs"), "epochs", minimum=1),
            time_budget=_float(get("time_budget"), "time_budget"),
            fail_level=_choice(
                get("fail_level"), "fail_level", FAIL_LEVELS, default=None
            ),
            filter_mode=_choice(
                get("filter_mode"), "filter_mode", FILTER_MODES, default="added"
            ),
            max_comments=_int(get("max_comments"), "max_comments", minimum=0)
            if get("max_comments")
            else 30,
            mode=_choice(get("mode"), "mode", MODES, default="auto"),
            base_compare=_bool(get("base_compare"), "base_compare"),
            request_changes=_bool(get("request_changes"), "request_changes"),
            shard=_shard(get("shard")),
            sarif_file=get("sarif_file") or None,
            rdjsonl_file=get("rdjsonl_file") or None,
            check=_choice(get("check"), "check", CHECK_KINDS, default="none"),
            check_name=get("check_name") or "deepfd-ci",
            output_dir=get("output_dir") or ".deepfd-ci",
            findings=get("findings") or ".deepfd-ci/findings*.json",
            install=get("install") or "auto",
            jobs=_int(get("jobs"), "jobs", minimum=1),
        )


def _choice(
    value: str, name: str, allowed: tuple[str, ...], default: str | None
) -> str | None:
    if not value:
        return default
    if value not in allowed:
        raise InputError(
            f"input `{name}` must be one of {', '.join(allowed)}, got {value!r}"
        )
    return value


def _int(value: str, name: str, minimum: int) -> int | None:
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise InputError(
            f"input `{name}` must be a whole number, got {value!r}"
        ) from None
    if number < minimum:
        raise InputError(f"input `{name}` must be at least {minimum}, got {number}")
    return number


def _float(value: str, name: str) -> float | None:
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise InputError(
            f"input `{name}` must be a number of seconds, got {value!r}"
        ) from None
    if not number > 0:
        raise InputError(f"input `{name}` must be positive, got {value!r}")
    return number


def _bool(value: str, name: str) -> bool:
    lowered = value.lower()
    if lowered in ("", "false", "0", "no", "off"):
        return False
    if lowered in ("true", "1", "yes", "on"):
        return True
    raise InputError(f"input `{name}` must be true or false, got {value!r}")


def _shard(value: str) -> tuple[int, int] | None:
    if not value:
        return None
    match = re.fullmatch(r"(\d+)\s*/\s*(\d+)", value)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise InputError(
            f"input `shard` must look like 2/4 (index from 1, then count), got {value!r}"
        )
    return int(match[1]), int(match[2])

"""`.deepfd.yml`: which scripts to analyse, how to run them, which fault types to ignore.

Shared by `deepfd-ci diagnose --config`, the action and the suppression logic. A malformed file is
reported with the offending key and its line, because the user fixes it from a CI log.

```yaml
include: ["train/**/*.py"]          # gitignore-style patterns; default: every selected script
exclude: ["legacy/"]
fail_level: error                    # none | warning | error
epochs: 5                            # default cap for every script
time_budget: 120                     # seconds per script
ignore: [batch_size]                 # fault types never reported
scripts:
  "train/mnist.py":                  # a pattern; later entries override earlier ones
    args: ["--data", "data/small"]   # or one string, split like a shell would
    env: {DATA_DIR: data}
    epochs: 3
    time_budget: 60
    ignore: [learning_rate]
```
"""

from __future__ import annotations

import dataclasses
import functools
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pathspec
import yaml

from deepfd_ci.records import FAULT_TYPES

if TYPE_CHECKING:  # the pipeline imports modules that use this one
    from deepfd_ci.pipeline import DiagnoseOptions

FAIL_LEVELS: tuple[str, ...] = ("none", "warning", "error")
DEFAULT_CONFIG_PATH = ".deepfd.yml"


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the file, line and key."""


@dataclass(frozen=True)
class ScriptSettings:
    """One entry of `scripts:`: overrides for the scripts its pattern matches."""

    pattern: str
    args: tuple[str, ...] | None = None
    env: dict[str, str] = field(default_factory=dict)
    epochs: int | None = None
    time_budget: float | None = None
    ignore: frozenset[str] = frozenset()

    def matches(self, path: str) -> bool:
        return _spec((self.pattern,)).match_file(path)


@dataclass(frozen=True)
class Config:
    path: str | None = None  # None: no file, all defaults
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    fail_level: str | None = None
    epochs: int | None = None
    time_budget: float | None = None
    ignore: frozenset[str] = frozenset()
    scripts: tuple[ScriptSettings, ...] = ()

    def selects(self, path: str) -> bool:
        """True when `path` (repo-relative, `/`-separated) passes include and exclude."""
        if self.include and not _spec(self.include).match_file(path):
            return False
        return not (self.exclude and _spec(self.exclude).match_file(path))

    def ignored_types(self, path: str) -> frozenset[str]:
        """Fault types never reported for `path`: the global list plus its script entries'."""
        ignored = set(self.ignore)
        for entry in self._entries_for(path):
            ignored |= entry.ignore
        return frozenset(ignored)

    def with_defaults(self, base: DiagnoseOptions) -> DiagnoseOptions:
        """`base` with this file's global `epochs` / `time_budget`.

        Precedence, lowest first: built-in defaults, this file's globals, command-line flags or
        action inputs (applied by the caller on the result), then `options_for`'s script entries.
        """
        changes: dict[str, Any] = {}
        if self.epochs is not None:
            changes["epochs"] = self.epochs
        if self.time_budget is not None:
            changes["time_budget"] = self.time_budget
        return dataclasses.replace(base, **changes)

    def options_for(self, path: str, base: DiagnoseOptions) -> DiagnoseOptions:
        """`base` with every `scripts:` entry matching `path` applied in file order, and `ignore`
        set to the fault types ignored for `path` (the pipeline moves those to `suppressed`)."""
        options = dataclasses.replace(
            base, ignore=sorted(set(base.ignore) | self.ignored_types(path))
        )
        for entry in self._entries_for(path):
            changes: dict[str, Any] = {}
            if entry.args is not None:
                changes["script_args"] = list(entry.args)
            if entry.env:
                changes["env"] = {**options.env, **entry.env}
            if entry.epochs is not None:
                changes["epochs"] = entry.epochs
            if entry.time_budget is not None:
                changes["time_budget"] = entry.time_budget
            options = dataclasses.replace(options, **changes)
        return options

    def _entries_for(self, path: str) -> list[ScriptSettings]:
        return [entry for entry in self.scripts if entry.matches(path)]


def load_config(path: str | Path, missing_ok: bool = False) -> Config:
    """Read and check a config file. `missing_ok`: a missing file means defaults (the action's case)."""
    file = Path(path)
    if not file.is_file():
        if missing_ok:
            return Config()
        raise ConfigError(f"{file}: config file not found")
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: cannot read config file: {exc}") from exc
    return parse_config(text, str(file))


def parse_config(text: str, name: str = DEFAULT_CONFIG_PATH) -> Config:
    try:
        data = yaml.load(text, Loader=_loader_for(name))
    except ConfigError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = (
            f"line {mark.line + 1}, column {mark.column + 1}"
            if mark
            else "unknown position"
        )
        context = (
            f" ({exc.context} at line {exc.context_mark.line + 1})"
            if exc.context and exc.context_mark
            else ""
        )
        raise ConfigError(
            f"{name}: {where}: not valid YAML: {exc.problem or exc.context}{context}"
        ) from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{name}: not valid YAML: {exc}") from exc
    if data is None:
        return Config(path=name)
    return _Checker(name).config(data)


# ---------------------------------------------------------------------------------------------
# YAML with line numbers: mappings remember the line of every key.
# ---------------------------------------------------------------------------------------------


class _Mapping(dict):
    line: int = 0
    key_lines: dict[str, int]


def _loader_for(name: str) -> type[yaml.SafeLoader]:
    class LineLoader(yaml.SafeLoader):
        pass

    def construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> _Mapping:
        loader.flatten_mapping(node)
        result = _Mapping()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise ConfigError(
                    f"{name}: line {line}: keys must be strings, got {key!r}"
                )
            if key in result:
                raise ConfigError(f"{name}: line {line}: `{key}` is given twice")
            result[key] = loader.construct_object(value_node, deep=True)
            result.key_lines[key] = line
        return result

    LineLoader.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping
    )
    return LineLoader


class _Checker:
    """Turns the loaded mapping into a Config, raising ConfigError at the first bad key."""

    TOP_KEYS = (
        "include",
        "exclude",
        "fail_level",
        "epochs",
        "time_budget",
        "ignore",
        "scripts",
    )
    SCRIPT_KEYS = ("args", "env", "epochs", "time_budget", "ignore")

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, line: int, key: str, message: str) -> ConfigError:
        return ConfigError(f"{self.name}: line {line}: `{key}` {message}")

    def config(self, data: Any) -> Config:
        if not isinstance(data, _Mapping):
            raise ConfigError(
                f"{self.name}: line 1: the file must be a mapping of settings, got {_kind(data)}"
            )
        self._unknown(data, self.TOP_KEYS, "")
        line = data.key_lines.get
        fail_level = data.get("fail_level")
        if fail_level is not None and fail_level not in FAIL_LEVELS:
            raise self.fail(
                line("fail_level"),
                "fail_level",
                f"must be one of {', '.join(FAIL_LEVELS)}, got {fail_level!r}",
            )
        return Config(
            path=self.name,
            include=self._patterns(data, "include"),
            exclude=self._patterns(data, "exclude"),
            fail_level=fail_level,
            epochs=self._epochs(data, "epochs", "epochs"),
            time_budget=self._budget(data, "time_budget", "time_budget"),
            ignore=self._ignore(data, "ignore", "ignore"),
            scripts=self._scripts(data),
        )

    def _unknown(self, data: _Mapping, allowed: tuple[str, ...], prefix: str) -> None:
        for key in data:
            if key not in allowed:
                raise self.fail(
                    data.key_lines[key],
                    prefix + key,
                    f"is not a known setting (known: {', '.join(allowed)})",
                )

    def _patterns(self, data: _Mapping, key: str) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(
            isinstance(item, str) and item for item in items
        ):
            raise self.fail(
                data.key_lines[key],
                key,
                "must be a pattern or a list of patterns (strings)",
            )
        try:
            _spec(tuple(items))
        except (ValueError, TypeError) as exc:
            raise self.fail(
                data.key_lines[key], key, f"has an invalid pattern: {exc}"
            ) from exc
        return tuple(items)

    def _epochs(self, data: _Mapping, key: str, label: str) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self.fail(
                data.key_lines[key], label, f"must be a positive integer, got {value!r}"
            )
        return value

    def _budget(self, data: _Mapping, key: str, label: str) -> float | None:
        value = data.get(key)
        if value is None:
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not value > 0
        ):
            raise self.fail(
                data.key_lines[key],
                label,
                f"must be a positive number of seconds, got {value!r}",
            )
        return float(value)

    def _ignore(self, data: _Mapping, key: str, label: str) -> frozenset[str]:
        value = data.get(key)
        if value is None:
            return frozenset()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            raise self.fail(data.key_lines[key], label, "must be a list of fault types")
        for item in items:
            if item not in FAULT_TYPES:
                raise self.fail(
                    data.key_lines[key],
                    label,
                    f"names unknown fault type {item!r} (known: {', '.join(FAULT_TYPES)})",
                )
        return frozenset(items)

    def _scripts(self, data: _Mapping) -> tuple[ScriptSettings, ...]:
        value = data.get("scripts")
        if value is None:
            return ()
        if not isinstance(value, _Mapping):
            raise self.fail(
                data.key_lines["scripts"],
                "scripts",
                f"must map script patterns to settings, got {_kind(value)}",
            )
        entries = []
        for pattern, settings in value.items():
            label = f"scripts.{pattern}"
            line = value.key_lines[pattern]
            try:
                _spec((pattern,))
            except (ValueError, TypeError) as exc:
                raise self.fail(line, label, f"is not a valid pattern: {exc}") from exc
            if settings is None:
                settings = _Mapping()
                settings.key_lines = {}
            if not isinstance(settings, _Mapping):
                raise self.fail(
                    line, label, f"must be a mapping of settings, got {_kind(settings)}"
                )
            self._unknown(settings, self.SCRIPT_KEYS, label + ".")
            entries.append(
                ScriptSettings(
                    pattern=pattern,
                    args=self._args(settings, label),
                    env=self._env(settings, label),
                    epochs=self._epochs(settings, "epochs", label + ".epochs"),
                    time_budget=self._budget(
                        settings, "time_budget", label + ".time_budget"
                    ),
                    ignore=self._ignore(settings, "ignore", label + ".ignore"),
                )
            )
        return tuple(entries)

    def _args(self, settings: _Mapping, label: str) -> tuple[str, ...] | None:
        value = settings.get("args")
        if value is None:
            return None
        line = settings.key_lines["args"]
        if isinstance(value, str):
            try:
                return tuple(shlex.split(value))
            except ValueError as exc:
                raise self.fail(
                    line, label + ".args", f"cannot be split into arguments: {exc}"
                ) from exc
        if isinstance(value, list) and all(
            isinstance(item, (str, int, float)) and not isinstance(item, bool)
            for item in value
        ):
            return tuple(str(item) for item in value)
        raise self.fail(line, label + ".args", "must be a string or a list of strings")

    def _env(self, settings: _Mapping, label: str) -> dict[str, str]:
        value = settings.get("env")
        if value is None:
            return {}
        line = settings.key_lines["env"]
        if not isinstance(value, _Mapping):
            raise self.fail(
                line,
                label + ".env",
                f"must map variable names to values, got {_kind(value)}",
            )
        env = {}
        for name, item in value.items():
            if not name.isidentifier():
                raise self.fail(
                    value.key_lines[name],
                    f"{label}.env.{name}",
                    "is not a valid environment variable name",
                )
            if isinstance(item, (dict, list)) or item is None:
                raise self.fail(
                    value.key_lines[name],
                    f"{label}.env.{name}",
                    "must be a string, number or boolean",
                )
            env[name] = str(item).lower() if isinstance(item, bool) else str(item)
        return env


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


@functools.lru_cache(maxsize=256)
def _spec(patterns: tuple[str, ...]) -> pathspec.PathSpec:
    return pathspec.PathSpec.from_lines("gitignore", patterns)

"""The findings artifact: `mode: analyze` writes it, `mode: publish` validates and merges it.

The analyze job runs the PR's code, so the publish job (which holds a write token) must treat the
file as hostile: size-capped before parsing, validated against a JSON schema, merged only with
shards of the same PR and commit, and never executed or interpolated unescaped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from deepfd_ci.github.analysis import Analysis
from deepfd_ci.records import script_report_from_plain, to_plain

ARTIFACT_SCHEMA = "deepfd-ci/findings/v1"
MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_FILES = 256


class ArtifactError(ValueError):
    """A findings artifact that publish refuses; the message says which file and why."""


@dataclass(frozen=True)
class Findings:
    """A validated (possibly merged) artifact."""

    repository: str
    pull_request: int
    head_sha: str
    base_sha: str
    analysis: Analysis


def write(
    path: str | Path,
    repository: str,
    pull_request: int,
    head_sha: str,
    base_sha: str,
    analysis: Analysis,
    shard: tuple[int, int] | None,
) -> Path:
    index, count = shard or (1, 1)
    data = {
        "schema": ARTIFACT_SCHEMA,
        "repository": repository,
        "pull_request": pull_request,
        "head_sha": head_sha,
        "base_sha": base_sha,
        "shard": {"index": index, "count": count},
        "base_compared": analysis.base_compared,
        "base_faults": analysis.base_faults,
        "notes": analysis.notes,
        "seconds": round(analysis.seconds, 3),
        "reports": [report.to_json() for report in analysis.reports],
    }
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        json.dumps(to_plain(data), indent=1, allow_nan=False) + "\n", encoding="utf-8"
    )
    return target


def file_name(shard: tuple[int, int] | None) -> str:
    return f"findings-{shard[0]}of{shard[1]}.json" if shard else "findings.json"


def load(paths: list[Path]) -> Findings:
    """Validate each file and merge the shards into one Analysis."""
    if not paths:
        raise ArtifactError(
            "no findings artifact found: download the analyze job's artifact before publishing"
        )
    if len(paths) > MAX_FILES:
        raise ArtifactError(
            f"{len(paths)} findings files, more than the {MAX_FILES} allowed"
        )
    parts = [(path, _read(path)) for path in paths]
    first_path, first = parts[0]
    keys = ("repository", "pull_request", "head_sha", "base_sha")
    for path, data in parts[1:]:
        for key in keys:
            if data[key] != first[key]:
                raise ArtifactError(
                    f"{path.name} is for {key} {data[key]!r} but {first_path.name} is for {first[key]!r}: refusing to merge"
                )
    analysis = Analysis(
        reports=[], base_compared=all(d["base_compared"] for _, d in parts)
    )
    seen_shards: set[int] = set()
    seen_paths: set[str] = set()
    counts = {d["shard"]["count"] for _, d in parts}
    if len(counts) > 1:
        raise ArtifactError(
            f"the findings files disagree on the number of shards: {sorted(counts)}"
        )
    for path, data in parts:
        index = data["shard"]["index"]
        if index in seen_shards:
            raise ArtifactError(f"{path.name}: shard {index} appears twice")
        seen_shards.add(index)
        for plain in data["reports"]:
            if plain["path"] in seen_paths:
                raise ArtifactError(
                    f"{path.name}: {plain['path']} is reported by two shards"
                )
            seen_paths.add(plain["path"])
            analysis.reports.append(script_report_from_plain(plain))
        analysis.base_faults.update(data["base_faults"])
        analysis.notes.extend(data["notes"])
        analysis.seconds = max(analysis.seconds, data["seconds"])
    count = counts.pop()
    missing = sorted(set(range(1, count + 1)) - seen_shards)
    if missing:
        analysis.notes.append(
            f"Shard(s) {', '.join(map(str, missing))} of {count} sent no findings: their scripts are not in this report."
        )
    return Findings(
        first["repository"],
        first["pull_request"],
        first["head_sha"],
        first["base_sha"],
        analysis,
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ArtifactError(f"cannot read {path}: {exc}") from exc
    if size > MAX_FILE_BYTES:
        raise ArtifactError(
            f"{path.name} is {size} bytes, over the {MAX_FILE_BYTES} byte limit"
        )
    try:
        data = json.loads(
            path.read_bytes().decode("utf-8"), parse_constant=_no_constants
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise ArtifactError(f"{path.name} is not valid JSON: {exc}") from exc
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top level)"
        raise ArtifactError(
            f"{path.name} does not match {ARTIFACT_SCHEMA}: at {where}: {first.message[:300]}"
        )
    return data


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not allowed (strict JSON)")


@cache
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(
        resources.files("deepfd_ci.github")
        .joinpath("findings.schema.json")
        .read_text(encoding="utf-8")
    )
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)

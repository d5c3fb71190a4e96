"""Rebuild `api.github.com.json` here from GitHub's official OpenAPI description.

The fake GitHub validates every request (and its own responses) against this file. It is the
`@octokit/openapi` npm package's description trimmed to the operations deepfd-ci calls, plus every
component they reference, so it loads in well under a second. Regenerate after a version bump:

    npm pack @octokit/openapi@23.0.2 && tar xzf octokit-openapi-23.0.2.tgz
    python tests/github/openapi/regenerate.py package/generated/api.github.com.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

# (path template, HTTP methods) that deepfd_ci.github calls through PyGithub.
OPERATIONS: dict[str, tuple[str, ...]] = {
    "/repos/{owner}/{repo}": ("get",),
    "/repos/{owner}/{repo}/pulls/{pull_number}": ("get",),
    "/repos/{owner}/{repo}/pulls/{pull_number}/files": ("get",),
    "/repos/{owner}/{repo}/pulls/{pull_number}/reviews": ("get", "post"),
    "/repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}/dismissals": (
        "put",
    ),
    "/repos/{owner}/{repo}/pulls/{pull_number}/comments": ("get", "post"),
    "/repos/{owner}/{repo}/pulls/comments/{comment_id}": ("patch", "delete"),
    "/repos/{owner}/{repo}/issues/{issue_number}/comments": ("get", "post"),
    "/repos/{owner}/{repo}/issues/comments/{comment_id}": ("patch",),
    "/repos/{owner}/{repo}/check-runs": ("post",),
    "/repos/{owner}/{repo}/statuses/{sha}": ("post",),
    "/repos/{owner}/{repo}/commits/{ref}": ("get",),
    "/repos/{owner}/{repo}/commits/{commit_sha}/pulls": ("get",),
}

OUT = Path(__file__).with_name("api.github.com.json")


def _refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.add(value)
            else:
                found |= _refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= _refs(value)
    return found


def trim(spec: dict[str, Any]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for template, methods in OPERATIONS.items():
        item = spec["paths"][template]
        kept = {m: item[m] for m in methods}
        if "parameters" in item:
            kept["parameters"] = item["parameters"]
        paths[template] = kept
    components: dict[str, dict[str, Any]] = {}
    pending = _refs(paths)
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        _, _, section, name = ref.split("/", 3)  # "#/components/<section>/<name>"
        value = spec["components"][section][name]
        components.setdefault(section, {})[name] = value
        pending |= _refs(value) - seen
    return {
        "openapi": spec["openapi"],
        "info": spec["info"],
        "servers": spec["servers"],
        "paths": paths,
        "components": {
            k: dict(sorted(v.items())) for k, v in sorted(components.items())
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "source", type=Path, help="generated/api.github.com.json from @octokit/openapi"
    )
    args = parser.parse_args()
    trimmed = trim(json.loads(args.source.read_text(encoding="utf-8")))
    OUT.write_text(
        json.dumps(trimmed, indent=1, sort_keys=False) + "\n", encoding="utf-8"
    )
    print(
        f"wrote {OUT} ({OUT.stat().st_size // 1024} KiB, {len(trimmed['paths'])} paths)"
    )


if __name__ == "__main__":
    main()

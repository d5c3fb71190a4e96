"""Make labelled faulty variants (mutants) of a healthy seed script.

About two thirds of the mutants carry one fault and one third two to four faults from different
fault types (most real bugs combine several). Single-fault mutants cycle over the fault types the
seed supports, so every type gets its share. Generation is deterministic: mutant i of a seed
depends only on (random_seed, seed id, i), so asking for more mutants keeps the first ones.
"""

from __future__ import annotations

import functools
import json
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

import libcst as cst

from deepfd_ci.corpus.mutation.edits import apply_edits, carry_lines, changed_lines
from deepfd_ci.corpus.mutation.operators import OPERATORS, Operator
from deepfd_ci.corpus.mutation.program import Program
from deepfd_ci.records import FAULT_TYPES

# Multi-fault mutants apply their operators in this order of fault types: structure first, then
# the objects that replace whole expressions, then values inside them (a learning rate applied
# after an optimizer swap lands on the new optimizer instead of being thrown away).
_APPLY_ORDER = (
    "layers",
    "optimizer",
    "loss",
    "activation",
    "initialization",
    "preprocessing",
    "batch_size",
    "epochs",
    "learning_rate",
)
MANIFEST = "manifest.json"
MANIFEST_SCHEMA = "deepfd-ci/mutants/v1"
_ATTEMPTS = 6


@dataclass
class AppliedFault:
    """One fault in a mutant: what changed and where (lines of the mutant, 1-based)."""

    operator: str
    label: str
    lines: list[int]
    description: str
    new_text: str | None  # appears on `lines`; None when the fault only removes code


@dataclass
class Mutant:
    id: str
    seed_id: str
    operators: list[str]
    labels: list[str]  # fault types, in records.FAULT_TYPES order, no duplicates
    changed_lines: list[int]
    description: str
    source: str = field(repr=False)
    faults: list[AppliedFault] = field(default_factory=list)
    # A multi-fault mutant's faults, each applied alone to the seed (single-fault mutants named
    # `<id>__f<i>`): the corpus build runs them to learn which faults hurt training by themselves.
    # A fault whose replay on the seed is not the same change (another fault moved its target) has none.
    components: list[Mutant] = field(default_factory=list, repr=False)

    def manifest_entry(self, filename: str) -> dict:
        entry = asdict(self)
        entry.pop("source")
        entry.pop("components")
        entry["file"] = filename
        return entry


class MutationError(ValueError):
    """The seed cannot be mutated (not Python, or not parseable by libcst)."""


def applicable_operators(source: str) -> list[Operator]:
    """Operators that find a target in this source (probed with a fixed generator)."""
    program = _parse(source)
    return [op for op in OPERATORS if op.propose(program, random.Random(0)) is not None]


def apply_operator(source: str, operator: Operator, rng: random.Random) -> tuple[str, AppliedFault] | None:
    """The source with one more fault, or None if the operator has no target (any more)."""
    program = _parse(source)
    change = operator.propose(program, rng)
    if change is None:
        return None
    mutated = apply_edits(program.module, change.edits)
    if mutated == source:
        return None
    fault = AppliedFault(
        operator.name, operator.label, changed_lines(source, mutated), change.description, change.new_text
    )
    return mutated, fault


def mutate(seed_id: str, source: str, operators: list[Operator], rng: random.Random, mutant_id: str) -> Mutant | None:
    """Apply `operators` in order; None unless every one of them changed the program."""
    faults: list[AppliedFault] = []
    states: list[object] = []  # the generator before each operator, to replay it alone
    current = source
    for operator in operators:
        states.append(rng.getstate())
        result = apply_operator(current, operator, rng)
        if result is None:
            return None
        mutated, fault = result
        for earlier in faults:
            earlier.lines = carry_lines(earlier.lines, current, mutated)
        faults.append(fault)
        current = mutated
    lines = current.splitlines()
    for fault in faults:  # a later fault must not have overwritten an earlier one
        if fault.new_text is not None and not any(fault.new_text in lines[n - 1] for n in fault.lines):
            return None
    components = []
    if len(faults) > 1:
        components = [c for i, (operator, state, fault) in enumerate(zip(operators, states, faults))
                      if (c := _replay(seed_id, source, operator, state, fault, f"{mutant_id}__f{i}")) is not None]
    return _mutant(mutant_id, seed_id, faults, current, components)


def _mutant(mutant_id: str, seed_id: str, faults: list[AppliedFault], source: str,
            components: list[Mutant] | None = None) -> Mutant:
    return Mutant(
        id=mutant_id,
        seed_id=seed_id,
        operators=[f.operator for f in faults],
        labels=[t for t in FAULT_TYPES if any(f.label == t for f in faults)],
        changed_lines=sorted({line for f in faults for line in f.lines}),
        description="; ".join(f.description for f in faults),
        source=source,
        faults=faults,
        components=components or [],
    )


def _replay(seed_id: str, source: str, operator: Operator, state: object, fault: AppliedFault,
            component_id: str) -> Mutant | None:
    """The fault alone on the seed: the operator replayed from the generator state it had in the
    mutant; None when that is not the same change (its description differs)."""
    rng = random.Random()
    rng.setstate(state)  # type: ignore[arg-type]
    result = apply_operator(source, operator, rng)
    if result is None or result[1].description != fault.description:
        return None
    return _mutant(component_id, seed_id, [result[1]], result[0])


def generate_mutants(seed_path: str | Path, random_seed: int = 0, n: int = 12) -> list[Mutant]:
    """Up to `n` distinct mutants of the seed script (fewer if it supports few operators)."""
    path = Path(seed_path)
    seed_id = path.stem
    source = path.read_text(encoding="utf-8")
    available = applicable_operators(source)
    if not available:
        return []
    by_label: dict[str, list[Operator]] = {}
    for op in available:
        by_label.setdefault(op.label, []).append(op)
    label_cycle = sorted(by_label)
    random.Random(f"{random_seed}/{seed_id}/labels").shuffle(label_cycle)

    mutants: list[Mutant] = []
    seen = {source}
    singles = 0
    for i in range(n):
        multi = i % 3 == 2 and len(by_label) >= 2
        for attempt in range(_ATTEMPTS):
            rng = random.Random(f"{random_seed}/{seed_id}/{i}/{attempt}")
            if multi:
                k = rng.randint(2, min(4, len(by_label)))
                labels = sorted(rng.sample(sorted(by_label), k), key=_APPLY_ORDER.index)
                chosen = [rng.choice(by_label[label]) for label in labels]
            else:
                label = label_cycle[(singles + attempt) % len(label_cycle)]
                chosen = [rng.choice(by_label[label])]
            mutant = mutate(seed_id, source, chosen, rng, f"{seed_id}__m{len(mutants):02d}")
            if mutant is not None and mutant.source not in seen:
                seen.add(mutant.source)
                mutants.append(mutant)
                break
        singles += 0 if multi else 1
    return mutants


def write_mutants(mutants: list[Mutant], out_dir: str | Path) -> Path:
    """Write each mutant as `<id>.py` and a manifest listing ids, seeds, labels and lines."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    for mutant in mutants:
        filename = f"{mutant.id}.py"
        (out / filename).write_text(mutant.source, encoding="utf-8")
        entries.append(mutant.manifest_entry(filename))
    manifest = out / MANIFEST
    manifest.write_text(json.dumps({"schema": MANIFEST_SCHEMA, "mutants": entries}, indent=1) + "\n", encoding="utf-8")
    return manifest


def read_manifest(out_dir: str | Path) -> list[dict]:
    """The manifest's entries (for tools that evaluate against the mutants' ground truth)."""
    data = json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
    if data.get("schema") != MANIFEST_SCHEMA:
        raise ValueError(f"{out_dir}/{MANIFEST} is not a {MANIFEST_SCHEMA} manifest")
    return data["mutants"]


@functools.lru_cache(maxsize=16)
def _parse(source: str) -> Program:
    """Parsed once per source text: every mutant of a seed starts from the same seed program."""
    try:
        return Program(source)
    except cst.ParserSyntaxError as exc:
        raise MutationError(f"cannot parse the seed: {exc.message} (line {exc.raw_line})") from exc

"""`deepfd-ci corpus build`: seed programs -> mutants -> K probe runs each -> kill-tested dataset.

1. Every seed in the seeds folder gets N mutants (deterministic), written with a manifest.
2. Every original and every mutant runs K times under the diagnosis probe (seeds 0..K-1, the probe's
   default epochs and time budget), `jobs` at a time. Each finished run is appended to a JSON Lines
   store keyed by (program id, source hash, run seed, probe budget), so an interrupted build resumes
   where it stopped and an edited program is re-run.
3. Each mutant is labelled by the DeepCrime kill test against its seed's runs: killed mutants keep
   their fault labels, unkilled ones become healthy; mutants whose runs crash, time out or never
   train are dropped (counted), as are seeds whose original does not run cleanly.
   The test is sequential: a mutant the K runs did not kill gets C confirmation runs (seeds
   K..K+C-1), and so does its original, and the test is repeated on all K+C scores. With K=5 a
   mutant that diverges on two of five seeds is typically not killed (p ~ 0.06-0.2 at Cohen's d
   above 1), and its broken runs would count as healthy. Killed mutants are not re-tested, so a
   second look can only kill: at most two looks at alpha each.
4. Optional (`attribute`, off by default: it did not pay off, see corpus/README.md): a killed
   multi-fault mutant keeps only the labels of the faults that hurt training by themselves: each of
   its faults is applied alone to the seed (a "component", see mutation.generate) and kill-tested
   the same two-stage way. Most real bugs combine faults, but in a mutant one fault
   often does the damage and the others ride along: a removed layer beside a learning rate of 5.0
   changes nothing a run can show, and labelling such a run "layers" teaches the model noise. A
   fault keeps its label when its component is killed, crashes, or could not be made; when no
   component is killed the faults only hurt together, and all keep their labels.
5. One dataset row per run of originals and mutants: features, labels, provenance (seed program,
   mutant, changed lines). The confirmation runs a verdict used get rows too (run seeds K and up):
   the model trains on them, and its scores are measured on the first K runs of every program only
   (the confirmation runs exist only for the programs the first K runs left undecided). Component
   runs only decide labels.

The probe runs each script in its own subprocess, so a thread pool is enough to use several cores.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from deepfd_ci import features
from deepfd_ci.corpus.audit import LabelAudit, audit_labels
from deepfd_ci.corpus.dataset import DatasetRow, write_dataset
from deepfd_ci.corpus.kill import ALPHA, MIN_EFFECT, KillResult, kill_test
from deepfd_ci.corpus.mutation import (
    Mutant,
    MutationError,
    generate_mutants,
    write_mutants,
)
from deepfd_ci.corpus.mutation.generate import MANIFEST
from deepfd_ci.corpus.store import RunKey, end_torn_line, export_store, load_store
from deepfd_ci.probe import ProbeOptions, run_probe_seeds
from deepfd_ci.records import RunRecord, run_record_from_plain, to_plain

# (script, options, run seeds) -> one record per seed; all seeds of a program share one process.
ProbeFn = Callable[[str, ProbeOptions, list[int]], list[RunRecord]]
ARTIFACTS = Path("deepfd_ci/artifacts")


@dataclass
class BuildOptions:
    seeds_dir: Path = Path("corpus/seeds")
    out: Path = ARTIFACTS / "dataset" / "runs.csv.gz"
    mutants_dir: Path = ARTIFACTS / "mutants"
    store: Path = Path("corpus/build/runs.jsonl")  # working store (resumable); exported next to `out`
    runs: int = 5
    confirm_runs: int = 5  # extra runs for a mutant the first `runs` did not kill (0: one-stage test)
    # Run a killed multi-fault mutant's faults alone and keep the labels of those that hurt (step 4).
    attribute: bool = False
    mutants_per_seed: int = 12
    jobs: int = 2
    limit: int | None = None  # only the first N seeds (sorted by name)
    only: list[str] = field(default_factory=list)  # only these seed ids
    random_seed: int = 0  # of the mutant generator
    epochs: int = ProbeOptions.epochs  # the diagnosis budget: labels and features use these epochs
    # Runs are recorded this long, so other budgets can be studied by truncation (the epochs study).
    record_epochs: int = ProbeOptions.epochs
    time_budget: float = ProbeOptions.time_budget
    show_progress: bool = True


@dataclass(frozen=True)
class CorpusProgram:
    id: str
    seed_program: str
    path: Path
    sha: str
    mutant: Mutant | None = None


@dataclass
class BuildSummary:
    seeds: int = 0
    mutants: int = 0
    runs_total: int = 0
    runs_reused: int = 0
    runs_executed: int = 0
    confirmation_runs: int = 0  # of runs_total: extra seeds for mutants the first K runs did not kill
    probe_seconds: float = 0.0  # summed over executed runs
    probe_seconds_of_runs: float = 0.0  # summed over every run the build used, reused ones too: what the data cost
    wall_seconds: float = 0.0
    killed: int = 0
    killed_on_confirmation: int = 0  # of `killed`: not killed by the first K runs, killed by all K+C
    unkilled: int = 0
    component_runs: int = 0  # of runs_total: faults of killed multi-fault mutants run alone
    components_killed: int = 0
    components_unkilled: int = 0
    passenger_labels: Counter = field(default_factory=Counter)  # label -> mutants that lost it to attribution
    dropped: Counter = field(default_factory=Counter)  # reason -> mutants
    seeds_skipped: dict[str, str] = field(default_factory=dict)  # seed id -> why
    rows: int = 0
    confirmation_rows: int = 0  # of rows: confirmation runs (trained on, not scored)
    label_counts: Counter = field(default_factory=Counter)  # over killed mutants
    audit: LabelAudit | None = None

    def lines(self) -> list[str]:
        out = [
            f"seeds: {self.seeds} ({len(self.seeds_skipped)} skipped), mutants: {self.mutants}",
            (f"runs: {self.runs_total} ({self.confirmation_runs} of them confirmation runs, {self.component_runs} "
             f"component runs; {self.runs_reused} reused from the store, {self.runs_executed} executed, "
             f"{self.probe_seconds:.0f} probe-seconds, {self.wall_seconds:.0f} s wall; "
             f"{self.probe_seconds_of_runs:.0f} probe-seconds in all the runs used)"),
            f"mutants killed: {self.killed} ({self.killed_on_confirmation} on confirmation runs), "
            f"not killed (relabelled healthy): {self.unkilled}, "
            f"dropped: {sum(self.dropped.values())} {dict(self.dropped) if self.dropped else ''}".rstrip(),
            f"labels of killed mutants: {dict(sorted(self.label_counts.items()))}",
            f"dataset rows: {self.rows} ({self.confirmation_rows} of them confirmation runs)",
        ]
        if self.component_runs:
            out.insert(3, f"faults of killed multi-fault mutants run alone (components): {self.components_killed} "
                          f"killed, {self.components_unkilled} not; labels dropped as passengers: "
                          f"{dict(sorted(self.passenger_labels.items()))}")
        out += [f"skipped seed {seed}: {why}" for seed, why in self.seeds_skipped.items()]
        out += self.audit.lines() if self.audit is not None else []
        return out


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def collect_programs(options: BuildOptions, summary: BuildSummary) -> dict[str, list[CorpusProgram]]:
    """Seed id -> [original, mutants...]; writes the mutants and their manifest."""
    seeds = sorted(options.seeds_dir.glob("*.py"))
    if options.only:
        wanted = set(options.only)
        unknown = wanted - {p.stem for p in seeds}
        if unknown:
            raise ValueError(f"no seed named {', '.join(sorted(unknown))} in {options.seeds_dir}")
        seeds = [p for p in seeds if p.stem in wanted]
    if options.limit is not None:
        seeds = seeds[: options.limit]
    if not seeds:
        raise ValueError(f"no seed scripts (*.py) in {options.seeds_dir}")
    programs: dict[str, list[CorpusProgram]] = {}
    all_mutants: list[Mutant] = []
    for path in seeds:
        source = path.read_text(encoding="utf-8")
        try:
            mutants = generate_mutants(path, options.random_seed, options.mutants_per_seed)
        except MutationError as exc:
            summary.seeds_skipped[path.stem] = str(exc)
            continue
        all_mutants += mutants
        programs[path.stem] = [CorpusProgram(path.stem, path.stem, path, source_hash(source))] + [
            CorpusProgram(m.id, path.stem, options.mutants_dir / f"{m.id}.py", source_hash(m.source), m)
            for m in mutants
        ]
    _clear_old_mutants(options.mutants_dir)
    write_mutants(all_mutants, options.mutants_dir)
    summary.seeds = len(seeds)
    summary.mutants = len(all_mutants)
    return programs


def _clear_old_mutants(folder: Path) -> None:
    """Remove the files a previous manifest listed, so the folder holds exactly this build's mutants."""
    manifest = folder / MANIFEST
    if not manifest.exists():
        return
    for entry in json.loads(manifest.read_text(encoding="utf-8")).get("mutants", []):
        (folder / entry["file"]).unlink(missing_ok=True)


# -- the run store --------------------------------------------------------------------------------



def _budget_tag(options: BuildOptions) -> str:
    return f"epochs={options.record_epochs},budget={options.time_budget:g}"


def _append(handle: TextIO, key: RunKey, record: RunRecord) -> dict[str, Any]:
    entry = {"program_id": key[0], "sha": key[1], "run_seed": key[2], "budget": key[3], "record": to_plain(record)}
    handle.write(json.dumps(entry, allow_nan=False) + "\n")
    handle.flush()
    return entry


def execute_runs(
    wanted: list[tuple[CorpusProgram, list[int]]],
    options: BuildOptions,
    probe: ProbeFn,
    summary: BuildSummary,
    store: dict[RunKey, dict[str, Any]],
) -> None:
    """Run every wanted (program, seed) not already in the store, adding it to the store.

    A program's missing seeds run in one probe process (TensorFlow is imported once per program).
    """
    tag = _budget_tag(options)
    todo: list[tuple[CorpusProgram, list[int]]] = []
    for program, seeds in wanted:
        missing = [s for s in seeds if (program.id, program.sha, s, tag) not in store]
        if missing:
            todo.append((program, missing))
    if not todo:
        return
    options.store.parent.mkdir(parents=True, exist_ok=True)
    end_torn_line(options.store)
    log_dir = options.store.parent / "logs"
    console = Console(file=sys.stderr)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
    )
    with (
        open(options.store, "a", encoding="utf-8") as handle,
        Progress(*columns, console=console, disable=not options.show_progress) as progress,
        ThreadPoolExecutor(max_workers=max(1, options.jobs)) as pool,
    ):
        task = progress.add_task("probe runs", total=sum(len(seeds) for _, seeds in todo))
        futures: dict[Future, tuple[CorpusProgram, list[int]]] = {}
        for program, seeds in todo:
            probe_options = ProbeOptions(epochs=options.record_epochs, time_budget=options.time_budget,
                                         seed=seeds[0], log_dir=str(log_dir))
            futures[pool.submit(_safe_probe, probe, str(program.path), probe_options, seeds)] = (program, seeds)
        for future in as_completed(futures):
            program, seeds = futures[future]
            records = future.result()
            for seed, record in zip(seeds, records):
                store[(program.id, program.sha, seed, tag)] = _append(handle, (program.id, program.sha, seed, tag), record)
                summary.runs_executed += 1
                summary.probe_seconds += record.run.seconds if record.run else 0.0
            progress.advance(task, len(seeds))


def _safe_probe(probe: ProbeFn, path: str, options: ProbeOptions, seeds: list[int]) -> list[RunRecord]:
    """One record per seed. A failure of the probe itself becomes a crashed run, so hours of
    finished runs are not lost; seeds skipped after a failed run repeat that failure."""
    try:
        records = probe(path, options, seeds)
    except Exception as exc:  # noqa: BLE001 - recorded, counted, and shown in the summary
        records = [RunRecord(path=path, status="crashed", error=f"probe failed: {type(exc).__name__}: {exc}")]
    while len(records) < len(seeds):
        records.append(dataclasses.replace(records[-1]))
    return records


# -- labelling ------------------------------------------------------------------------------------


def final_score(record: RunRecord, field_name: str) -> float | None:
    """The score after the last epoch ('higher is better': accuracy or R^2 clipped to [0, 1])."""
    if not record.checks:
        return None
    return getattr(record.checks[-1], field_name)


@dataclass
class JudgedProgram:
    """A program's runs (truncated to the diagnosis budget), their scores, and its verdict."""

    program: CorpusProgram
    runs: list[RunRecord]
    scores: list[float]
    verdict: KillResult | None  # None for an original
    first: KillResult | None = None  # the verdict of the first K runs alone
    labels: list[str] = field(default_factory=list)  # the rows' labels: a killed mutant's (attributed) faults
    # The confirmation runs (seeds K..K+C-1) when the verdict used them (for an original: when they exist).
    confirmation: list[RunRecord] = field(default_factory=list)
    confirmation_scores: list[float] = field(default_factory=list)


def _runs(program: CorpusProgram, seeds: range, store: dict[RunKey, dict[str, Any]],
          options: BuildOptions) -> list[RunRecord] | None:
    """The program's runs of these seeds; None when one is not in the store."""
    tag = _budget_tag(options)
    keys = [(program.id, program.sha, s, tag) for s in seeds]
    if any(key not in store for key in keys):
        return None
    # Recorded longer than the diagnosis budget; a truncated run is exactly a shorter run.
    return [run_record_from_plain(store[key]["record"]).truncated(options.epochs) for key in keys]


def _scores(runs: list[RunRecord] | None, score_field: str) -> list[float] | None:
    """Every run's final score; None when a run failed or has no score."""
    if runs is None or any(r.status != "ok" for r in runs):
        return None
    scores = [final_score(r, score_field) for r in runs]
    return None if any(s is None for s in scores) else scores  # type: ignore[return-value]


def _scored_runs(program: CorpusProgram, seeds: range, store: dict[RunKey, dict[str, Any]], options: BuildOptions,
                 score_field: str) -> tuple[list[RunRecord], list[float]] | None:
    """The program's runs of these seeds and their scores; None when one is missing, failed or has no score."""
    runs = _runs(program, seeds, store, options)
    scores = _scores(runs, score_field)
    return None if runs is None or scores is None else (runs, scores)


def _confirmation_seeds(options: BuildOptions) -> range:
    return range(options.runs, options.runs + options.confirm_runs)


def judge_programs(
    programs: dict[str, list[CorpusProgram]],
    store: dict[RunKey, dict[str, Any]],
    options: BuildOptions,
    summary: BuildSummary,
) -> list[JudgedProgram]:
    """Kill-test every mutant against its original. A mutant the first K runs did not kill is tested
    again on all K + C runs when its and its original's confirmation runs are in the store; if one
    of them failed (crashed, timed out, no score), the first verdict stands."""
    seeds, extra = range(options.runs), _confirmation_seeds(options)
    judged: list[JudgedProgram] = []
    for seed_id, family in programs.items():
        original = family[0]
        base = _runs(original, seeds, store, options)
        if base is None:
            summary.seeds_skipped[seed_id] = "the original's runs are not in the store"
            summary.dropped["seed skipped"] += len(family) - 1
            continue
        bad = [r for r in base if r.status != "ok"]
        if bad:
            summary.seeds_skipped[seed_id] = f"original run {bad[0].status}: {bad[0].error}"
            summary.dropped["seed skipped"] += len(family) - 1
            continue
        score_field = "val_acc" if all(final_score(r, "val_acc") is not None for r in base) else "acc"
        base_scores = _scores(base, score_field)
        if base_scores is None:
            summary.seeds_skipped[seed_id] = "the probe reports no score for the original"
            summary.dropped["seed skipped"] += len(family) - 1
            continue
        base_extra = _scored_runs(original, extra, store, options, score_field) if extra else None
        extra_runs, extra_scores = base_extra or ([], [])
        judged.append(JudgedProgram(original, base, base_scores, None,
                                    confirmation=extra_runs, confirmation_scores=extra_scores))
        for program in family[1:]:
            runs = _runs(program, seeds, store, options)
            if runs is None:
                summary.dropped["not run"] += 1
                continue
            failed = [r for r in runs if r.status != "ok"]
            if failed:
                summary.dropped[failed[0].status] += 1
                continue
            scores = _scores(runs, score_field)
            if scores is None:
                summary.dropped["no score"] += 1
                continue
            verdict = first = kill_test(base_scores, scores)
            more = None
            if not first.killed and base_extra is not None:
                more = _scored_runs(program, extra, store, options, score_field)
                if more is not None:
                    verdict = kill_test(base_scores + base_extra[1], scores + more[1])
                    summary.killed_on_confirmation += verdict.killed
            if verdict.killed:
                summary.killed += 1
            else:
                summary.unkilled += 1
            labels = list(program.mutant.labels) if (verdict.killed and program.mutant) else []
            more_runs, more_scores = more or ([], [])
            judged.append(JudgedProgram(program, runs, scores, verdict, first, labels,
                                        confirmation=more_runs, confirmation_scores=more_scores))
    return judged


def _originals(judged: list[JudgedProgram]) -> dict[str, CorpusProgram]:
    return {j.program.seed_program: j.program for j in judged if j.verdict is None}


def component_programs(judged: list[JudgedProgram], folder: Path) -> dict[str, list[CorpusProgram]]:
    """Seed id -> [original, the components of its killed multi-fault mutants]; writes their files."""
    families: dict[str, list[CorpusProgram]] = {}
    originals = _originals(judged)
    for j in judged:
        mutant = j.program.mutant
        if mutant is None or not (j.verdict and j.verdict.killed) or not mutant.components:
            continue
        family = families.setdefault(j.program.seed_program, [originals[j.program.seed_program]])
        folder.mkdir(parents=True, exist_ok=True)
        for component in mutant.components:
            path = folder / f"{component.id}.py"
            path.write_text(component.source, encoding="utf-8")
            family.append(CorpusProgram(component.id, j.program.seed_program, path, source_hash(component.source),
                                        component))
    return families


def attribute_labels(judged: list[JudgedProgram], components: list[JudgedProgram], summary: BuildSummary) -> None:
    """Narrow each killed multi-fault mutant's labels to the faults that hurt training alone (step 4
    of the module docstring); counts the labels of killed mutants."""
    verdicts = {c.program.id: c.verdict for c in components if c.verdict is not None}
    for c in verdicts.values():
        summary.components_killed += c.killed
        summary.components_unkilled += not c.killed
    for j in judged:
        mutant = j.program.mutant
        if mutant is None or not j.labels:
            continue
        if mutant.components:
            harmless = {c.labels[0] for c in mutant.components
                        if c.id in verdicts and not verdicts[c.id].killed}  # type: ignore[union-attr]
            if harmless and harmless != set(j.labels):  # all harmless alone: they hurt together
                summary.passenger_labels.update(sorted(harmless))
                j.labels = [t for t in j.labels if t not in harmless]
        summary.label_counts.update(j.labels)


def confirmation_runs(judged: list[JudgedProgram], options: BuildOptions) -> list[tuple[CorpusProgram, list[int]]]:
    """The confirmation seeds for every mutant not killed, and for the originals they compare with."""
    extra = list(_confirmation_seeds(options))
    if not extra:
        return []
    undecided = [j.program for j in judged if j.first is not None and not j.first.killed]
    originals = _originals(judged)
    needed = {p.seed_program for p in undecided}
    return [(originals[seed], extra) for seed in sorted(needed)] + [(p, extra) for p in undecided]


def kill_test_runs(families: dict[str, list[CorpusProgram]], options: BuildOptions, probe: ProbeFn,
                   summary: BuildSummary, store: dict[RunKey, dict[str, Any]]) -> list[tuple[CorpusProgram, list[int]]]:
    """The runs both stages of the kill test need, executed where the store lacks them: K runs of
    every program, then confirmation runs for the mutants they did not kill (and their originals).
    Returns the (program, seeds) asked for."""
    first = [(p, list(range(options.runs))) for family in families.values() for p in family]
    execute_runs(first, options, probe, summary, store)
    confirm = confirmation_runs(judge_programs(families, store, options, BuildSummary()), options)
    execute_runs(confirm, options, probe, summary, store)
    return first + confirm


def dataset_rows(judged: list[JudgedProgram]) -> list[DatasetRow]:
    """A row per run, first K then confirmation runs (their seeds follow on: K, K+1, ...)."""
    return [_row(j.program, run, run_seed, score, j.verdict, j.labels)
            for j in judged
            for run_seed, (run, score) in enumerate(zip(j.runs + j.confirmation, j.scores + j.confirmation_scores))]


def _row(program: CorpusProgram, record: RunRecord, seed: int, score: float, verdict: KillResult | None,
         labels: list[str]) -> DatasetRow:
    mutant = program.mutant
    return DatasetRow(
        program_id=program.id,
        seed_program=program.seed_program,
        mutant_id=mutant.id if mutant else "",
        kind="mutant" if mutant else "original",
        run_seed=seed,
        operators=list(mutant.operators) if mutant else [],
        changed_lines=list(mutant.changed_lines) if mutant else [],
        killed=verdict.killed if verdict else None,
        p_value=verdict.p_value if verdict else None,
        effect_size=verdict.effect_size if verdict else None,
        score=score,
        labels=list(labels),
        features=features.extract(record),
    )


def build(options: BuildOptions, probe: ProbeFn = run_probe_seeds) -> BuildSummary:
    """The whole build; raises ValueError for unusable options (no seeds, unknown seed ids)."""
    if options.runs < 2:
        raise ValueError("the kill test needs at least 2 runs per program (--runs)")
    started = time.monotonic()
    summary = BuildSummary()
    programs = collect_programs(options, summary)
    store = load_store(options.store, records_path(options.out))
    asked = kill_test_runs(programs, options, probe, summary, store)
    judged = judge_programs(programs, store, options, summary)
    # Components run and are judged exactly as mutants are: K runs, then confirmation runs.
    parts = component_programs(judged, options.store.parent / "components") if options.attribute else {}
    asked += kill_test_runs(parts, options, probe, summary, store)
    attribute_labels(judged, judge_programs(parts, store, options, BuildSummary()), summary)
    tag = _budget_tag(options)
    keys = {(p.id, p.sha, s, tag) for p, seeds in asked for s in seeds}  # an original can be asked twice
    components = {p.id for family in parts.values() for p in family[1:]}
    summary.runs_total, summary.runs_reused = len(keys), len(keys) - summary.runs_executed
    summary.component_runs = sum(key[0] in components for key in keys)
    summary.confirmation_runs = sum(key[2] >= options.runs and key[0] not in components for key in keys)
    summary.probe_seconds_of_runs = sum((store[key]["record"].get("run") or {}).get("seconds") or 0.0
                                        for key in keys if key in store)
    rows = dataset_rows(judged)
    summary.rows = len(rows)
    summary.confirmation_rows = sum(row.run_seed >= options.runs for row in rows)
    summary.audit = audit_labels([row for row in rows if row.run_seed < options.runs])  # the scored rows
    summary.wall_seconds = time.monotonic() - started
    write_dataset(
        options.out,
        rows,
        list(features.FEATURE_NAMES),
        features.SCHEMA_VERSION,
        {
            "runs_per_program": options.runs,
            "confirmation_runs": options.confirm_runs,
            "mutants_per_seed": options.mutants_per_seed,
            "mutation_random_seed": options.random_seed,
            "probe": {
                "epochs": options.epochs,
                "recorded_epochs": options.record_epochs,
                "time_budget": options.time_budget,
                "run_seeds": list(range(options.runs)),
                "confirmation_run_seeds": list(_confirmation_seeds(options)),
            },
            "kill_test": {
                "test": "Welch two-sample t-test",
                "alpha": ALPHA,
                "min_cohens_d": MIN_EFFECT,
                "stages": "K runs; a mutant not killed is tested again on K + C runs (its original's too)",
                "attribution": ("a killed multi-fault mutant keeps the labels of the faults that, applied alone "
                                "to the seed, are killed the same way (or crash, or cannot be applied alone); "
                                "if none is killed alone, all its labels") if options.attribute
                               else "none: a killed mutant keeps every label",
                "score": "final val_acc of the probe when the original has one, else final acc",
            },
            "seeds": summary.seeds,
            "seeds_skipped": summary.seeds_skipped,
            "mutants": summary.mutants,
            "mutants_killed": summary.killed,
            "mutants_killed_on_confirmation": summary.killed_on_confirmation,
            "components_killed": summary.components_killed,
            "components_unkilled": summary.components_unkilled,
            "passenger_labels_dropped": dict(sorted(summary.passenger_labels.items())),
            "mutants_unkilled": summary.unkilled,
            "mutants_dropped": dict(summary.dropped),
            "killed_label_counts": dict(sorted(summary.label_counts.items())),
            "probe_seconds_executed": round(summary.probe_seconds, 1),
            "probe_seconds_of_runs": round(summary.probe_seconds_of_runs, 1),
        },
    )
    export_store(options.store, records_path(options.out), keys)
    return summary


def records_path(dataset: Path) -> Path:
    """The raw probe records committed next to the dataset (features can be recomputed from them)."""
    return dataset.with_name("records.jsonl.gz")

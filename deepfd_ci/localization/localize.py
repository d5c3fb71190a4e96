"""The localization stage: each diagnosed Fault -> a Finding on the statement to change."""

from __future__ import annotations

from collections.abc import Callable

from deepfd_ci.localization import data, fixes, hyperparameters, model
from deepfd_ci.localization.anchors import Anchors
from deepfd_ci.localization.dataflow import Project, Resolver
from deepfd_ci.localization.keyword import keyword_lines
from deepfd_ci.localization.located import Context, Located
from deepfd_ci.localization.source import SourceFile
from deepfd_ci.records import Fault, Finding, StaticFacts

Locator = Callable[[Context, Fault], Located | None]

LOCATORS: dict[str, Locator] = {
    "learning_rate": hyperparameters.learning_rate,
    "optimizer": hyperparameters.optimizer,
    "loss": hyperparameters.loss,
    "epochs": hyperparameters.epochs,
    "batch_size": hyperparameters.batch_size,
    "activation": model.activation,
    "initialization": model.initialization,
    "layers": model.layers,
    "preprocessing": data.preprocessing,
}


def localize(
    source: str,
    path: str,
    faults: list[Fault],
    facts: StaticFacts | None,
    repo_root: str | None = None,
) -> list[Finding]:
    """One Finding per Fault, in the same order. Never raises for odd source: a finding the
    analysis cannot pin down says so (`localization="keyword"|"fallback"` and a `note`)."""
    script = SourceFile.parse(path, source)
    if script is None:
        return [_by_keyword(source, fault, "the source could not be parsed") for fault in faults]
    project = Project(script, path, repo_root)
    resolver = Resolver(project)
    ctx = Context(project, resolver, Anchors(project, resolver, facts), facts)
    findings = []
    for fault in faults:
        locator = LOCATORS.get(fault.type)
        try:
            located = locator(ctx, fault) if locator is not None else None
            if located is None:
                finding = _by_keyword(source, fault, "no Keras call that receives this setting was found")
            else:
                finding = _finding(fault, located, script)
        except Exception as error:  # a bug or an unforeseen construct must not cost the whole report
            finding = _by_keyword(source, fault, f"the analysis failed ({type(error).__name__}: {error})")
        findings.append(finding)
    return findings


def _finding(fault: Fault, located: Located, script: SourceFile) -> Finding:
    lines = located.lines()
    suggestion, why_not = fixes.render(located.file, located.edits, [lines[0]])
    notes = []
    if located.file is not script:
        notes.append(f"lines refer to {located.file.path}")
    if located.note:
        notes.append(located.note)
    if why_not:
        notes.append(why_not)
    evidence = list(fault.evidence) + ([located.sentence] if located.sentence else [])
    return Finding(
        type=fault.type,
        confidence=fault.confidence,
        lines=lines,
        primary_line=lines[0],
        snippet=located.file.snippet(located.primary),
        evidence=evidence,
        suggestion=suggestion,
        source=fault.source,
        localization=located.how,
        note="; ".join(notes) or None,
        path=None if located.file is script else located.file.path,
    )


def _by_keyword(source: str, fault: Fault, reason: str) -> Finding:
    lines = keyword_lines(source, fault.type)
    text = source.splitlines()
    if lines:
        how, note = "keyword", f"{reason}; lines matched by name"
    else:
        how, note = "fallback", f"{reason}; no line mentions this setting"
    return Finding(
        type=fault.type,
        confidence=fault.confidence,
        lines=lines,
        primary_line=lines[0] if lines else None,
        snippet=text[lines[0] - 1].strip() if lines else None,
        evidence=list(fault.evidence),
        suggestion=None,
        source=fault.source,
        localization=how,
        note=note,
    )

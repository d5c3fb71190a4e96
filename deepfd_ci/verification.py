"""`--verify-fixes`: apply each suggestion to a copy of the script, probe it again, and keep the
suggestion's `verified` mark only when the fault clears and the monitored metric improves.

The copy sits next to the original (hidden name) so the script's relative data files and sibling
imports still resolve; it is removed afterwards. Both runs' key numbers are reported.
"""

from __future__ import annotations

import math
from pathlib import Path

from deepfd_ci.diagnosis import Diagnoser, diagnose_run
from deepfd_ci.localization import apply_suggestion
from deepfd_ci.probe import ProbeOptions, run_probes
from deepfd_ci.records import Finding, RunRecord, ScriptReport


def key_numbers(record: RunRecord) -> dict[str, float | None]:
    """The numbers a reader compares between the original and the fixed run."""
    trained = [c for c in record.checks if c.epoch > 0]
    last = trained[-1] if trained else None

    def clean(value: float | None) -> float | None:
        return None if value is None or not math.isfinite(value) else round(float(value), 4)

    return {
        "status": record.status,  # type: ignore[dict-item]
        "epochs_run": len(trained),
        "final_loss": clean(last.loss) if last else None,
        "final_acc": clean(last.acc) if last else None,
        "final_val_acc": clean(last.val_acc) if last else None,
    }


def improved(before: dict, after: dict) -> bool:
    """Higher held-out score (else training score), or lower loss when no score was measured."""
    for key in ("final_val_acc", "final_acc"):
        if before.get(key) is not None and after.get(key) is not None:
            return after[key] > before[key] + 1e-3
    if before.get("final_loss") is None:  # the loss was NaN/inf before: any finite loss is better
        return after.get("final_loss") is not None
    return after.get("final_loss") is not None and after["final_loss"] < before["final_loss"]


def verify_findings(
    items: list[tuple[ScriptReport, RunRecord, ProbeOptions]],
    model: Diagnoser | None,
    jobs: int | None = None,
) -> None:
    """Mark each finding's suggestion verified or not, in place; the re-runs go in parallel."""
    work: list[tuple[Finding, RunRecord, Path]] = []
    paths, options = [], []
    for report, record, probe_options in items:
        source = Path(report.path).read_text(encoding="utf-8")
        for index, finding in enumerate(report.faults):
            if finding.suggestion is None:
                continue
            if finding.path is not None:  # the fix edits an imported module, not the script
                finding.suggestion.verification = {"error": f"the fix is in {finding.path}, not verified"}
                continue
            try:
                patched = apply_suggestion(source, finding.suggestion)
            except ValueError as exc:
                finding.suggestion.verification = {"error": str(exc)}
                continue
            original = Path(report.path)
            copy = original.with_name(f".deepfd-verify-{index}-{original.name}")
            copy.write_text(patched, encoding="utf-8")
            work.append((finding, record, copy))
            paths.append(str(copy))
            options.append(probe_options)
    try:
        reruns = run_probes(paths, options, jobs=jobs)
    finally:
        for _, _, copy in work:
            copy.unlink(missing_ok=True)
    for (finding, before_record, _), after_record in zip(work, reruns):
        before, after = key_numbers(before_record), key_numbers(after_record)
        cleared = after_record.status == "ok" and finding.type not in {
            fault.type for fault in diagnose_run(after_record, model).faults
        }
        better = after_record.status == "ok" and improved(before, after)
        assert finding.suggestion is not None
        finding.suggestion.verified = cleared and better
        finding.suggestion.verification = {
            "before": before, "after": after, "fault_cleared": cleared, "metric_improved": better,
        }

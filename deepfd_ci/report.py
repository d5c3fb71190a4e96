"""Terminal rendering of ScriptReports for `deepfd-ci diagnose` (JSON is ScriptReport.to_json)."""

from __future__ import annotations

from deepfd_ci.records import Finding, ScriptReport


def _finding(finding: Finding) -> list[str]:
    where = f"line {finding.primary_line}" if finding.primary_line else "no line found"
    lines = [f"  {finding.type} (confidence {finding.confidence:.2f}, {finding.source}) at {where}"]
    if finding.snippet:
        lines.append(f"      {finding.snippet}")
    lines += [f"    - {sentence}" for sentence in finding.evidence]
    if finding.note:
        lines.append(f"    note: {finding.note}")
    if finding.suggestion is not None:
        s = finding.suggestion
        span = f"line {s.line}" if not s.end_line or s.end_line == s.line else f"lines {s.line}-{s.end_line}"
        verified = " (verified)" if s.verified else ""
        lines.append(f"    suggestion for {span}{verified}:")
        lines += [f"      {text}" for text in s.replacement.splitlines()]
        if s.verification and "before" in s.verification:
            before, after = s.verification["before"], s.verification["after"]
            lines.append(f"    re-run with the fix: {_numbers(before)} -> {_numbers(after)}"
                         f" (fault {'cleared' if s.verification['fault_cleared'] else 'still diagnosed'})")
    return lines


def _numbers(run: dict) -> str:
    if run.get("status") != "ok":
        return str(run.get("status"))
    parts = [f"{name.removeprefix('final_')} {run[name]:.3g}" for name in ("final_loss", "final_acc", "final_val_acc")
             if run.get(name) is not None]
    return ", ".join(parts) or "no metrics"


def render_text(reports: list[ScriptReport]) -> str:
    out: list[str] = []
    for report in reports:
        run = report.run or {}
        if report.status != "ok":
            out.append(f"{report.path}: {report.status}: {report.error}")
        else:
            count = len(report.faults)
            head = "no training fault found" if count == 0 else f"{count} fault(s)"
            out.append(f"{report.path}: {head}")
            for finding in report.faults:
                out += _finding(finding)
            active = [name for name, on in sorted(report.symptoms.items()) if on]
            if active:
                out.append(f"  symptoms: {', '.join(active)}")
            if report.suppressed:
                out.append(f"  suppressed: {', '.join(f.type for f in report.suppressed)}")
        if run:
            epochs = f"{run.get('epochs_run', 0)}/{run.get('epochs_requested') or '?'} epochs, " if report.status == "ok" else ""
            out.append(f"  run: {epochs}{run.get('seconds', 0):.1f} s, seed {run.get('seed', 0)}"
                       + (f", script output: {report.log_path}" if report.log_path else ""))
        out.append("")
    return "\n".join(out).rstrip()

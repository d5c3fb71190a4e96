"""Every piece of Markdown the action writes, and the escaping that makes it safe.

Text that comes from the user's script or its run (snippets, evidence, error messages, paths) is
untrusted: it goes through `text()` (inline), `code()` (code span) or `fence()` (code block) and
nowhere else, so it cannot open HTML, links, tables, mentions or fake our hidden markers.
"""

from __future__ import annotations

import html
import re

from deepfd_ci.github.anchoring import Anchor
from deepfd_ci.github.fingerprints import SUMMARY_MARKER, finding_marker, review_marker
from deepfd_ci.github.gate import Verdict
from deepfd_ci.github.results import ActionReport, Result
from deepfd_ci.records import ScriptReport

TITLES = {
    "optimizer": "Unsuitable optimizer",
    "learning_rate": "Learning rate too high or too low",
    "loss": "Loss does not fit the task or the model's output",
    "activation": "Wrong activation function",
    "epochs": "Too few epochs to converge",
    "batch_size": "Batch size unsuited to the data",
    "preprocessing": "Inputs or labels not prepared as the model expects",
    "initialization": "Bad weight initialization",
    "layers": "Missing, extra or mis-sized layers",
}
STATUS_TEXT = {
    "ok": "analysed",
    "invalid": "not valid Python",
    "crashed": "crashed",
    "timeout": "timed out",
    "no_training": "never trained",
}
ICONS = {"error": ":x:", "warning": ":warning:", "notice": ":information_source:"}
MAX_ITEM = (
    400  # characters of one untrusted item (evidence line, error message) in a comment
)
COMMENT_LIMIT = 65_536

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]()!|~#>])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def text(value: object, limit: int = MAX_ITEM) -> str:
    """Untrusted text as one inert line of Markdown."""
    raw = _CONTROL.sub(" ", " ".join(str(value).split()))
    if len(raw) > limit:
        raw = raw[: limit - 1] + "…"
    escaped = html.escape(raw, quote=False)
    escaped = _INLINE_SPECIAL.sub(r"\\\1", escaped)
    return escaped.replace(
        "@", "@\u2060"
    )  # no mentions: a word joiner breaks the @name


def prose(value: object, limit: int = MAX_ITEM) -> str:
    """Untrusted text whose `backtick spans` (code quoted in evidence and notes) render as code
    spans; everything else as `text()`. Each part gets the same inert treatment as on its own."""
    raw = " ".join(str(value).split())
    if len(raw) > limit:
        raw = raw[: limit - 1] + "…"
    out = []
    for i, part in enumerate(re.split(r"`([^`]+)`", raw)):
        if i % 2:
            out.append(code(part, limit))
        elif part:
            lead = " " if part[0].isspace() else ""
            trail = " " if part[-1].isspace() and part.strip() else ""
            out.append(lead + text(part, limit) + trail)
    return "".join(out)


def code(value: object, limit: int = MAX_ITEM) -> str:
    """Untrusted text as a code span (one line), delimited by a longer backtick run than it holds."""
    raw = _CONTROL.sub(" ", " ".join(str(value).split()))
    if len(raw) > limit:
        raw = raw[: limit - 1] + "…"
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", raw)), default=0) + 1)
    pad = " " if raw.startswith("`") or raw.endswith("`") else ""
    return f"{ticks}{pad}{raw}{pad}{ticks}"


def fence(body: str, info: str = "") -> str:
    """Untrusted text as a fenced block whose fence no line of it can close."""
    clean = _CONTROL.sub("", body.replace("\r\n", "\n").replace("\t", "    ")).rstrip(
        "\n"
    )
    longest = max((len(run) for run in re.findall(r"`{3,}", clean)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{clean}\n{ticks}"


def cell(markdown: str) -> str:
    """Already-safe Markdown in a table cell: GFM splits cells on `|` even inside code spans."""
    return markdown.replace("|", "\\|").replace("\\\\|", "\\|")


def title(result: Result) -> str:
    return TITLES.get(
        result.finding.type, result.finding.type.replace("_", " ").capitalize()
    )


def where(result: Result) -> str:
    finding = result.finding
    if finding.primary_line:
        return f"{code(result.path)} line {finding.primary_line}"
    return code(result.path)


# ---------------------------------------------------------------------------------------------
# Review comments
# ---------------------------------------------------------------------------------------------


def comment_body(result: Result, report: ActionReport) -> str:
    """An inline or file-level review comment: title, evidence, fix, hidden fingerprint."""
    finding = result.finding
    icon = ICONS[result.severity]
    head = f"{icon} **deepfd-ci: {title(result)}** ({code(finding.type)}, confidence {finding.confidence:.0%})"
    parts = [head]
    if result.anchor.placement == "file" and finding.primary_line:
        parts.append(
            f"Line {finding.primary_line}: {code(finding.snippet or '')}"
            if finding.snippet
            else f"Line {finding.primary_line}."
        )
    if finding.evidence:
        parts.append("\n".join(f"- {prose(item)}" for item in finding.evidence[:6]))
    parts.append(_fix(result))
    if result.pre_existing:
        parts.append(
            "This fault was also diagnosed on the base branch: it is pre-existing, not introduced here."
        )
    if finding.note:
        parts.append(f"_{prose(finding.note)}_")
    parts.append(_footer(result, report))
    parts.append(finding_marker(result.fingerprint))
    return _cap("\n\n".join(p for p in parts if p), finding_marker(result.fingerprint))


def _fix(result: Result) -> str:
    suggestion = result.finding.suggestion
    if suggestion is None:
        return ""
    verified = (
        " (verified: a short re-run with this change trained normally)"
        if suggestion.verified
        else ""
    )
    if result.anchor.suggestion:
        return f"Suggested fix{verified}:\n\n" + fence(
            suggestion.replacement, "suggestion"
        )
    lines = (
        f"line {suggestion.line}"
        if not suggestion.end_line or suggestion.end_line == suggestion.line
        else f"lines {suggestion.line}-{suggestion.end_line}"
    )
    return f"Suggested fix for {lines}{verified}:\n\n" + fence(
        suggestion.replacement, "python"
    )


def _footer(result: Result, report: ActionReport) -> str:
    script = next((s for s in report.scripts if s.path == result.path), None)
    run = script.run if script else {}
    bits = []
    if run.get("epochs_run") is not None:
        requested = run.get("epochs_requested")
        bits.append(
            f"short run: {run['epochs_run']} of {requested} epochs"
            if requested
            else f"short run: {run['epochs_run']} epochs"
        )
    if isinstance(run.get("seconds"), (int, float)):
        bits.append(f"{run['seconds']:.1f} s")
    bits.append(
        f"to silence, add {code(result.finding.type)} to `ignore:` in `.deepfd.yml`"
    )
    return "<sub>" + " · ".join(bits) + "</sub>"


def review_body(report: ActionReport, event: str, refused: list[Result]) -> str:
    """The review's own text: what was found, and every finding without a comment of its own.

    `refused`: inline results GitHub would not take, moved here (next in the fallback chain).
    """
    counts = report.counts()
    lines = [f"### deepfd-ci: {_headline(report)}"]
    if event == "REQUEST_CHANGES":
        lines.append(
            f"Requesting changes: {counts['error']} new fault(s) block this pull request. "
            "This review is dismissed automatically once they are fixed."
        )
    elsewhere = [
        r for r in report.results if r.anchor.placement in ("body", "summary")
    ] + refused
    if elsewhere:
        lines.append("Findings without an inline comment:")
        lines.extend(f"- {_result_line(r)}" for r in elsewhere)
    lines.append(
        "The summary comment on this pull request has every script's status and timings."
    )
    lines.append(review_marker(report.pr.head_sha))
    return _cap("\n\n".join(lines), review_marker(report.pr.head_sha))


def dismiss_message() -> str:
    return "deepfd-ci: the faults this review asked to fix are no longer diagnosed."


def _result_line(result: Result) -> str:
    evidence = (
        f": {prose(result.finding.evidence[0])}" if result.finding.evidence else ""
    )
    reason = f" ({result.anchor.reason})" if result.anchor.reason else ""
    tag = ", pre-existing" if result.pre_existing else ""
    return f"{ICONS[result.severity]} {where(result)}: **{title(result)}** ({code(result.finding.type)}{tag}){evidence}{reason}"


# ---------------------------------------------------------------------------------------------
# Summaries (sticky PR comment, job summary, check run)
# ---------------------------------------------------------------------------------------------


def _headline(report: ActionReport) -> str:
    counts = report.counts()
    new = counts["error"]
    old = sum(1 for r in report.results if r.pre_existing)
    parts = []
    if new:
        parts.append(f"{new} new fault(s)")
    if old:
        parts.append(f"{old} pre-existing fault(s)")
    if report.problems:
        parts.append(f"{len(report.problems)} script(s) not analysed")
    analysed = len(report.scripts)
    if not parts:
        return (
            f"no faults in {analysed} training script(s)"
            if analysed
            else "no training scripts changed"
        )
    return ", ".join(parts) + f" in {analysed} script(s)"


def summary(report: ActionReport, verdict: Verdict, detailed: bool) -> str:
    """The sticky PR comment (`detailed=False`) or the job summary / check run text (`detailed=True`)."""
    icon = ":x:" if verdict.conclusion == "failure" else ":white_check_mark:"
    out = [f"## {icon} deepfd-ci: {_headline(report)}"]
    out.append(
        f"Commit `{report.pr.head_sha[:12]}` · `fail_level: {report.fail_level}` → **{verdict.conclusion}** "
        f"({text(verdict.reason)})"
    )
    if report.read_only:
        out.append(f"> [!NOTE]\n> {report.read_only}")
    # Notes may come from a findings artifact (publish mode): untrusted like everything in it.
    out.extend(f"> [!NOTE]\n> {text(note, 2000)}" for note in report.notes)
    if report.scripts:
        out.append(_scripts_table(report))
    if report.results:
        out.append("### Faults\n\n" + _results_table(report))
        if detailed:
            out.extend(_details(r) for r in report.results)
    if report.problems:
        out.append(
            "### Scripts that could not be analysed\n\n"
            + "\n".join(f"- {_problem_line(s)}" for s in report.problems)
        )
    suppressed = [(s.path, f) for s in report.scripts for f in s.suppressed]
    if suppressed:
        items = "\n".join(
            f"- {code(path)}: {code(f.type)} (line {f.primary_line or '?'})"
            for path, f in suppressed
        )
        out.append(
            f"<details><summary>{len(suppressed)} suppressed finding(s)</summary>\n\n{items}\n\n</details>"
        )
    out.append(_timings(report))
    body = "\n\n".join(out)
    if detailed:
        return body
    return _cap(body + "\n\n" + SUMMARY_MARKER, SUMMARY_MARKER)


def _scripts_table(report: ActionReport) -> str:
    rows = [
        "| Script | Status | Epochs run | Time | Faults |",
        "| --- | --- | --- | --- | --- |",
    ]
    for script in report.scripts:
        run = script.run or {}
        epochs = run.get("epochs_run")
        requested = run.get("epochs_requested")
        epochs_text = (
            f"{epochs} of {requested}"
            if epochs is not None and requested
            else (str(epochs) if epochs is not None else "–")
        )
        seconds = run.get("seconds")
        seconds_text = f"{seconds:.1f} s" if isinstance(seconds, (int, float)) else "–"
        faults = ", ".join(code(f.type) for f in script.faults) or "none"
        status = STATUS_TEXT.get(script.status, script.status)
        rows.append(
            "| "
            + " | ".join(
                cell(c)
                for c in (code(script.path), status, epochs_text, seconds_text, faults)
            )
            + " |"
        )
    return "\n".join(rows)


def _results_table(report: ActionReport) -> str:
    rows = [
        "| | Where | Fault | Confidence | Evidence | Shown as |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for result in report.results:
        evidence = (
            prose(result.finding.evidence[0], 160) if result.finding.evidence else ""
        )
        kind = title(result) + (" (pre-existing)" if result.pre_existing else "")
        shown = _placement_text(result.anchor)
        rows.append(
            "| "
            + " | ".join(
                cell(c)
                for c in (
                    ICONS[result.severity],
                    where(result),
                    kind,
                    f"{result.finding.confidence:.0%}",
                    evidence,
                    shown,
                )
            )
            + " |"
        )
    return "\n".join(rows)


def _placement_text(anchor: Anchor) -> str:
    shown = {
        "inline": "inline comment",
        "file": "file comment",
        "body": "review body",
        "summary": "summary only",
    }[anchor.placement]
    return f"{shown} ({anchor.reason})" if anchor.reason else shown


def _details(result: Result) -> str:
    finding = result.finding
    lines = [f"#### {ICONS[result.severity]} {where(result)}: {title(result)}"]
    if finding.snippet:
        lines.append(fence(finding.snippet, "python"))
    lines.extend(f"- {prose(item)}" for item in finding.evidence)
    if finding.suggestion:
        lines.append(
            f"Suggested replacement for line {finding.suggestion.line}:\n\n"
            + fence(finding.suggestion.replacement, "python")
        )
    return "\n\n".join(lines)


def _problem_line(script: ScriptReport) -> str:
    status = STATUS_TEXT.get(script.status, script.status)
    reason = f": {text(script.error)}" if script.error else ""
    return f"{code(script.path)} {status}{reason}"


def _timings(report: ActionReport) -> str:
    parts = [f"{name} {seconds:.1f} s" for name, seconds in report.timings.items()]
    link = f"[workflow run]({report.run_url})" if report.run_url else ""
    return (
        "<sub>" + " · ".join([*parts, link] if link else parts) + "</sub>"
        if parts or link
        else ""
    )


def _cap(body: str, marker: str) -> str:
    """GitHub rejects bodies over 65,536 characters; cut the middle, keep the marker at the end."""
    if len(body) <= COMMENT_LIMIT:
        return body
    note = "\n\n_(truncated: the job summary has the full report)_\n\n"
    return body[: COMMENT_LIMIT - len(note) - len(marker) - 16] + note + marker

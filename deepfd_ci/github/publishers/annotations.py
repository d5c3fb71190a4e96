"""Workflow-command annotations (`::error file=...::`), escaped and capped.

GitHub shows at most 10 errors and 10 warnings per step, so we send that many and say where the
rest are. Every value is escaped the way the runner decodes it, so text from a script can neither
end the command nor start a new one.
"""

from __future__ import annotations

from typing import TextIO

from deepfd_ci.github import markdown
from deepfd_ci.github.gate import Verdict
from deepfd_ci.github.results import ActionReport, Result

PER_LEVEL = 10
LEVELS = {"error": "error", "warning": "warning", "notice": "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **properties: object) -> str:
    props = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None
    )
    return (
        f"::{level} {props}::{escape_data(message)}"
        if props
        else f"::{level}::{escape_data(message)}"
    )


class AnnotationPublisher:
    name = "annotations"

    def __init__(self, stream: TextIO, everything: bool) -> None:
        """`everything`: annotate all findings (nothing was posted as comments), not just the rest."""
        self.stream = stream
        self.everything = everything

    def publish(self, report: ActionReport, verdict: Verdict) -> str:
        lines: list[tuple[str, str]] = []
        for result in report.results:
            if self.everything or result.anchor.placement in ("body", "summary"):
                lines.append((result.severity, _for_result(result)))
        for script in report.problems:
            status = markdown.STATUS_TEXT.get(script.status, script.status)
            message = f"{script.path} {status}: {script.error or 'no details'}"
            lines.append(
                (
                    "warning",
                    command(
                        "warning",
                        message,
                        file=script.path,
                        title=f"deepfd-ci: script {status}",
                    ),
                )
            )
        shown = {level: 0 for level in LEVELS}
        hidden = 0
        for level, line in lines:
            if shown[level] >= PER_LEVEL:
                hidden += 1
                continue
            shown[level] += 1
            self.stream.write(line + "\n")
        if hidden:
            self.stream.write(
                command(
                    "notice",
                    f"{hidden} more deepfd-ci finding(s) are listed in the job summary",
                )
                + "\n"
            )
        return f"{sum(shown.values())} annotation(s), {hidden} more in the job summary"


def _for_result(result: Result) -> str:
    finding = result.finding
    message = "; ".join(finding.evidence[:3]) or markdown.TITLES.get(
        finding.type, finding.type
    )
    if finding.suggestion:
        message += f"\nSuggested: {finding.suggestion.replacement}"
    title = f"deepfd-ci: {markdown.TITLES.get(finding.type, finding.type)}" + (
        " (pre-existing)" if result.pre_existing else ""
    )
    return command(
        result.severity,
        message,
        file=result.path,
        line=finding.primary_line,
        title=title,
    )

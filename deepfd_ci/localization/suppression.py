"""In-source suppression: `# deepfd: ignore` or `# deepfd: ignore[learning_rate, loss]`.

A comment suppresses a finding when it sits on any of the finding's lines or on the first line of
the statement holding one of them (so a multi-line call can be silenced where it starts).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize

from deepfd_ci.records import Finding

_DIRECTIVE = re.compile(r"#\s*deepfd:\s*ignore\b(?:\[([^\]]*)\])?", re.IGNORECASE)
ALL = "*"


def directives(source: str) -> dict[int, set[str]]:
    """line -> fault types ignored there (`ALL` for a bare `ignore`). Comments only, not strings."""
    found: dict[int, set[str]] = {}
    try:
        comments = [
            (tok.start[0], tok.string)
            for tok in tokenize.generate_tokens(io.StringIO(source).readline)
            if tok.type == tokenize.COMMENT
        ]
    except (tokenize.TokenError, SyntaxError):  # unfinished source: fall back to a line scan
        comments = [
            (i, line[line.index("#") :]) for i, line in enumerate(source.splitlines(), 1) if "#" in line
        ]
    for line, text in comments:
        for match in _DIRECTIVE.finditer(text):
            types = {t.strip() for t in (match.group(1) or "").split(",") if t.strip()}
            found.setdefault(line, set()).update(types or {ALL})
    return found


def _statement_starts(source: str) -> dict[int, int]:
    """line -> first line of the innermost simple statement covering it."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return {}
    starts: dict[int, int] = {}
    sizes: dict[int, int] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt) or node.end_lineno is None:
            continue
        end = node.end_lineno
        if hasattr(node, "body"):  # compound statement: its header only
            end = max(node.lineno, node.body[0].lineno - 1) if node.body else node.lineno
        size = end - node.lineno
        for line in range(node.lineno, end + 1):
            if line not in sizes or size < sizes[line]:
                starts[line], sizes[line] = node.lineno, size
    return starts


def split_suppressed(source: str, findings: list[Finding]) -> tuple[list[Finding], list[Finding]]:
    """(kept, suppressed), each in the original order."""
    ignored = directives(source)
    if not ignored:
        return list(findings), []
    starts = _statement_starts(source)
    kept, suppressed = [], []
    for finding in findings:
        lines = set(finding.lines)
        if finding.primary_line is not None:
            lines.add(finding.primary_line)
        lines |= {starts[line] for line in list(lines) if line in starts}
        types = set().union(*(ignored.get(line, set()) for line in lines)) if lines else set()
        if ALL in types or finding.type in types:
            suppressed.append(finding)
        else:
            kept.append(finding)
    return kept, suppressed

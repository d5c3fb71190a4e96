"""Apply a suggestion to source text exactly as GitHub applies a suggestion block."""

from __future__ import annotations

import warnings

from deepfd_ci.records import Suggestion


def apply_suggestion(source: str, suggestion: Suggestion) -> str:
    """Replace lines [line, end_line] of `source` with the suggestion's replacement.

    An empty replacement deletes the lines. The file's newline style and final newline are kept.
    Raises ValueError when the lines are out of range or the result does not compile, so a fix is
    never verified or published in a state that cannot run.
    """
    end_line = suggestion.end_line if suggestion.end_line is not None else suggestion.line
    lines = source.splitlines(keepends=True)
    if not 1 <= suggestion.line <= end_line <= len(lines):
        raise ValueError(
            f"suggestion lines {suggestion.line}-{end_line} are outside the file (1-{len(lines)})"
        )
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    last_ending = lines[end_line - 1][len(lines[end_line - 1].rstrip("\r\n")) :]
    replacement = suggestion.replacement.splitlines() if suggestion.replacement else []
    new_lines = [text + newline for text in replacement]
    if new_lines and not last_ending:  # the replaced block ended the file without a newline
        new_lines[-1] = new_lines[-1][: -len(newline)]
    patched = "".join(lines[: suggestion.line - 1] + new_lines + lines[end_line:])
    try:
        with warnings.catch_warnings():  # the user's own code may warn (escape sequences)
            warnings.simplefilter("ignore")
            compile(patched, "<patched>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        where = f" at line {error.lineno}" if isinstance(error, SyntaxError) else ""
        message = error.msg if isinstance(error, SyntaxError) else str(error)
        raise ValueError(f"the patched source does not compile: {message}{where}") from None
    return patched

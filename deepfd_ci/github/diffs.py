"""The PR's changed files and, per file, which head-side lines its patch shows.

GitHub accepts an inline comment only on a line of the patch (RIGHT side: added or context), and
a multi-line comment only within one hunk. These records are what anchoring checks against.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import unidiff


@dataclass(frozen=True)
class ChangedFile:
    """One entry of `GET /pulls/{n}/files`."""

    path: str
    status: str  # added | modified | removed | renamed | copied | changed | unchanged
    previous_path: str | None = None
    patch: str | None = None  # None: binary, or too large for GitHub to show


@dataclass(frozen=True)
class Hunk:
    added: frozenset[int]  # head-side line numbers of `+` lines
    shown: frozenset[int]  # head-side line numbers of `+` and context lines
    text: dict[int, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class FileDiff:
    path: str
    hunks: tuple[Hunk, ...]
    has_patch: bool

    def hunk_of(self, line: int) -> Hunk | None:
        for hunk in self.hunks:
            if line in hunk.shown:
                return hunk
        return None

    def line_text(self, line: int) -> str | None:
        hunk = self.hunk_of(line)
        return hunk.text.get(line) if hunk else None


class PatchError(ValueError):
    pass


def parse_patch(path: str, patch: str | None) -> FileDiff:
    """Hunks of GitHub's per-file `patch` (which has no `---`/`+++` header of its own)."""
    if patch is None:
        return FileDiff(path, (), has_patch=False)
    try:
        patched = unidiff.PatchSet(
            f"--- a/{path}\n+++ b/{path}\n{patch.rstrip(chr(10))}\n"
        )
    except unidiff.UnidiffParseError as exc:
        raise PatchError(f"cannot parse the patch of {path}: {exc}") from exc
    hunks = []
    for patched_file in patched:
        for hunk in patched_file:
            added, shown, text = set(), set(), {}
            for line in hunk:
                if line.target_line_no is None:
                    continue
                shown.add(line.target_line_no)
                text[line.target_line_no] = line.value.rstrip("\r\n")
                if line.is_added:
                    added.add(line.target_line_no)
            hunks.append(Hunk(frozenset(added), frozenset(shown), text))
    return FileDiff(path, tuple(hunks), has_patch=True)


def diffs_by_path(files: list[ChangedFile]) -> dict[str, FileDiff]:
    """Removed files have no head side, so nothing can be anchored there."""
    return {
        f.path: parse_patch(f.path, f.patch) for f in files if f.status != "removed"
    }

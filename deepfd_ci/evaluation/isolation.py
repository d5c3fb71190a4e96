"""Keep the benchmark out of the training corpus: exact and near-identical copies are found by content.

A benchmark program that leaks into the corpus (as a seed, as a mutant, or as a source recorded in the
dataset) would let the model be graded on what it was trained on. Comparison is on normalized code:
parsed and unparsed by `ast` (comments, docstrings, layout and quoting gone), so reformatting or
re-commenting does not hide a copy. Exact copies match by hash; near copies (a mutant of a benchmark
program differs in a token or two) by the overlap of token 6-grams.
"""

from __future__ import annotations

import ast
import gzip
import hashlib
import io
import json
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NGRAM = 6
NEAR_THRESHOLD = 0.6  # Jaccard of token 6-gram sets: unrelated Keras scripts score < 0.3, a 4-fault fix > 0.65


@dataclass(frozen=True)
class Leak:
    benchmark: str  # benchmark file
    corpus: str  # corpus file (and JSON key path for recorded sources)
    kind: str  # "identical" | "near" | "path"
    similarity: float


def normalize(source: str) -> str | None:
    """Code without comments, docstrings and formatting; None when it does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]  # type: ignore[attr-defined]
    return ast.unparse(tree)


def digest(normalized: str) -> str:
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def shingles(normalized: str) -> frozenset[int]:
    tokens = [
        t.string
        for t in tokenize.generate_tokens(io.StringIO(normalized).readline)
        if t.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER)
    ]
    return frozenset(hash(tuple(tokens[i : i + NGRAM])) for i in range(max(1, len(tokens) - NGRAM + 1)))


def corpus_sources(corpus_dir: Path) -> Iterator[tuple[str, str, str]]:
    """(label, kind, text) for what the corpus holds: kind "code" for every .py file and every Python source
    stored in its JSON files, kind "path" for .py paths recorded there (a dataset may point at its sources)."""
    for path in sorted(corpus_dir.rglob("*")):
        kind = path.name.removesuffix(".gz").rsplit(".", 1)[-1]
        if kind not in ("py", "json", "jsonl"):
            continue
        try:
            if path.suffix == ".gz":
                with gzip.open(path, "rt", encoding="utf-8", errors="replace") as handle:
                    content = handle.read()
            else:
                content = path.read_text(encoding="utf-8", errors="replace")
        except (OSError, EOFError):  # a build running next to us may remove or be writing files
            continue
        if kind == "py":
            yield str(path), "code", content
        else:
            for key, text in _json_strings(content, jsonl=kind == "jsonl"):
                if text.endswith(".py") and "/" in text and "\n" not in text:
                    yield f"{path}:{key}", "path", text
                elif "\n" in text and ("import" in text or "fit(" in text) and normalize(text) is not None:
                    yield f"{path}:{key}", "code", text


def _json_strings(content: str, jsonl: bool) -> Iterator[tuple[str, str]]:
    for number, document in enumerate(content.splitlines() if jsonl else [content]):
        try:
            data = json.loads(document)
        except json.JSONDecodeError:  # e.g. a line still being written
            continue
        yield from _strings(data, str(number) if jsonl else "")


def _strings(data: Any, key: str) -> Iterator[tuple[str, str]]:
    if isinstance(data, str):
        yield key, data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield from _strings(v, f"{key}.{k}" if key else str(k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _strings(v, f"{key}[{i}]")


def find_leaks(benchmark_files: list[Path], corpus_dirs: list[Path]) -> list[Leak]:
    """Every corpus source identical or near-identical (normalized) to a benchmark file, or recorded by its path."""
    bench: list[tuple[str, str, frozenset[int]]] = []
    for path in benchmark_files:
        normalized = normalize(path.read_text(encoding="utf-8"))
        if normalized is None:
            raise ValueError(f"{path}: benchmark program does not parse")
        bench.append((str(path), digest(normalized), shingles(normalized)))
    by_digest = {d: name for name, d, _ in bench}
    leaks = []
    for corpus_dir in corpus_dirs:
        if not corpus_dir.is_dir():
            continue
        for label, kind, text in corpus_sources(corpus_dir):
            if kind == "path":
                recorded = text.replace("\\", "/").removeprefix("./")
                leaks += [
                    Leak(name, label, "path", 1.0)
                    for name, _, _ in bench
                    if Path(name).as_posix().endswith("/" + recorded)
                ]
                continue
            normalized = normalize(text)
            if normalized is None:
                continue
            if digest(normalized) in by_digest:
                leaks.append(Leak(by_digest[digest(normalized)], label, "identical", 1.0))
                continue
            grams = shingles(normalized)
            for name, _, bench_grams in bench:
                similarity = len(grams & bench_grams) / len(grams | bench_grams)
                if similarity >= NEAR_THRESHOLD:
                    leaks.append(Leak(name, label, "near", round(similarity, 3)))
    return leaks

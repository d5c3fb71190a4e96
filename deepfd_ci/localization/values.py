"""Literal values in source: read them, compare them with what the run observed, write new ones.

The run's facts say which value was really used; matching them against candidate literals is how
localization picks the right assignment when several could reach a use (if/else, call sites).
"""

from __future__ import annotations

import ast
import math
from typing import Any

import libcst as cst

_UNKNOWN = object()

# Canonical names for string values the facts report (loss names, optimizer classes).
ALIASES = {
    "mse": "mean_squared_error",
    "mae": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error",
    "msle": "mean_squared_logarithmic_error",
    "bce": "binary_crossentropy",
    "cce": "categorical_crossentropy",
    "scce": "sparse_categorical_crossentropy",
    "kld": "kl_divergence",
    "kullback_leibler_divergence": "kl_divergence",
}


def literal_value(node: cst.CSTNode) -> Any:
    """The Python value of a literal expression (numbers, strings, True/False/None, simple
    arithmetic on numbers such as `1e-3 * 100`), else the `UNKNOWN` sentinel."""
    if isinstance(node, (cst.Integer, cst.Float, cst.SimpleString, cst.ConcatenatedString)):
        try:
            return ast.literal_eval(cst.Module([]).code_for_node(node).strip())
        except (ValueError, SyntaxError):
            return _UNKNOWN
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
        inner = literal_value(node.expression)
        if isinstance(inner, (int, float)) and not isinstance(inner, bool):
            return -inner if isinstance(node.operator, cst.Minus) else inner
        return _UNKNOWN
    if isinstance(node, cst.BinaryOperation):
        left, right = literal_value(node.left), literal_value(node.right)
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (left, right)):
            return _UNKNOWN
        try:
            if isinstance(node.operator, cst.Add):
                return left + right
            if isinstance(node.operator, cst.Subtract):
                return left - right
            if isinstance(node.operator, cst.Multiply):
                return left * right
            if isinstance(node.operator, cst.Divide):
                return left / right
            if isinstance(node.operator, cst.Power) and abs(right) <= 64:
                return left**right
        except (ZeroDivisionError, OverflowError):
            return _UNKNOWN
    return _UNKNOWN


def is_literal(node: cst.CSTNode) -> bool:
    return literal_value(node) is not _UNKNOWN


def known(value: Any) -> bool:
    return value is not _UNKNOWN


def canonical(value: Any) -> Any:
    """Comparable form: lower-case names with aliases expanded; numbers as floats."""
    if isinstance(value, str):
        name = value.strip().lower().replace("-", "_")
        return ALIASES.get(name, name)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return value


def matches(value: Any, observed: Any) -> bool:
    """Whether a literal found in the source is the value the run observed."""
    if value is _UNKNOWN or observed is None:
        return False
    a, b = canonical(value), canonical(observed)
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-12)
    return a == b


def format_number(value: float | int) -> str:
    """Source text for a number, the way people write hyper-parameters (`1e-3`, `0.01`, `64`)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return f"{value:.1f}"
    if value != 0 and abs(value) < 1e-2:
        mantissa, exponent = f"{value:.6e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}e{int(exponent)}"
    return repr(value)


def string_literal(value: str, like: cst.CSTNode | None = None) -> str:
    """A string literal for `value` quoted like `like` (a string node from the same file)."""
    quote = '"'
    if isinstance(like, cst.SimpleString) and like.quote in ("'", '"'):
        quote = like.quote
    escaped = value.replace("\\", "\\\\").replace(quote, "\\" + quote)
    return f"{quote}{escaped}{quote}"

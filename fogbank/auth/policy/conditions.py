"""Condition operators: String*, Numeric*, Date*, Bool, Binary, IpAddress, Arn*, Null, with the
``...IfExists`` suffix and the ``ForAllValues:``/``ForAnyValue:`` set qualifiers.

A request value is compared with each of the condition's values (any may match). Negated
operators hold when no value matches, and also when the key is missing from the request, which
is what makes a ``Deny`` with ``StringNotEquals`` catch requests that lack the key.
"""

from __future__ import annotations

import base64
import ipaddress
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from fogbank.auth.policy.matching import arn_matches, glob_match


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _date(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def _compare(convert: Callable[[str], float | None], test: Callable[[float, float], bool]) -> Callable[[str, str], bool]:
    def match(have: str, want: str) -> bool:
        a, b = convert(have), convert(want)
        return a is not None and b is not None and test(a, b)

    return match


def _ip(have: str, want: str) -> bool:
    try:
        return ipaddress.ip_address(have) in ipaddress.ip_network(want, strict=False)
    except ValueError:
        return False


def _binary(have: str, want: str) -> bool:
    try:
        return base64.b64decode(have) == base64.b64decode(want)
    except ValueError:
        return False


def _bool(have: str, want: str) -> bool:
    return have.lower() == want.lower() and have.lower() in ("true", "false")


# name -> (compare one request value with one condition value, negated)
_BASE: dict[str, tuple[Callable[[str, str], bool], bool]] = {
    "StringEquals": (lambda a, b: a == b, False),
    "StringNotEquals": (lambda a, b: a == b, True),
    "StringEqualsIgnoreCase": (lambda a, b: a.lower() == b.lower(), False),
    "StringNotEqualsIgnoreCase": (lambda a, b: a.lower() == b.lower(), True),
    "StringLike": (lambda a, b: glob_match(b, a), False),
    "StringNotLike": (lambda a, b: glob_match(b, a), True),
    "NumericEquals": (_compare(_number, lambda a, b: a == b), False),
    "NumericNotEquals": (_compare(_number, lambda a, b: a == b), True),
    "NumericLessThan": (_compare(_number, lambda a, b: a < b), False),
    "NumericLessThanEquals": (_compare(_number, lambda a, b: a <= b), False),
    "NumericGreaterThan": (_compare(_number, lambda a, b: a > b), False),
    "NumericGreaterThanEquals": (_compare(_number, lambda a, b: a >= b), False),
    "DateEquals": (_compare(_date, lambda a, b: a == b), False),
    "DateNotEquals": (_compare(_date, lambda a, b: a == b), True),
    "DateLessThan": (_compare(_date, lambda a, b: a < b), False),
    "DateLessThanEquals": (_compare(_date, lambda a, b: a <= b), False),
    "DateGreaterThan": (_compare(_date, lambda a, b: a > b), False),
    "DateGreaterThanEquals": (_compare(_date, lambda a, b: a >= b), False),
    "Bool": (_bool, False),
    "BinaryEquals": (_binary, False),
    "IpAddress": (_ip, False),
    "NotIpAddress": (_ip, True),
    "ArnEquals": (lambda a, b: arn_matches(b, a), False),
    "ArnLike": (lambda a, b: arn_matches(b, a), False),
    "ArnNotEquals": (lambda a, b: arn_matches(b, a), True),
    "ArnNotLike": (lambda a, b: arn_matches(b, a), True),
}
_QUALIFIERS = ("ForAllValues:", "ForAnyValue:")

ContextValue = str | Sequence[str] | None


def split_operator(operator: str) -> tuple[str | None, str, bool]:
    """``ForAnyValue:StringLikeIfExists`` -> ("ForAnyValue", "StringLike", True)."""
    qualifier = None
    for prefix in _QUALIFIERS:
        if operator.startswith(prefix):
            qualifier, operator = prefix[:-1], operator[len(prefix):]
            break
    if_exists = operator.endswith("IfExists") and operator != "IfExists"
    if if_exists:
        operator = operator[: -len("IfExists")]
    return qualifier, operator, if_exists


def known_operator(operator: str) -> bool:
    """Whether IAM accepts ``operator`` as a condition type."""
    qualifier, base, if_exists = split_operator(operator)
    if base == "Null":
        return qualifier is None and not if_exists
    return base in _BASE


def _values(value: ContextValue) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def evaluate_operator(operator: str, have: ContextValue, want: Sequence[str]) -> bool:
    """Whether one condition (operator, one key's request value, its policy values) holds."""
    qualifier, base, if_exists = split_operator(operator)
    values = _values(have)
    if base == "Null":
        missing = values is None or values == []
        return any((w.lower() == "true") == missing for w in want)
    compare, negated = _BASE[base]
    if values is None or (not values and qualifier is None):
        if qualifier == "ForAllValues":
            return True
        if qualifier == "ForAnyValue":
            return False
        return True if if_exists else negated

    def one(value: str) -> bool:
        hit = any(compare(value, w) for w in want)
        return not hit if negated else hit

    if qualifier == "ForAllValues":
        return all(one(v) for v in values)
    if qualifier == "ForAnyValue":
        return any(one(v) for v in values)
    if negated:
        return all(one(v) for v in values)
    return any(one(v) for v in values)


def conditions_hold(conditions: Mapping[str, Mapping[str, Sequence[str]]],
                    lookup: Callable[[str], ContextValue],
                    resolve: Callable[[str], str | None] | None = None) -> bool:
    """Whether every operator's every key holds (AND), ``resolve`` substituting policy variables."""
    for operator, block in conditions.items():
        for key, want in block.items():
            values = want
            if resolve is not None:
                substituted = [resolve(w) for w in want]
                values = [w for w in substituted if w is not None]
                if not values:
                    return False
            if not evaluate_operator(operator, lookup(key), values):
                return False
    return True

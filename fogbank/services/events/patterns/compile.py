"""Parsing and checking an event pattern into a tree of field tests.

A pattern is a JSON object whose members are either nested objects (a test on a nested field) or
non-empty arrays of matchers (the field matches if any matcher does); ``$or`` holds a list of
sub-patterns of which at least one must match. Malformed patterns raise ``InvalidPattern`` with
AWS's reason text.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass, field
from typing import Any

from fogbank.services.events.patterns import matchers
from fogbank.services.events.patterns.matchers import Matcher

# AWS refuses patterns too deep or too wide to evaluate quickly
MAX_PATTERN_LENGTH = 4096 * 4
MAX_OR_COMBINATIONS = 1000


class InvalidPattern(ValueError):
    """A pattern that AWS would refuse; the message is AWS's reason."""


@dataclass
class Pattern:
    """A compiled pattern: field tests and alternatives that all must hold."""

    fields: dict[str, Pattern | list[Matcher]] = field(default_factory=dict)
    alternatives: list[list[Pattern]] = field(default_factory=list)

    def matches(self, event: Any) -> bool:
        """Whether ``event`` (a JSON object as a dict) matches this pattern."""
        if not isinstance(event, dict):
            return False
        for name, test in self.fields.items():
            present = name in event
            value = event.get(name)
            if isinstance(test, Pattern):
                if not present:
                    return False
                if isinstance(value, list):
                    if not any(test.matches(item) for item in value if isinstance(item, dict)):
                        return False
                elif not test.matches(value):
                    return False
            elif not _leaf_matches(test, present, value):
                return False
        return all(any(option.matches(event) for option in group) for group in self.alternatives)


def _leaf_matches(tests: list[Matcher], present: bool, value: Any) -> bool:
    if not present:
        return any(t.matches_missing() for t in tests)
    if isinstance(value, dict):
        return False  # leaf matchers (exists included) only ever apply to leaves
    values = value if isinstance(value, list) else [value]
    return any(t.matches_value(v) for t in tests for v in values)


def compile_pattern(text: str | dict[str, Any]) -> Pattern:
    """Parse and check a pattern (a JSON string or an already parsed object)."""
    if isinstance(text, str):
        if len(text) > MAX_PATTERN_LENGTH:
            raise InvalidPattern("Event pattern is too long.")
        try:
            doc = json.loads(text, parse_float=float)
        except ValueError as err:
            raise InvalidPattern(f"Event pattern is not valid. Reason: {_json_reason(err)}") from None
    else:
        doc = text
    if not isinstance(doc, dict):
        raise InvalidPattern("Event pattern is not valid. Reason: Filter is not an object")
    return _compile_object(doc, "")


def _json_reason(err: ValueError) -> str:
    return str(err).split(":")[0]


def _compile_object(doc: dict[str, Any], path: str) -> Pattern:
    pattern = Pattern()
    for name, spec in doc.items():
        where = f"{path}.{name}" if path else name
        if name == "$or":
            pattern.alternatives.append(_compile_or(spec, path))
        elif isinstance(spec, dict):
            if not spec:
                raise InvalidPattern(f'Event pattern is not valid. Reason: Empty objects are not allowed at "{where}"')
            pattern.fields[name] = _compile_object(spec, where)
        elif isinstance(spec, list):
            if not spec:
                raise InvalidPattern(f'Event pattern is not valid. Reason: Empty arrays are not allowed at "{where}"')
            pattern.fields[name] = [_compile_matcher(item, where) for item in spec]
        else:
            raise InvalidPattern(f'Event pattern is not valid. Reason: "{name}" must be an object or an array')
    return pattern


def _compile_or(spec: Any, path: str) -> list[Pattern]:
    if not isinstance(spec, list) or len(spec) < 2 or not all(isinstance(s, dict) and s for s in spec):
        raise InvalidPattern(
            "Event pattern is not valid. Reason: Value of $or must be an array of at least two non-empty objects"
        )
    return [_compile_object(option, path) for option in spec]


def _compile_matcher(item: Any, where: str) -> Matcher:
    if item is None or isinstance(item, (bool, str)):
        return matchers.Exact(item)
    if isinstance(item, (int, float)):
        return matchers.Exact(float(item))
    if isinstance(item, list):
        raise InvalidPattern(f'Event pattern is not valid. Reason: Match value must be String, number, true, false, or null at "{where}"')
    if len(item) != 1:
        raise InvalidPattern(f'Event pattern is not valid. Reason: Only one key allowed in match expression at "{where}"')
    [(op, arg)] = item.items()
    builder = _OPERATORS.get(op)
    if builder is None:
        raise InvalidPattern(f'Event pattern is not valid. Reason: Unrecognized match type {op} at "{where}"')
    return builder(arg, where)


def _fail(reason: str) -> InvalidPattern:
    return InvalidPattern(f"Event pattern is not valid. Reason: {reason}")


def _string_arg(op: str, arg: Any) -> str:
    if not isinstance(arg, str):
        raise _fail(f"{op} match pattern must be a string")
    return arg


def _prefix(arg: Any, where: str) -> Matcher:
    if isinstance(arg, dict):
        return matchers.Prefix(_ignore_case_arg("prefix", arg), ignore_case=True)
    return matchers.Prefix(_string_arg("prefix", arg))


def _suffix(arg: Any, where: str) -> Matcher:
    if isinstance(arg, dict):
        return matchers.Suffix(_ignore_case_arg("suffix", arg), ignore_case=True)
    return matchers.Suffix(_string_arg("suffix", arg))


def _ignore_case_arg(op: str, arg: dict[str, Any]) -> str:
    if set(arg) != {"equals-ignore-case"} or not isinstance(arg["equals-ignore-case"], str):
        raise _fail(f"Unsupported {op} pattern: {json.dumps(arg)}")
    return arg["equals-ignore-case"]


def _equals_ignore_case(arg: Any, where: str) -> Matcher:
    return matchers.IgnoreCase([_string_arg("equals-ignore-case", arg)])


def _consecutive_wildcard(text: str) -> int | None:
    """Where a wildcard follows another, escaped characters (``\\*``) being literals; else None."""
    previous_star = False
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            previous_star = False
            i += 2
            continue
        if char == "*":
            if previous_star:
                return i
            previous_star = True
        else:
            previous_star = False
        i += 1
    return None


def _wildcard(arg: Any, where: str) -> Matcher:
    text = _string_arg("wildcard", arg)
    at = _consecutive_wildcard(text)
    if at is not None:
        raise _fail(f"Consecutive wildcard characters at pos {at}")
    return matchers.Wildcard(text)


def _exists(arg: Any, where: str) -> Matcher:
    if not isinstance(arg, bool):
        raise _fail("exists match pattern must be either true or false.")
    return matchers.Exists(arg)


def _cidr(arg: Any, where: str) -> Matcher:
    text = _string_arg("cidr", arg)
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise _fail(f"Malformed CIDR, one '/' required at \"{where}\"" if "/" not in text
                    else f"Nonstandard IP address: {text.split('/')[0]}") from None
    if "/" not in text:
        raise _fail(f"Malformed CIDR, one '/' required at \"{where}\"")
    return matchers.Cidr(network)


def _numeric(arg: Any, where: str) -> Matcher:
    if not isinstance(arg, list) or not arg or len(arg) % 2:
        raise _fail("Value of numeric must be an array.")
    bounds: list[tuple[str, float]] = []
    for i in range(0, len(arg), 2):
        op, value = arg[i], arg[i + 1]
        if op not in ("=", "<", "<=", ">", ">="):
            raise _fail(f"Unrecognized numeric range operator: {op}")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _fail(f"Value of {op} must be numeric")
        bounds.append((op, float(value)))
    ops = [op for op, _ in bounds]
    if "=" in ops and len(ops) > 1:
        raise _fail("Numeric '=' cannot be combined with other operators")
    lower = [b for b in bounds if b[0] in (">", ">=")]
    upper = [b for b in bounds if b[0] in ("<", "<=")]
    if len(lower) > 1 or len(upper) > 1:
        raise _fail("Too many elements in numeric expression")
    if lower and upper and lower[0][1] >= upper[0][1]:
        raise _fail("Bottom must be less than top")
    return matchers.Numeric(tuple(bounds))


def _anything_but(arg: Any, where: str) -> Matcher:
    if isinstance(arg, dict):
        if len(arg) != 1:
            raise _fail("Value of anything-but must be an array or single string/number value.")
        [(op, inner)] = arg.items()
        if op == "prefix":
            return matchers.Not(matchers.Prefix(_string_arg("prefix", inner)))
        if op == "suffix":
            return matchers.Not(matchers.Suffix(_string_arg("suffix", inner)))
        if op == "wildcard":
            return matchers.Not(_wildcard(inner, where))
        if op == "equals-ignore-case":
            values = inner if isinstance(inner, list) else [inner]
            if not values or not all(isinstance(v, str) for v in values):
                raise _fail("Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.")
            return matchers.Not(matchers.IgnoreCase(values))
        raise _fail(f"Unsupported anything-but pattern: {op}")
    values = arg if isinstance(arg, list) else [arg]
    if not values:
        raise _fail("Empty arrays are not allowed in anything-but")
    kinds = {type(v) for v in values}
    if any(isinstance(v, (dict, list, bool)) or v is None for v in values):
        raise _fail("Inside anything but list, start|null|boolean is not supported.")
    if kinds - {str} and kinds - {int, float}:
        raise _fail("Inside anything but list, all values must be of the same type.")
    exact = [matchers.Exact(float(v) if isinstance(v, (int, float)) else v) for v in values]
    return matchers.Not(matchers.AnyOf(exact))


_OPERATORS = {
    "prefix": _prefix,
    "suffix": _suffix,
    "equals-ignore-case": _equals_ignore_case,
    "anything-but": _anything_but,
    "numeric": _numeric,
    "exists": _exists,
    "cidr": _cidr,
    "wildcard": _wildcard,
}

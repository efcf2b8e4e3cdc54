"""SNS subscription filter policies: checking a policy when it is set, and matching a message.

A policy maps keys to a list of conditions (any may match) and every key must match; ``$or``
holds alternative sub-policies. With scope ``MessageAttributes`` the keys name message attributes
(``String``, ``String.Array`` and ``Number`` ones take part; ``Binary`` ones never match); with
scope ``MessageBody`` the policy mirrors the JSON body, nested objects and all.
"""

from __future__ import annotations

import ipaddress
import json
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_KEYS = 5
MAX_COMBINATIONS = 150
NUMERIC_LIMIT = Decimal("1e9")
_OPERATORS = frozenset({"prefix", "suffix", "anything-but", "numeric", "exists", "cidr", "equals-ignore-case"})
_COMPARATORS = frozenset({"<", "<=", "=", ">", ">="})
_ABSENT = object()


class PolicyError(ValueError):
    """A filter policy SNS refuses; the message follows ``Invalid parameter: FilterPolicy: ``."""


# --- checking -----------------------------------------------------------------------------------


def parse(text: str, scope: str) -> dict[str, Any]:
    """The policy ``text`` holds, checked as SNS checks it; ``PolicyError`` otherwise."""
    try:
        policy = json.loads(text, parse_float=Decimal)
    except ValueError:
        raise PolicyError("failed to parse JSON.") from None
    if not isinstance(policy, dict):
        raise PolicyError("Filter policy must be a JSON object")
    if not policy:
        return policy
    leaves = _check_object(policy, scope, top=True)
    if len(leaves) > MAX_KEYS:
        raise PolicyError("Filter policy can not have more than 5 keys")
    if _combinations(policy) > MAX_COMBINATIONS:
        raise PolicyError("Filter policy is too complex")
    return policy


def _check_object(policy: dict[str, Any], scope: str, top: bool) -> set[str]:
    """Checks a (sub-)policy; returns the leaf key paths it names."""
    leaves: set[str] = set()
    for key, value in policy.items():
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2 or not all(isinstance(v, dict) for v in value):
                raise PolicyError("$or must be an array of at least two JSON objects")
            for branch in value:
                leaves |= _check_object(branch, scope, top)
        elif isinstance(value, dict):
            if scope != "MessageBody":
                raise PolicyError(f'"{key}" must be an object or an array')
            leaves |= {f"{key}.{leaf}" for leaf in _check_object(value, scope, False)}
        elif isinstance(value, list):
            if not value:
                raise PolicyError(f"Empty arrays are not allowed: {key}")
            for condition in value:
                _check_condition(key, condition)
            leaves.add(key)
        else:
            raise PolicyError(f'"{key}" must be an object or an array')
    return leaves


def _check_condition(key: str, condition: Any) -> None:
    if condition is None or isinstance(condition, str | bool | int | Decimal):
        return
    if not isinstance(condition, dict) or len(condition) != 1:
        raise PolicyError(f"Match value must be String, number, true, false, or null: {key}")
    ((operator, operand),) = condition.items()
    if operator not in _OPERATORS:
        raise PolicyError(f"Unrecognized match type {operator}")
    if operator in ("prefix", "suffix", "equals-ignore-case"):
        if not isinstance(operand, str):
            raise PolicyError(f"{operator} match pattern must be a string")
    elif operator == "exists":
        if not isinstance(operand, bool):
            raise PolicyError("exists match pattern must be either true or false.")
    elif operator == "cidr":
        try:
            ipaddress.ip_network(operand, strict=False)
        except (TypeError, ValueError):
            raise PolicyError(f"Malformed CIDR, one '/' required: {operand}") from None
    elif operator == "numeric":
        _check_numeric(operand)
    elif operator == "anything-but":
        _check_anything_but(operand)


def _check_numeric(operand: Any) -> None:
    if not isinstance(operand, list) or len(operand) not in (2, 4):
        raise PolicyError("Value of numeric must be an array.")
    pairs = [operand[i:i + 2] for i in range(0, len(operand), 2)]
    for comparator, number in pairs:
        if comparator not in _COMPARATORS:
            raise PolicyError(f"Unrecognized numeric range operator: {comparator}")
        if isinstance(number, bool) or not isinstance(number, int | Decimal):
            raise PolicyError(f"Value of {comparator} must be numeric")
        if abs(Decimal(number)) > NUMERIC_LIMIT:
            raise PolicyError("Numeric comparison values must be between -1.0E9 and 1.0E9")
    if len(pairs) == 2:
        (low_op, low), (high_op, high) = pairs
        if low_op not in (">", ">=") or high_op not in ("<", "<=") or Decimal(low) >= Decimal(high):
            raise PolicyError("Bottom must be less than top")


def _check_anything_but(operand: Any) -> None:
    if isinstance(operand, dict):
        if len(operand) != 1 or next(iter(operand)) not in ("prefix", "suffix", "equals-ignore-case"):
            raise PolicyError("Unsupported anything-but pattern")
        return
    values = operand if isinstance(operand, list) else [operand]
    if not values or not all(isinstance(v, str | int | Decimal) and not isinstance(v, bool) for v in values):
        raise PolicyError("Inside anything but list, start|null|boolean is not supported.")


def _combinations(policy: dict[str, Any]) -> int:
    """How many key/value combinations the policy spans (SNS caps it at 150)."""
    total = 1
    alternatives = 0
    for key, value in policy.items():
        if key == "$or":
            alternatives += sum(_combinations(branch) for branch in value)
        elif isinstance(value, dict):
            total *= _combinations(value)
        else:
            total *= len(value)
    return total * max(alternatives, 1)


# --- matching ------------------------------------------------------------------------------------


def matches_attributes(policy: dict[str, Any], attributes: dict[str, dict[str, Any]]) -> bool:
    """Whether message attributes (``{name: {DataType, StringValue|BinaryValue}}``) pass."""
    values: dict[str, Any] = {}
    for name, attribute in attributes.items():
        kind = attribute.get("DataType", "")
        text = attribute.get("StringValue")
        if kind.startswith("Binary") or text is None:
            continue
        if kind.startswith("Number"):
            try:
                values[name] = Decimal(text)
            except InvalidOperation:
                values[name] = text
        elif kind.startswith("String.Array"):
            try:
                parsed = json.loads(text, parse_float=Decimal)
            except ValueError:
                parsed = text
            values[name] = parsed
        else:
            values[name] = text
    return _match_object(policy, values)


def matches_body(policy: dict[str, Any], body: str) -> bool:
    """Whether a message body (a JSON object, else nothing matches) passes."""
    try:
        document = json.loads(body, parse_float=Decimal)
    except ValueError:
        return False
    return isinstance(document, dict) and _match_object(policy, document)


def _match_object(policy: dict[str, Any], document: Any) -> bool:
    for key, rule in policy.items():
        if key == "$or":
            if not any(_match_object(branch, document) for branch in rule):
                return False
            continue
        value = _lookup(document, key)
        if isinstance(rule, dict):
            if not _match_nested(rule, value):
                return False
        elif not _match_value(rule, value):
            return False
    return True


def _lookup(document: Any, key: str) -> Any:
    if isinstance(document, dict):
        return document.get(key, _ABSENT)
    if isinstance(document, list):
        found = [document_item.get(key, _ABSENT) for document_item in document if isinstance(document_item, dict)]
        found = [f for f in found if f is not _ABSENT]
        return found if found else _ABSENT
    return _ABSENT


def _match_nested(rule: dict[str, Any], value: Any) -> bool:
    if value is _ABSENT:
        # a nested policy of only exists:false conditions matches a missing object
        return _match_object(rule, {})
    if isinstance(value, list):
        return any(_match_object(rule, item) for item in value if isinstance(item, dict | list))
    return _match_object(rule, value)


def _match_value(conditions: list[Any], value: Any) -> bool:
    candidates = value if isinstance(value, list) else [value]
    for condition in conditions:
        if isinstance(condition, dict) and "exists" in condition:
            present = value is not _ABSENT
            if condition["exists"] == present:
                return True
            continue
        if value is _ABSENT:
            continue
        if isinstance(condition, dict) and "anything-but" in condition:
            if candidates and all(_anything_but(condition["anything-but"], c) for c in candidates):
                return True
            continue
        if any(_match_one(condition, c) for c in candidates):
            return True
    return False


def _is_number(value: Any) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def _match_one(condition: Any, value: Any) -> bool:
    if condition is None:
        return value is None
    if isinstance(condition, bool) or isinstance(value, bool):
        return isinstance(condition, bool) and isinstance(value, bool) and condition == value
    if isinstance(condition, str):
        return isinstance(value, str) and value == condition
    if _is_number(condition):
        return _is_number(value) and Decimal(value) == Decimal(condition)
    ((operator, operand),) = condition.items()
    if operator == "prefix":
        return isinstance(value, str) and value.startswith(operand)
    if operator == "suffix":
        return isinstance(value, str) and value.endswith(operand)
    if operator == "equals-ignore-case":
        return isinstance(value, str) and value.casefold() == operand.casefold()
    if operator == "numeric":
        return _is_number(value) and _in_range(operand, Decimal(value))
    if operator == "cidr":
        return isinstance(value, str) and _in_network(operand, value)
    return False


def _anything_but(operand: Any, value: Any) -> bool:
    """True when ``value`` is none of what ``anything-but`` lists."""
    if isinstance(operand, dict):
        ((operator, pattern),) = operand.items()
        if not isinstance(value, str):
            return True
        if operator == "prefix":
            return not value.startswith(pattern)
        if operator == "suffix":
            return not value.endswith(pattern)
        return value.casefold() != pattern.casefold()
    excluded = operand if isinstance(operand, list) else [operand]
    return not any(_match_one(item, value) for item in excluded)


def _in_range(operand: list[Any], value: Decimal) -> bool:
    for i in range(0, len(operand), 2):
        comparator, bound = operand[i], Decimal(operand[i + 1])
        ok = {
            "<": value < bound,
            "<=": value <= bound,
            "=": value == bound,
            ">": value > bound,
            ">=": value >= bound,
        }[comparator]
        if not ok:
            return False
    return True


def _in_network(cidr: str, address: str) -> bool:
    try:
        return ipaddress.ip_address(address) in ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False

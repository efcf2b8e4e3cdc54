"""ConditionExpression and FilterExpression: binding a parsed condition and compiling it to closures.

The tree is compiled once per request into nested closures, so evaluating it against each item
of a Query or Scan is a tight walk with constants (their Decimal forms included) precomputed.
A comparison involving a missing attribute or values of different types is false (``<>`` is
true), as DynamoDB evaluates them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fogbank.services.dynamodb.expressions.ast import (
    And,
    Between,
    Call,
    Compare,
    ConditionNode,
    FunctionCondition,
    In,
    Not,
    Operand,
    Or,
    Path,
    Value,
)
from fogbank.services.dynamodb.expressions.bind import Bindings, ResolvedPath, get_path
from fogbank.services.dynamodb.expressions.errors import invalid
from fogbank.services.dynamodb.expressions.parser import parse
from fogbank.services.dynamodb.expressions.values import (
    SET_TYPES,
    TYPES,
    scalar_key,
    set_contains,
    tag_of,
    values_equal,
)

Item = Mapping[str, Any]
Getter = Callable[[Item], "dict[str, Any] | None"]
Test = Callable[[Item], bool]

_ORDERABLE = frozenset({"N", "S", "B"})
_VALID_TYPES_TEXT = "{ B,NULL,SS,BOOL,L,BS,N,NS,S,M }"


@dataclass(frozen=True, slots=True)
class Condition:
    """A bound ConditionExpression/FilterExpression; ``evaluate(item)`` says whether ``item`` matches."""

    expression: str
    test: Test

    def evaluate(self, item: Item) -> bool:
        """True when ``item`` (a wire-form item dict; ``{}`` for no item) satisfies the condition."""
        return self.test(item)


def condition(
    expression: str,
    names: Mapping[str, str] | None,
    values: Mapping[str, Any] | None,
    kind: str = "ConditionExpression",
) -> Condition:
    """Parse (cached) and bind a condition; ``kind`` names it in error messages (e.g. FilterExpression).

    Raises ``ExpressionError`` with AWS's message for syntax errors, reserved words, undefined
    placeholders and operand types that can be judged from the expression alone.
    """
    parsed = parse(expression, kind)
    return Condition(expression, compile_condition(parsed.root, Bindings(kind, names, values)))  # type: ignore[arg-type]


# -- operands ---------------------------------------------------------------------------------
def path_getter(path: ResolvedPath) -> Getter:
    """A closure reading ``path`` from an item."""
    if len(path) == 1:
        name = path[0]
        return lambda item: item.get(name)  # type: ignore[arg-type]
    if len(path) == 2 and isinstance(path[1], str):
        outer, inner = path

        def member(item: Item) -> dict[str, Any] | None:
            value = item.get(outer)  # type: ignore[arg-type]
            if value is None:
                return None
            members = value.get("M")
            return None if members is None else members.get(inner)
        return member
    return lambda item: get_path(item, path)


def _size(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """DynamoDB's size(): string length, binary bytes, element count of sets, lists and maps."""
    if value is None:
        return None
    tag = tag_of(value)
    if tag in ("N", "BOOL", "NULL"):
        return None
    return {"N": str(len(value[tag]))}


def operand_getter(operand: Operand, bindings: Bindings) -> tuple[Getter, dict[str, Any] | None]:
    """A closure for ``operand`` and, when the operand is a constant, its value."""
    if isinstance(operand, Value):
        constant = bindings.value(operand.name)
        return (lambda item: constant), constant
    if isinstance(operand, Path):
        return path_getter(bindings.path(operand)), None
    if isinstance(operand, Call) and operand.name == "size":
        inner = path_getter(bindings.path(operand.args[0]))  # type: ignore[arg-type]
        return (lambda item: _size(inner(item))), None
    raise invalid(bindings.kind, "The function is not allowed to be used this way in an expression; "
                  f"function: {getattr(operand, 'name', '?')}")


def _operand_type_error(bindings: Bindings, function: str, tag: str) -> Exception:
    return invalid(
        bindings.kind,
        f"Incorrect operand type for operator or function; operator or function: {function}, operand type: {tag}",
    )


def _check_orderable(bindings: Bindings, op: str, constant: dict[str, Any] | None) -> None:
    if constant is not None and tag_of(constant) not in _ORDERABLE:
        raise _operand_type_error(bindings, op, tag_of(constant))


def _value_text(value: dict[str, Any]) -> str:
    tag = tag_of(value)
    return f"AttributeValue: {{{tag}:{value[tag]}}}"


# -- comparisons ------------------------------------------------------------------------------
def _compare(op: str, left: Getter, right: Getter, lconst: Any, rconst: Any, bindings: Bindings) -> Test:
    if op == "=":
        if rconst is not None and lconst is None:
            return _equals_constant(left, rconst)

        def equal(item: Item) -> bool:
            a = left(item)
            if a is None:
                return False
            b = right(item)
            return b is not None and values_equal(a, b)
        return equal
    if op == "<>":
        def not_equal(item: Item) -> bool:
            a = left(item)
            b = right(item)
            if a is None or b is None:
                return True
            return not values_equal(a, b)
        return not_equal
    _check_orderable(bindings, op, lconst)
    _check_orderable(bindings, op, rconst)
    check = _ORDER[op]
    if rconst is not None and lconst is None:
        key = scalar_key(rconst)
        assert key is not None
        rtag, rraw = key
        def against_constant(item: Item) -> bool:
            a = left(item)
            if a is None or rtag not in a:
                return False
            raw = a[rtag]
            if rtag == "N":
                raw = Decimal(raw)
            elif rtag == "B" and not isinstance(raw, bytes):
                raw = bytes(raw)
            return check(raw, rraw)
        return against_constant

    def general(item: Item) -> bool:
        a = left(item)
        b = right(item)
        if a is None or b is None:
            return False
        ka = scalar_key(a)
        kb = scalar_key(b)
        if ka is None or kb is None or ka[0] != kb[0]:
            return False
        return check(ka[1], kb[1])
    return general


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _between(node: Between, bindings: Bindings) -> Test:
    value, _ = operand_getter(node.operand, bindings)
    low, lconst = operand_getter(node.low, bindings)
    high, hconst = operand_getter(node.high, bindings)
    _check_orderable(bindings, "BETWEEN", lconst)
    _check_orderable(bindings, "BETWEEN", hconst)
    if lconst is not None and hconst is not None:
        lkey, hkey = scalar_key(lconst), scalar_key(hconst)
        if lkey and hkey and lkey[0] == hkey[0] and lkey[1] > hkey[1]:
            raise invalid(
                bindings.kind,
                "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
                f"lower bound operand: {_value_text(lconst)}, upper bound operand: {_value_text(hconst)}",
            )

    if lconst is not None and hconst is not None:
        lkey, hkey = scalar_key(lconst), scalar_key(hconst)
        if lkey is None or hkey is None or lkey[0] != hkey[0]:
            return lambda item: False
        tag, lo_raw, hi_raw = lkey[0], lkey[1], hkey[1]

        def between_constants(item: Item) -> bool:
            v = value(item)
            if v is None:
                return False
            raw = v.get(tag)
            if raw is None:
                return False
            if tag == "N":
                raw = Decimal(raw)
            elif tag == "B" and not isinstance(raw, bytes):
                raw = bytes(raw)
            return lo_raw <= raw <= hi_raw
        return between_constants

    def between(item: Item) -> bool:
        v, lo, hi = value(item), low(item), high(item)
        if v is None or lo is None or hi is None:
            return False
        kv, kl, kh = scalar_key(v), scalar_key(lo), scalar_key(hi)
        if kv is None or kl is None or kh is None or not (kv[0] == kl[0] == kh[0]):
            return False
        return kl[1] <= kv[1] <= kh[1]
    return between


def _equals_constant(left: Getter, constant: dict[str, Any]) -> Test:
    """``path = :value``, the commonest filter, with the constant's comparable form precomputed."""
    key = scalar_key(constant)
    if key is None:
        return lambda item: (a := left(item)) is not None and values_equal(a, constant)
    tag, wanted = key

    def equals(item: Item) -> bool:
        a = left(item)
        if a is None:
            return False
        raw = a.get(tag)
        if raw is None:
            return False
        if tag == "S":
            return raw == wanted
        if tag == "N":
            return raw == constant["N"] or Decimal(raw) == wanted
        return bytes(raw) == wanted
    return equals


def _in(node: In, bindings: Bindings) -> Test:
    value, _ = operand_getter(node.operand, bindings)
    choices = [operand_getter(choice, bindings) for choice in node.choices]
    if all(const is not None for _, const in choices):
        constants = [const for _, const in choices]

        def in_constants(item: Item) -> bool:
            v = value(item)
            return v is not None and any(values_equal(v, c) for c in constants)
        return in_constants
    getters = [getter for getter, _ in choices]

    def in_choices(item: Item) -> bool:
        v = value(item)
        if v is None:
            return False
        for getter in getters:
            c = getter(item)
            if c is not None and values_equal(v, c):
                return True
        return False
    return in_choices


# -- functions --------------------------------------------------------------------------------
def _begins_with(value: dict[str, Any] | None, prefix: dict[str, Any] | None) -> bool:
    if value is None or prefix is None:
        return False
    if "S" in value and "S" in prefix:
        return value["S"].startswith(prefix["S"])
    if "B" in value and "B" in prefix:
        return bytes(value["B"]).startswith(bytes(prefix["B"]))
    return False


def _contains(value: dict[str, Any] | None, operand: dict[str, Any] | None) -> bool:
    if value is None or operand is None:
        return False
    tag = tag_of(value)
    if tag == "S":
        return "S" in operand and operand["S"] in value["S"]
    if tag == "B":
        return "B" in operand and bytes(operand["B"]) in bytes(value["B"])
    if tag in SET_TYPES:
        return set_contains(value, operand)
    if tag == "L":
        return any(values_equal(element, operand) for element in value["L"])
    return False


def _contains_string(getter: Getter, constant: dict[str, Any]) -> Test:
    """``contains(path, :string)``: a substring of a string or a member of a string set or list."""
    wanted = constant["S"]

    def contains(item: Item) -> bool:
        value = getter(item)
        if value is None:
            return False
        raw = value.get("S")
        if raw is not None:
            return wanted in raw
        members = value.get("SS")
        if members is not None:
            return wanted in members
        elements = value.get("L")
        return elements is not None and any(e.get("S") == wanted for e in elements)
    return contains


def _function(call: Call, bindings: Bindings) -> Test:
    name = call.name
    if name == "attribute_exists":
        getter, _ = operand_getter(call.args[0], bindings)
        return lambda item: getter(item) is not None
    if name == "attribute_not_exists":
        getter, _ = operand_getter(call.args[0], bindings)
        return lambda item: getter(item) is None
    getter, _ = operand_getter(call.args[0], bindings)
    second, const = operand_getter(call.args[1], bindings)
    if name == "attribute_type":
        if const is None or "S" not in const:
            raise _operand_type_error(bindings, name, tag_of(const) if const else "PATH")
        wanted = const["S"]
        if wanted not in TYPES:
            raise invalid(
                bindings.kind, f"Invalid attribute type name found; type: {wanted}, valid types: {_VALID_TYPES_TEXT}"
            )
        return lambda item: (v := getter(item)) is not None and wanted in v
    if name == "begins_with":
        if const is not None and tag_of(const) not in ("S", "B"):
            raise _operand_type_error(bindings, name, tag_of(const))
        return lambda item: _begins_with(getter(item), second(item))
    if name == "contains":
        if const is not None and "S" in const:
            return _contains_string(getter, const)
        return lambda item: _contains(getter(item), second(item))
    raise invalid(
        bindings.kind, f"The function is not allowed to be used this way in an expression; function: {name}"
    )


def compile_condition(node: ConditionNode, bindings: Bindings) -> Test:
    """Compile a condition tree into one closure taking an item and answering True/False."""
    if isinstance(node, Compare):
        left, lconst = operand_getter(node.left, bindings)
        right, rconst = operand_getter(node.right, bindings)
        return _compare(node.op, left, right, lconst, rconst, bindings)
    if isinstance(node, And):
        a, b = compile_condition(node.left, bindings), compile_condition(node.right, bindings)
        return lambda item: a(item) and b(item)
    if isinstance(node, Or):
        a, b = compile_condition(node.left, bindings), compile_condition(node.right, bindings)
        return lambda item: a(item) or b(item)
    if isinstance(node, Not):
        a = compile_condition(node.operand, bindings)
        return lambda item: not a(item)
    if isinstance(node, Between):
        return _between(node, bindings)
    if isinstance(node, In):
        return _in(node, bindings)
    if isinstance(node, FunctionCondition):
        return _function(node.call, bindings)
    raise TypeError(f"not a condition node: {node!r}")

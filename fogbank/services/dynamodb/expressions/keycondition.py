"""KeyConditionExpression: a Query's partition key equality and optional sort key condition.

The text is parsed with the condition grammar, then held to DynamoDB's narrower rules: only
the key schema's attributes, ``=`` on the partition key, at most one condition on the sort key
(=, <, <=, >, >=, BETWEEN, begins_with), joined by AND only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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
from fogbank.services.dynamodb.expressions.bind import Bindings
from fogbank.services.dynamodb.expressions.errors import ExpressionError, invalid
from fogbank.services.dynamodb.expressions.evaluate import compile_condition
from fogbank.services.dynamodb.expressions.parser import parse
from fogbank.services.dynamodb.expressions.values import scalar_key, tag_of, values_equal

KIND = "KeyConditionExpression"
NOT_SUPPORTED = "Query key condition not supported"
_FLIPPED = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


@dataclass(frozen=True, slots=True)
class SortCondition:
    """The sort key condition: ``op`` is =, <, <=, >, >=, BETWEEN or begins_with; ``values`` its operands."""

    name: str
    op: str
    values: tuple[dict[str, Any], ...]

    def matches(self, value: dict[str, Any] | None) -> bool:
        """Whether a sort key value satisfies the condition."""
        if value is None:
            return False
        first = self.values[0]
        key = scalar_key(value)
        wanted = scalar_key(first)
        if key is None or wanted is None or key[0] != wanted[0]:
            return False
        raw, bound = key[1], wanted[1]
        op = self.op
        if op == "begins_with":
            return raw.startswith(bound)  # type: ignore[no-any-return]
        if op == "=":
            return raw == bound  # type: ignore[no-any-return]
        if op == "<":
            return raw < bound  # type: ignore[no-any-return]
        if op == "<=":
            return raw <= bound  # type: ignore[no-any-return]
        if op == ">":
            return raw > bound  # type: ignore[no-any-return]
        if op == ">=":
            return raw >= bound  # type: ignore[no-any-return]
        high = scalar_key(self.values[1])
        return high is not None and bound <= raw <= high[1]


@dataclass(frozen=True, slots=True)
class KeyCondition:
    """A bound KeyConditionExpression: the partition key's name and value, and the sort condition if any."""

    expression: str
    partition_name: str
    partition_value: dict[str, Any]
    sort: SortCondition | None

    def matches(self, item: Mapping[str, Any]) -> bool:
        """Whether ``item``'s keys satisfy the whole key condition."""
        value = item.get(self.partition_name)
        if value is None or not values_equal(value, self.partition_value):
            return False
        return self.sort is None or self.sort.matches(item.get(self.sort.name))


def _operator_error(operator: str) -> ExpressionError:
    return invalid(KIND, f"Invalid operator used in KeyConditionExpression: {operator}")


def _flatten(node: ConditionNode, out: list[ConditionNode]) -> None:
    if isinstance(node, And):
        _flatten(node.left, out)
        _flatten(node.right, out)
    elif isinstance(node, Or):
        raise _operator_error("OR")
    elif isinstance(node, Not):
        raise _operator_error("NOT")
    elif isinstance(node, In):
        raise _operator_error("IN")
    elif isinstance(node, Compare) and node.op == "<>":
        raise _operator_error("<>")
    elif isinstance(node, FunctionCondition) and node.call.name != "begins_with":
        raise _operator_error(node.call.name)
    else:
        out.append(node)


def _key_name(operand: Operand, bindings: Bindings) -> str | None:
    if isinstance(operand, Call):
        raise _operator_error(operand.name)
    if not isinstance(operand, Path):
        return None
    path = bindings.path(operand)
    if len(path) != 1:
        raise ExpressionError(NOT_SUPPORTED)
    return path[0]  # type: ignore[return-value]


def _constant(operand: Operand, bindings: Bindings) -> dict[str, Any]:
    if not isinstance(operand, Value):
        raise ExpressionError(NOT_SUPPORTED)
    return bindings.value(operand.name)


def _term(node: ConditionNode, bindings: Bindings) -> tuple[str, str, tuple[dict[str, Any], ...]]:
    """One condition as (attribute name, operator, operand values)."""
    if isinstance(node, Compare):
        left, right = _key_name(node.left, bindings), _key_name(node.right, bindings)
        if left is not None and right is None:
            return left, node.op, (_constant(node.right, bindings),)
        if right is not None and left is None:
            return right, _FLIPPED[node.op], (_constant(node.left, bindings),)
        raise ExpressionError(NOT_SUPPORTED)
    if isinstance(node, Between):
        name = _key_name(node.operand, bindings)
        if name is None:
            raise ExpressionError(NOT_SUPPORTED)
        return name, "BETWEEN", (_constant(node.low, bindings), _constant(node.high, bindings))
    assert isinstance(node, FunctionCondition)
    name = _key_name(node.call.args[0], bindings)
    if name is None:
        raise ExpressionError(NOT_SUPPORTED)
    return name, "begins_with", (_constant(node.call.args[1], bindings),)


def key_condition(
    expression: str,
    names: Mapping[str, str] | None,
    values: Mapping[str, Any] | None,
    key_schema: list[dict[str, str]],
    key_types: Mapping[str, str] | None = None,
) -> KeyCondition:
    """Parse (cached), bind and check a KeyConditionExpression against a table's or index's key schema.

    ``key_schema`` is the KeySchema list (``AttributeName``/``KeyType`` HASH or RANGE);
    ``key_types`` optionally maps key names to their declared type (S, N or B) so that operand
    types are checked too. Raises ``ExpressionError`` with AWS's messages.
    """
    parsed = parse(expression, KIND)
    bindings = Bindings(KIND, names, values)
    # The general checks (undefined placeholders, constant operand types, BETWEEN bounds) come first.
    compile_condition(parsed.root, bindings)  # type: ignore[arg-type]
    terms: list[ConditionNode] = []
    _flatten(parsed.root, terms)  # type: ignore[arg-type]
    hash_name = next(k["AttributeName"] for k in key_schema if k["KeyType"] == "HASH")
    range_name = next((k["AttributeName"] for k in key_schema if k["KeyType"] == "RANGE"), None)
    bound = [_term(term, bindings) for term in terms]
    by_name: dict[str, tuple[str, tuple[dict[str, Any], ...]]] = {}
    for name, op, operands in bound:
        if name in by_name:
            raise ExpressionError("KeyConditionExpressions must only contain one condition per key")
        by_name[name] = (op, operands)
    if hash_name not in by_name:
        raise ExpressionError(f"Query condition missed key schema element: {hash_name}")
    if any(name not in (hash_name, range_name) for name in by_name):
        raise ExpressionError(NOT_SUPPORTED)
    hash_op, hash_values = by_name[hash_name]
    if hash_op != "=":
        raise ExpressionError(NOT_SUPPORTED)
    for name, (_, operands) in by_name.items():
        for operand in operands:
            declared = (key_types or {}).get(name)
            if scalar_key(operand) is None or (declared is not None and declared != tag_of(operand)):
                raise ExpressionError(
                    "One or more parameter values were invalid: Condition parameter type does not match schema type"
                )
    sort = None
    if range_name is not None and range_name in by_name:
        op, operands = by_name[range_name]
        sort = SortCondition(range_name, op, operands)
    return KeyCondition(expression, hash_name, hash_values[0], sort)

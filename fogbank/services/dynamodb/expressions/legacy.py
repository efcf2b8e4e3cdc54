"""The legacy (pre-expression) parameters, turned into the same engine objects.

``Expected``, ``QueryFilter``/``ScanFilter`` become a ``Condition``, ``KeyConditions`` a
``KeyCondition``, ``AttributesToGet`` a ``Projection`` and ``AttributeUpdates`` an ``Update``,
so the provider evaluates both styles the same way. Conditions are built as syntax trees over
generated placeholders and compiled by the expression compiler.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
    Or,
    Path,
    Value,
)
from fogbank.services.dynamodb.expressions.bind import Bindings
from fogbank.services.dynamodb.expressions.errors import ExpressionError
from fogbank.services.dynamodb.expressions.evaluate import Condition, compile_condition
from fogbank.services.dynamodb.expressions.keycondition import KeyCondition, SortCondition
from fogbank.services.dynamodb.expressions.projection import Projection
from fogbank.services.dynamodb.expressions.update import Update, _Action
from fogbank.services.dynamodb.expressions.values import SET_TYPES, scalar_key, tag_of

INVALID = "One or more parameter values were invalid: "
_COMPARATORS = {"EQ": "=", "NE": "<>", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">"}
_ONE_VALUE = frozenset({*_COMPARATORS, "CONTAINS", "NOT_CONTAINS", "BEGINS_WITH"})
_KEY_OPERATORS = {"EQ": "=", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">", "BEGINS_WITH": "begins_with", "BETWEEN": "BETWEEN"}

#: The expression parameter that replaces each legacy parameter, for the mixing error.
EXPRESSION_FOR = {
    "AttributesToGet": "ProjectionExpression",
    "Expected": "ConditionExpression",
    "QueryFilter": "FilterExpression",
    "ScanFilter": "FilterExpression",
    "KeyConditions": "KeyConditionExpression",
    "AttributeUpdates": "UpdateExpression",
}
EXPRESSION_PARAMETERS = (
    "ProjectionExpression",
    "ConditionExpression",
    "FilterExpression",
    "KeyConditionExpression",
    "UpdateExpression",
)


def check_not_mixed(request: Mapping[str, Any]) -> None:
    """AWS's error when a request uses legacy and expression parameters together."""
    legacy = [p for p in EXPRESSION_FOR if p in request]
    modern = [p for p in EXPRESSION_PARAMETERS if p in request]
    if legacy and modern:
        raise ExpressionError(
            "Can not use both expression and non-expression parameters in the same request: "
            f"Non-expression parameters: {{{', '.join(legacy)}}} Expression parameters: {{{', '.join(modern)}}}"
        )


class _Builder:
    """Generated placeholders for the attribute names and values of legacy conditions."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.values: dict[str, Any] = {}

    def path(self, name: str) -> Path:
        ref = f"#l{len(self.names)}"
        self.names[ref] = name
        return Path((ref,))

    def value(self, value: dict[str, Any]) -> Value:
        ref = f":l{len(self.values)}"
        self.values[ref] = value
        return Value(ref)


def _argument_count_error(operator: str) -> ExpressionError:
    return ExpressionError(f"{INVALID}Invalid number of argument(s) for the {operator} ComparisonOperator")


def _comparison(builder: _Builder, name: str, operator: str, args: Sequence[dict[str, Any]]) -> ConditionNode:
    """One legacy ComparisonOperator condition as a syntax tree."""
    path = builder.path(name)
    if operator in ("NULL", "NOT_NULL"):
        if args:
            raise _argument_count_error(operator)
        function = "attribute_not_exists" if operator == "NULL" else "attribute_exists"
        return FunctionCondition(Call(function, (path,)))
    if operator in _ONE_VALUE:
        if len(args) != 1:
            raise _argument_count_error(operator)
        value = args[0]
        if operator in ("LE", "LT", "GE", "GT", "BEGINS_WITH") and scalar_key(value) is None:
            raise ExpressionError(f"{INVALID}ComparisonOperator {operator} is not valid for {tag_of(value)} AttributeValue type")
        if operator in _COMPARATORS:
            return Compare(_COMPARATORS[operator], path, builder.value(value))
        if operator == "BEGINS_WITH":
            return FunctionCondition(Call("begins_with", (path, builder.value(value))))
        contains = FunctionCondition(Call("contains", (path, builder.value(value))))
        return contains if operator == "CONTAINS" else Not(contains)
    if operator == "IN":
        if not args:
            raise _argument_count_error(operator)
        return In(path, tuple(builder.value(v) for v in args))
    if operator == "BETWEEN":
        if len(args) != 2:
            raise _argument_count_error(operator)
        return Between(path, builder.value(args[0]), builder.value(args[1]))
    raise ExpressionError(f"{INVALID}Unsupported ComparisonOperator: {operator}")


def _combine(nodes: list[ConditionNode], conditional_operator: str | None) -> ConditionNode:
    joiner = Or if (conditional_operator or "AND") == "OR" else And
    node = nodes[0]
    for other in nodes[1:]:
        node = joiner(node, other)
    return node


def _compile(builder: _Builder, nodes: list[ConditionNode], conditional_operator: str | None, kind: str) -> Condition:
    if not nodes:
        return Condition("", lambda item: True)
    root = _combine(nodes, conditional_operator)
    return Condition("", compile_condition(root, Bindings(kind, builder.names, builder.values)))


def expected(spec: Mapping[str, Mapping[str, Any]], conditional_operator: str | None = None) -> Condition:
    """The ``Expected`` parameter (with ``ConditionalOperator``) as a Condition."""
    builder = _Builder()
    nodes: list[ConditionNode] = []
    for name, rule in spec.items():
        if "ComparisonOperator" in rule:
            if "Value" in rule or "Exists" in rule:
                raise ExpressionError(
                    f"{INVALID}Exists and Value cannot be used with ComparisonOperator for attribute ({name})"
                )
            nodes.append(_comparison(builder, name, rule["ComparisonOperator"], rule.get("AttributeValueList", [])))
            continue
        exists = rule.get("Exists", True)
        if exists:
            if "Value" not in rule:
                raise ExpressionError(f"{INVALID}Exists is set to TRUE for attribute ({name}), Value must also be set")
            nodes.append(Compare("=", builder.path(name), builder.value(rule["Value"])))
        else:
            if "Value" in rule:
                raise ExpressionError(f"{INVALID}Value cannot be used when Exists is false for attribute ({name})")
            nodes.append(FunctionCondition(Call("attribute_not_exists", (builder.path(name),))))
    return _compile(builder, nodes, conditional_operator, "ConditionExpression")


def filter_condition(spec: Mapping[str, Mapping[str, Any]], conditional_operator: str | None = None) -> Condition:
    """``QueryFilter`` / ``ScanFilter`` (with ``ConditionalOperator``) as a Condition."""
    builder = _Builder()
    nodes = [
        _comparison(builder, name, rule["ComparisonOperator"], rule.get("AttributeValueList", []))
        for name, rule in spec.items()
    ]
    return _compile(builder, nodes, conditional_operator, "FilterExpression")


def key_conditions(spec: Mapping[str, Mapping[str, Any]], key_schema: list[dict[str, str]]) -> KeyCondition:
    """``KeyConditions`` as a KeyCondition, with AWS's rules for the legacy form."""
    hash_name = next(k["AttributeName"] for k in key_schema if k["KeyType"] == "HASH")
    range_name = next((k["AttributeName"] for k in key_schema if k["KeyType"] == "RANGE"), None)
    if not 1 <= len(spec) <= 2:
        raise ExpressionError("Conditions can be of length 1 or 2 only")
    for name in spec:
        if name not in (hash_name, range_name):
            raise ExpressionError(f"Query condition missed key schema element: {hash_name if hash_name not in spec else range_name}")
    if hash_name not in spec:
        raise ExpressionError(f"Query condition missed key schema element: {hash_name}")
    sort = None
    for name, rule in spec.items():
        operator = rule["ComparisonOperator"]
        args = tuple(rule.get("AttributeValueList", []))
        op = _KEY_OPERATORS.get(operator)
        if op is None or (name == hash_name and op != "="):
            raise ExpressionError("Attempted conditional constraint is not an indexable operation")
        if len(args) != (2 if op == "BETWEEN" else 1):
            raise _argument_count_error(operator)
        if any(scalar_key(a) is None for a in args):
            raise ExpressionError(f"{INVALID}ComparisonOperator {operator} is not valid for {tag_of(args[0])} AttributeValue type")
        if name != hash_name:
            sort = SortCondition(name, op, args)
    return KeyCondition("", hash_name, spec[hash_name]["AttributeValueList"][0], sort)


def attributes_to_get(names: Sequence[str]) -> Projection:
    """``AttributesToGet`` as a Projection of top-level attributes."""
    if len(set(names)) != len(names):
        duplicate = next(n for n in names if names.count(n) > 1)
        raise ExpressionError(f"{INVALID}Duplicate value in attribute name: {duplicate}")
    return Projection.of_paths([(name,) for name in names])


def attribute_updates(spec: Mapping[str, Mapping[str, Any]]) -> Update:
    """``AttributeUpdates`` (PUT, ADD, DELETE actions) as an Update."""
    actions: list[_Action] = []
    for name, rule in spec.items():
        action = rule.get("Action", "PUT")
        value = rule.get("Value")
        path = (name,)
        if value is None:
            if action != "DELETE":
                raise ExpressionError(f"{INVALID}Only DELETE action is allowed when no attribute value is specified")
            actions.append(_Action("REMOVE", path, None))
            continue
        tag = tag_of(value)
        constant = value
        if action == "PUT":
            actions.append(_Action("SET", path, lambda item, v=constant: v))
        elif action == "ADD":
            if tag not in ("N", "L", *SET_TYPES):
                raise ExpressionError(f"{INVALID}ADD action is not supported for the type {tag}")
            actions.append(_Action("ADD", path, lambda item, v=constant: v))
        elif action == "DELETE":
            if tag not in SET_TYPES:
                raise ExpressionError(f"{INVALID}DELETE action with value is not supported for the type {tag}")
            actions.append(_Action("DELETE", path, lambda item, v=constant: v))
        else:
            raise ExpressionError(f"{INVALID}Unknown action: {action}")
    paths = tuple(a.path for a in actions)
    return Update("", tuple(actions), paths, frozenset(p[0] for p in paths), Projection.of_paths(paths))  # type: ignore[misc]

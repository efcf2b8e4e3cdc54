"""ProjectionExpression, KeyConditionExpression and the request-wide placeholder checks."""

from __future__ import annotations

import pytest

from fogbank.services.dynamodb.expressions import (
    ExpressionError,
    key_condition,
    projection,
    validate_placeholders,
)

ITEM = {
    "pk": {"S": "a"},
    "a": {"M": {"b": {"L": [{"S": "0"}, {"M": {"c": {"N": "1"}, "d": {"N": "2"}}}, {"S": "2"}]}, "e": {"S": "e"}}},
    "lst": {"L": [{"N": "0"}, {"N": "1"}, {"N": "2"}]},
    "x y": {"BOOL": True},
}


def test_projection_keeps_structure() -> None:
    assert projection("pk", None).apply(ITEM) == {"pk": {"S": "a"}}
    assert projection("a.e, lst[2], lst[0]", None).apply(ITEM) == {
        "a": {"M": {"e": {"S": "e"}}},
        "lst": {"L": [{"N": "0"}, {"N": "2"}]},
    }
    assert projection("a.b[1].d, #s", {"#s": "x y"}).apply(ITEM) == {
        "a": {"M": {"b": {"L": [{"M": {"d": {"N": "2"}}}]}}},
        "x y": {"BOOL": True},
    }


def test_projection_leaves_out_missing_paths() -> None:
    assert projection("nope, a.zz, lst[9], pk.q, lst[1].q", None).apply(ITEM) == {}


def test_projection_errors() -> None:
    with pytest.raises(ExpressionError) as caught:
        projection("a, a.b", None)
    assert caught.value.message == (
        "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one "
        "of these paths; path one: [a], path two: [a, b]"
    )
    with pytest.raises(ExpressionError, match="reserved keyword: name"):
        projection("pk, name", None)
    with pytest.raises(ExpressionError, match='Syntax error; token: "="'):
        projection("a = b", None)
    with pytest.raises(ExpressionError, match="attribute name: #n"):
        projection("#n", {})


SCHEMA = [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
VALUES = {":p": {"S": "a"}, ":s": {"S": "m"}, ":t": {"S": "t"}, ":n": {"N": "1"}}


def kc(expr: str, values: dict | None = None, schema: list | None = None, names: dict | None = None, **kw):
    return key_condition(expr, names, VALUES if values is None else values, schema or SCHEMA, **kw)


@pytest.mark.parametrize(
    ("expr", "op", "count"),
    [
        ("pk = :p", None, 0),
        ("pk = :p AND sk = :s", "=", 1),
        ("pk = :p AND sk < :s", "<", 1),
        ("pk = :p AND sk <= :s", "<=", 1),
        ("pk = :p AND sk > :s", ">", 1),
        ("sk >= :s AND pk = :p", ">=", 1),
        ("pk = :p AND sk BETWEEN :s AND :t", "BETWEEN", 2),
        ("pk = :p AND begins_with(sk, :s)", "begins_with", 1),
        ("(pk = :p) AND (sk > :s)", ">", 1),
        (":p = pk AND :s < sk", ">", 1),
    ],
)
def test_key_conditions(expr: str, op: str | None, count: int) -> None:
    cond = kc(expr)
    assert cond.partition_name == "pk" and cond.partition_value == {"S": "a"}
    if op is None:
        assert cond.sort is None
    else:
        assert cond.sort is not None and cond.sort.op == op and len(cond.sort.values) == count


def test_sort_condition_matching() -> None:
    between = kc("pk = :p AND sk BETWEEN :s AND :t").sort
    assert between is not None
    assert [between.matches({"S": s}) for s in ("a", "m", "p", "t", "tz")] == [False, True, True, True, False]
    prefix = kc("pk = :p AND begins_with(sk, :s)").sort
    assert prefix is not None and prefix.matches({"S": "mango"}) and not prefix.matches({"S": "apple"})
    numeric = kc("pk = :p AND sk > :n", {":p": {"S": "a"}, ":n": {"N": "9"}}).sort
    assert numeric is not None and numeric.matches({"N": "10"}) and not numeric.matches({"N": "9.0"})
    whole = kc("pk = :p AND sk < :s")
    assert whole.matches({"pk": {"S": "a"}, "sk": {"S": "b"}}) and not whole.matches({"pk": {"S": "b"}, "sk": {"S": "b"}})


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("sk = :s", "Query condition missed key schema element: pk"),
        ("pk < :p", "Query key condition not supported"),
        ("pk = :p AND attr1 = :s", "Query key condition not supported"),
        ("pk = :p AND sk > :s AND sk < :t", "KeyConditionExpressions must only contain one condition per key"),
        ("pk = :p OR sk = :s", "Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: OR"),
        ("NOT pk = :p", "Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: NOT"),
        ("pk IN (:p)", "Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: IN"),
        ("pk = :p AND sk <> :s", "Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: <>"),
        (
            "pk = :p AND attribute_exists(sk)",
            "Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: attribute_exists",
        ),
        ("begins_with(pk, :p)", "Query key condition not supported"),
        ("pk = :p AND sk = pk", "Query key condition not supported"),
        ("pk = :p AND sk.x = :s", "Query key condition not supported"),
        ("pk = :p AND size(sk) = :n", "Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: size"),
        ("pk = :p AND sk BETWEEN :t AND :s", "The BETWEEN operator requires upper bound to be greater than or equal"),
        ("pk = :p AND begins_with(sk, :n)", "operator or function: begins_with, operand type: N"),
        ("pk = :p AND sk = :zz", "attribute value: :zz"),
        ("pk = :p AND", 'Invalid KeyConditionExpression: Syntax error; token: "<EOF>"'),
    ],
)
def test_key_condition_errors(expr: str, message: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        kc(expr)
    assert message in caught.value.message
    assert caught.value.code == "ValidationException"


def test_key_condition_types_checked_against_schema() -> None:
    with pytest.raises(ExpressionError, match="Condition parameter type does not match schema type"):
        kc("pk = :n", key_types={"pk": "S"})
    assert kc("pk = :p AND sk > :n", key_types={"pk": "S", "sk": "N"}).sort is not None


def test_placeholders_defined_and_used_across_expressions() -> None:
    validate_placeholders(
        {"KeyConditionExpression": "pk = :p", "FilterExpression": "#a > :n", "ProjectionExpression": "#a, pk"},
        {"#a": "a"},
        {":p": {"S": "x"}, ":n": {"N": "1"}},
    )


@pytest.mark.parametrize(
    ("expressions", "names", "values", "message"),
    [
        (
            {"ConditionExpression": "a = :v"},
            None,
            {":v": {"S": "1"}, ":x": {"S": "2"}},
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}",
        ),
        (
            {"ConditionExpression": "a = :v"},
            {"#n": "n", "#m": "m"},
            {":v": {"S": "1"}},
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#n, #m}",
        ),
        (
            {"UpdateExpression": "SET #n = :v"},
            None,
            {":v": {"S": "1"}},
            "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; "
            "attribute name: #n",
        ),
        (
            {"ConditionExpression": "a = :v", "UpdateExpression": "SET b = :w"},
            None,
            {":v": {"S": "1"}},
            "Invalid UpdateExpression: An expression attribute value used in expression is not defined; "
            "attribute value: :w",
        ),
        ({"ConditionExpression": "a = :v"}, {}, {":v": {"S": "1"}}, "ExpressionAttributeNames must not be empty"),
        ({"ConditionExpression": None}, None, {}, "ExpressionAttributeValues must not be empty"),
        (
            {"ConditionExpression": None},
            {"#a": "a"},
            None,
            "ExpressionAttributeNames can only be specified when using expressions",
        ),
        (
            {},
            None,
            {":v": {"S": "1"}},
            "ExpressionAttributeValues can only be specified when using expressions",
        ),
    ],
)
def test_placeholder_errors(expressions: dict, names: dict | None, values: dict | None, message: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        validate_placeholders(expressions, names, values)
    assert caught.value.message == message


def test_hash_only_schema_refuses_other_attributes() -> None:
    schema = [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert kc("pk = :p", schema=schema).sort is None
    with pytest.raises(ExpressionError, match="Query key condition not supported"):
        kc("pk = :p AND sk = :s", schema=schema)


def test_key_condition_through_name_placeholders() -> None:
    cond = kc("#p = :p AND #s > :s", names={"#p": "pk", "#s": "sk"})
    assert cond.partition_name == "pk" and cond.sort is not None and cond.sort.name == "sk"

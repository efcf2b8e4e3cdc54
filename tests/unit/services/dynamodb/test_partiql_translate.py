"""PartiQL statements translated into the native requests they stand for."""

from __future__ import annotations

import pytest

from fogbank.services.dynamodb.expressions.errors import ExpressionError
from fogbank.services.dynamodb.partiql import parse_statement
from fogbank.services.dynamodb.partiql.translate import bind_parameters, plan
from fogbank.services.dynamodb.schema import Table

TABLE = Table(
    {
        "name": "t",
        "key_schema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "attrs": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}, {"AttributeName": "g", "AttributeType": "S"}],
        "gsis": [{"IndexName": "byg", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}],
        "lsis": [],
    }
)


def native(text: str, *params: dict, single: bool = False):  # type: ignore[no-untyped-def]
    parsed = parse_statement(text)
    return plan(parsed.statement, TABLE, bind_parameters(parsed.parameters, list(params)), single)


def test_select_with_partition_equality_is_a_query() -> None:
    got = native("SELECT a FROM t WHERE ? = pk AND 5 > sk AND x = 'y'", {"S": "k"})
    assert got.op == "Query"
    assert got.request == {
        "TableName": "t",
        "ProjectionExpression": "#p0",
        "KeyConditionExpression": "#p1 = :p0 AND #p2 < :p1",
        "FilterExpression": "#p3 = :p2",
        "ExpressionAttributeNames": {"#p0": "a", "#p1": "pk", "#p2": "sk", "#p3": "x"},
        "ExpressionAttributeValues": {":p0": {"S": "k"}, ":p1": {"N": "5"}, ":p2": {"S": "y"}},
    }


def test_select_without_partition_equality_is_a_scan() -> None:
    got = native("SELECT * FROM t WHERE pk = 'a' OR sk IN [1, 2.50]")
    assert got.op == "Scan"
    assert got.request["FilterExpression"] == "(#p0 = :p0 OR #p1 IN (:p1, :p2))"
    assert got.request["ExpressionAttributeValues"][":p2"] == {"N": "2.5"}
    on_index = native('SELECT * FROM "t"."byg" WHERE g = \'x\' AND begins_with(pk, \'a\')')
    assert on_index.op == "Query" and on_index.request["IndexName"] == "byg"
    assert on_index.request["FilterExpression"] == "begins_with(#p1, :p1)"


def test_writes() -> None:
    insert = native("INSERT INTO t VALUE {'pk': 'a', 'sk': 1, 's': <<1, 2>>}")
    assert insert.op == "PutItem" and insert.request["ConditionExpression"] == "attribute_not_exists(#p0)"
    assert insert.request["Item"]["s"] == {"NS": ["1", "2"]}
    update = native("UPDATE t SET n = n - ?, s = set_delete(s, <<'x'>>) REMOVE r WHERE sk = 1 AND pk = 'a' AND n > 0 RETURNING ALL NEW *", {"N": "2"})
    assert update.request["Key"] == {"pk": {"S": "a"}, "sk": {"N": "1"}}
    assert update.request["UpdateExpression"] == "SET #p0 = #p0 - :p0 REMOVE #p2 DELETE #p1 :p1"
    assert update.request["ConditionExpression"] == "attribute_exists(#p3) AND #p0 > :p2"
    assert update.request["ReturnValues"] == "ALL_NEW"
    delete = native("DELETE FROM t WHERE pk = 'a' AND sk = 1")
    assert delete.op == "DeleteItem" and "ConditionExpression" not in delete.request
    check = native("EXISTS(SELECT * FROM t WHERE pk = 'a' AND sk = 1 AND v IS NULL)")
    assert check.op == "ConditionCheck"
    assert check.request["ConditionExpression"] == "attribute_exists(#p0) AND attribute_type(#p1, :p0)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("UPDATE t SET a = 1 WHERE pk = 'a'", "Where clause does not contain a mandatory equality on all key attributes"),
        ("DELETE FROM t WHERE pk = 'a' AND sk > 1", "Where clause does not contain a mandatory equality on all key attributes"),
        ("SELECT * FROM t WHERE pk = 'a' AND sk < 3", "Where clause does not contain a mandatory equality on all key attributes"),
        ("INSERT INTO t VALUE {'s': <<'a', 1>>}", "Unsupported set: the elements of a set must all be strings, all numbers or all binaries"),
        ("INSERT INTO t VALUE {'s': <<'a', 'a'>>}", "One or more parameter values were invalid: Input collection [a, a] contains duplicates."),
        ("SELECT * FROM t WHERE n = 1e999", "Number overflow. Attempting to store a number with magnitude larger than supported range"),
        ("SELECT * FROM t ORDER BY sk", "Must have WHERE clause in the statement when using ORDER BY clause."),
    ],
)
def test_refusals(text: str, message: str) -> None:
    with pytest.raises(ExpressionError) as info:
        native(text, single=True) if text.startswith("SELECT * FROM t WHERE pk") else native(text)
    assert info.value.message == message


def test_parameters_checked() -> None:
    with pytest.raises(ExpressionError) as info:
        bind_parameters(1, [])
    assert info.value.message == "Number of parameters in request and statement doesn't match."
    with pytest.raises(ExpressionError) as info:
        bind_parameters(1, [{"N": "abc"}])
    assert info.value.message == "Parameters contains invalid value: A value provided cannot be converted into a number"

"""PutItem, GetItem, UpdateItem, DeleteItem: conditions, return values, key and size checks."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import boto3
import pytest

from .helpers import error_of, make_table, n, s

VALIDATION = "ValidationException"
KEY = {"pk": s("a"), "sk": s("b")}


@pytest.fixture
def table(ddb: Any) -> str:
    make_table(ddb)
    return "t"


def get(ddb: Any, key: dict[str, Any] = KEY) -> dict[str, Any] | None:
    return ddb.get_item(TableName="t", Key=key, ConsistentRead=True).get("Item")


def test_put_get_all_types(ddb: Any, table: str) -> None:
    item = {
        **KEY,
        "str": s("x"), "num": n("1.50"), "bin": {"B": b"\x00\xff"}, "ss": {"SS": ["a", "b"]},
        "ns": {"NS": ["1", "2.5"]}, "bs": {"BS": [b"x"]}, "m": {"M": {"in": {"L": [s("q"), {"NULL": True}]}}},
        "bool": {"BOOL": False}, "empty": s(""),
    }
    ddb.put_item(TableName="t", Item=item)
    got = get(ddb)
    assert got["num"] == n("1.5")  # numbers come back canonical
    assert got["bin"] == {"B": b"\x00\xff"} and got["bs"] == {"BS": [b"x"]}
    assert got["m"] == item["m"] and got["bool"] == {"BOOL": False} and got["empty"] == s("")


def test_resource_api_with_decimals(aws: Any, fogbank: Any) -> None:
    resource = boto3.resource("dynamodb", endpoint_url=fogbank.endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
    make_table(aws("dynamodb"))
    table = resource.Table("t")
    table.put_item(Item={"pk": "a", "sk": "b", "price": Decimal("12345678901234567890.123456789"), "tags": {"x", "y"}})
    table.update_item(Key={"pk": "a", "sk": "b"}, UpdateExpression="ADD price :d", ExpressionAttributeValues={":d": Decimal("0.000000001")})
    item = table.get_item(Key={"pk": "a", "sk": "b"})["Item"]
    assert item["price"] == Decimal("12345678901234567890.12345679") and item["tags"] == {"x", "y"}


def test_missing_key_and_type_mismatch(ddb: Any, table: str) -> None:
    assert error_of(ddb.put_item, TableName="t", Item={"pk": s("a")}) == (
        VALIDATION, 400, "One or more parameter values were invalid: Missing the key sk in the item")
    assert error_of(ddb.put_item, TableName="t", Item={"pk": s("a"), "sk": n(1)})[2] == (
        "One or more parameter values were invalid: Type mismatch for key sk expected: S actual: N")
    assert error_of(ddb.get_item, TableName="t", Key={"pk": s("a")})[2] == "The provided key element does not match the schema"
    assert error_of(ddb.get_item, TableName="t", Key={**KEY, "x": s("1")})[2] == "The provided key element does not match the schema"
    assert error_of(ddb.get_item, TableName="t", Key={"pk": s("a"), "sk": n(1)})[2] == "The provided key element does not match the schema"
    _, _, message = error_of(ddb.put_item, TableName="t", Item={"pk": s(""), "sk": s("b")})
    assert "cannot contain an empty string value. Key: pk" in message
    assert error_of(ddb.get_item, TableName="nope", Key=KEY) == ("ResourceNotFoundException", 400, "Requested resource not found")
    assert ddb.scan(TableName="t")["Count"] == 0


def test_bad_values(ddb: Any, table: str) -> None:
    _, _, message = error_of(ddb.put_item, TableName="t", Item={**KEY, "x": {"SS": []}})
    assert "may not be empty" in message
    _, _, message = error_of(ddb.put_item, TableName="t", Item={**KEY, "x": n("abc")})
    assert message == "A value provided cannot be converted into a number"
    _, _, message = error_of(ddb.put_item, TableName="t", Item={**KEY, "x": {"SS": ["a", "a"]}})
    assert "contains duplicates" in message
    assert ddb.scan(TableName="t")["Count"] == 0


def test_item_size_limit(ddb: Any, table: str) -> None:
    # name "big" (3) + key attributes (pk a: 3, sk b: 3): 400 KB exactly fits
    ddb.put_item(TableName="t", Item={**KEY, "big": s("x" * (400 * 1024 - 9))})
    assert error_of(ddb.put_item, TableName="t", Item={**KEY, "big": s("x" * (400 * 1024 - 8))}) == (
        VALIDATION, 400, "Item size has exceeded the maximum allowed size")
    code, _, message = error_of(ddb.update_item, TableName="t", Key=KEY, UpdateExpression="SET more = :v", ExpressionAttributeValues={":v": s("yy")})
    assert message == "Item size to update has exceeded the maximum allowed size"
    assert len(get(ddb)["big"]["S"]) == 400 * 1024 - 9 and "more" not in get(ddb)


def test_conditional_put_and_return_values(ddb: Any, table: str) -> None:
    first = ddb.put_item(TableName="t", Item={**KEY, "v": n(1)}, ConditionExpression="attribute_not_exists(pk)", ReturnValues="ALL_OLD")
    assert "Attributes" not in first
    code, status, message = error_of(ddb.put_item, TableName="t", Item={**KEY, "v": n(2)}, ConditionExpression="attribute_not_exists(pk)")
    assert (code, status, message) == ("ConditionalCheckFailedException", 400, "The conditional request failed")
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException) as info:
        ddb.put_item(TableName="t", Item={**KEY, "v": n(2)}, ConditionExpression="v = :x", ExpressionAttributeValues={":x": n(5)}, ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert info.value.response["Item"] == {**KEY, "v": n(1)}
    assert get(ddb)["v"] == n(1)
    old = ddb.put_item(TableName="t", Item={**KEY, "v": n(3)}, ReturnValues="ALL_OLD")["Attributes"]
    assert old["v"] == n(1)
    assert error_of(ddb.put_item, TableName="t", Item=KEY, ReturnValues="ALL_NEW")[2] == "Return values set to invalid value"


def test_legacy_expected(ddb: Any, table: str) -> None:
    ddb.put_item(TableName="t", Item={**KEY, "v": n(1)})
    ddb.put_item(TableName="t", Item={**KEY, "v": n(2)}, Expected={"v": {"Value": n(1)}})
    assert error_of(ddb.put_item, TableName="t", Item={**KEY, "v": n(3)}, Expected={"v": {"Exists": False}})[0] == "ConditionalCheckFailedException"
    _, _, message = error_of(ddb.put_item, TableName="t", Item=KEY, Expected={"v": {"Exists": False}}, ConditionExpression="attribute_exists(v)")
    assert message.startswith("Can not use both expression and non-expression parameters")
    assert get(ddb)["v"] == n(2)


def test_update_expression_and_return_values(ddb: Any, table: str) -> None:
    created = ddb.update_item(TableName="t", Key=KEY, UpdateExpression="SET a = :a, c = :zero ADD cnt :one",
                              ExpressionAttributeValues={":a": s("x"), ":zero": n(0), ":one": n(1)}, ReturnValues="ALL_NEW")
    assert created["Attributes"] == {**KEY, "a": s("x"), "c": n(0), "cnt": n(1)}
    updated = ddb.update_item(TableName="t", Key=KEY, UpdateExpression="ADD cnt :one REMOVE a",
                              ExpressionAttributeValues={":one": n(1)}, ReturnValues="UPDATED_OLD")
    assert updated["Attributes"] == {"cnt": n(1), "a": s("x")}
    new = ddb.update_item(TableName="t", Key=KEY, UpdateExpression="SET c = c + :two", ExpressionAttributeValues={":two": n(2)}, ReturnValues="UPDATED_NEW")
    assert new["Attributes"] == {"c": n(2)}
    _, _, message = error_of(ddb.update_item, TableName="t", Key=KEY, UpdateExpression="SET pk = :v", ExpressionAttributeValues={":v": s("z")})
    assert message == "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"
    _, _, message = error_of(ddb.update_item, TableName="t", Key=KEY, UpdateExpression="SET a = :v", ExpressionAttributeValues={":v": s("z"), ":unused": s("q")})
    assert "unused in expressions" in message
    assert get(ddb) == {**KEY, "c": n(2), "cnt": n(2)}


def test_update_without_expression_creates_key_only_item(ddb: Any, table: str) -> None:
    ddb.update_item(TableName="t", Key=KEY)
    assert get(ddb) == KEY


def test_update_conditional_failure_changes_nothing(ddb: Any, table: str) -> None:
    ddb.put_item(TableName="t", Item={**KEY, "v": n(1)})
    code, _, _ = error_of(ddb.update_item, TableName="t", Key=KEY, UpdateExpression="SET v = :two", ConditionExpression="v = :two", ExpressionAttributeValues={":two": n(2)})
    assert code == "ConditionalCheckFailedException" and get(ddb)["v"] == n(1)


def test_legacy_attribute_updates(ddb: Any, table: str) -> None:
    ddb.update_item(TableName="t", Key=KEY, AttributeUpdates={"v": {"Value": n(5), "Action": "PUT"}, "s": {"Value": {"SS": ["a"]}, "Action": "ADD"}})
    ddb.update_item(TableName="t", Key=KEY, AttributeUpdates={"v": {"Value": n(1), "Action": "ADD"}})
    assert get(ddb) == {**KEY, "v": n(6), "s": {"SS": ["a"]}}


def test_delete_item(ddb: Any, table: str) -> None:
    ddb.put_item(TableName="t", Item={**KEY, "v": n(1)})
    assert error_of(ddb.delete_item, TableName="t", Key=KEY, ConditionExpression="v = :x", ExpressionAttributeValues={":x": n(9)})[0] == "ConditionalCheckFailedException"
    assert get(ddb) is not None
    old = ddb.delete_item(TableName="t", Key=KEY, ReturnValues="ALL_OLD")["Attributes"]
    assert old["v"] == n(1) and get(ddb) is None
    assert "Attributes" not in ddb.delete_item(TableName="t", Key=KEY, ReturnValues="ALL_OLD")


def test_get_projection(ddb: Any, table: str) -> None:
    ddb.put_item(TableName="t", Item={**KEY, "a": {"M": {"b": n(1), "c": n(2)}}, "l": {"L": [n(0), n(1), n(2)]}, "z": s("q")})
    got = ddb.get_item(TableName="t", Key=KEY, ProjectionExpression="a.b, l[2], #z", ExpressionAttributeNames={"#z": "z"})["Item"]
    assert got == {"a": {"M": {"b": n(1)}}, "l": {"L": [n(2)]}, "z": s("q")}
    assert ddb.get_item(TableName="t", Key=KEY, AttributesToGet=["z"])["Item"] == {"z": s("q")}


def test_index_key_type_checked_on_write(ddb: Any) -> None:
    make_table(ddb, more_attrs=[{"AttributeName": "g", "AttributeType": "S"}], GlobalSecondaryIndexes=[
        {"IndexName": "byg", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}])
    _, _, message = error_of(ddb.put_item, TableName="t", Item={**KEY, "g": n(1)})
    assert message == "One or more parameter values were invalid: Type mismatch for Index Key g Expected: S Actual: N IndexName: byg"
    assert ddb.scan(TableName="t")["Count"] == 0


def test_optimistic_locking_under_threads(aws: Any) -> None:
    client = aws("dynamodb")
    make_table(client)
    client.put_item(TableName="t", Item={**KEY, "version": n(0)})
    wins: list[int] = []
    failures: list[str] = []

    def worker() -> None:
        c = aws("dynamodb")
        for _ in range(10):
            current = c.get_item(TableName="t", Key=KEY, ConsistentRead=True)["Item"]["version"]["N"]
            try:
                c.update_item(TableName="t", Key=KEY, UpdateExpression="SET version = :new ADD hits :one",
                              ConditionExpression="version = :old",
                              ExpressionAttributeValues={":old": n(current), ":new": n(int(current) + 1), ":one": n(1)})
                wins.append(1)
            except c.exceptions.ConditionalCheckFailedException as err:
                failures.append(err.response["Error"]["Code"])

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = client.get_item(TableName="t", Key=KEY, ConsistentRead=True)["Item"]
    assert int(final["version"]["N"]) == len(wins) == int(final["hits"]["N"])
    assert len(wins) + len(failures) == 80 and set(failures) <= {"ConditionalCheckFailedException"}


def test_atomic_counter_never_loses_updates(aws: Any) -> None:
    client = aws("dynamodb")
    make_table(client)

    def worker() -> None:
        c = aws("dynamodb")
        for _ in range(25):
            c.update_item(TableName="t", Key=KEY, UpdateExpression="ADD n :one", ExpressionAttributeValues={":one": n(1)})

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert client.get_item(TableName="t", Key=KEY)["Item"]["n"] == n(200)

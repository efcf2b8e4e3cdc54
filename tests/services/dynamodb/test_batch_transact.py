"""BatchGetItem, BatchWriteItem, TransactWriteItems and TransactGetItems."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import error_of, make_table, n, s

VALIDATION = "ValidationException"


@pytest.fixture
def table(ddb: Any) -> str:
    make_table(ddb, range_type=None)
    return "t"


def key(i: int) -> dict[str, Any]:
    return {"pk": s(f"k{i}")}


def test_batch_write_then_get(ddb: Any, table: str) -> None:
    answer = ddb.batch_write_item(RequestItems={"t": [{"PutRequest": {"Item": {**key(i), "v": n(i)}}} for i in range(25)]}, ReturnConsumedCapacity="TOTAL")
    assert answer["UnprocessedItems"] == {} and answer["ConsumedCapacity"] == [{"TableName": "t", "CapacityUnits": 25.0, "WriteCapacityUnits": 25.0}]
    got = ddb.batch_get_item(RequestItems={"t": {"Keys": [key(i) for i in range(0, 25, 5)] + [key(99)], "ProjectionExpression": "v"}})
    assert sorted(int(i["v"]["N"]) for i in got["Responses"]["t"]) == [0, 5, 10, 15, 20]
    assert got["UnprocessedKeys"] == {}
    ddb.batch_write_item(RequestItems={"t": [{"DeleteRequest": {"Key": key(i)}} for i in range(10)]})
    assert ddb.scan(TableName="t")["Count"] == 15


def test_batch_limits_and_duplicates(ddb: Any, table: str) -> None:
    _, _, message = error_of(ddb.batch_write_item, RequestItems={"t": [{"PutRequest": {"Item": key(i)}} for i in range(26)]})
    assert "Member must have length less than or equal to 25" in message or message == "Too many items requested for the BatchWriteItem call"
    code, _, message = error_of(ddb.batch_write_item, RequestItems={"t": [{"PutRequest": {"Item": key(1)}}, {"DeleteRequest": {"Key": key(1)}}]})
    assert (code, message) == (VALIDATION, "Provided list of item keys contains duplicates")
    _, _, message = error_of(ddb.batch_get_item, RequestItems={"t": {"Keys": [key(i) for i in range(101)]}})
    assert "100" in message
    _, _, message = error_of(ddb.batch_get_item, RequestItems={"t": {"Keys": [key(1), key(1)]}})
    assert message == "Provided list of item keys contains duplicates"
    # one bad entry fails the whole batch and nothing is written
    _, _, message = error_of(ddb.batch_write_item, RequestItems={"t": [{"PutRequest": {"Item": key(1)}}, {"PutRequest": {"Item": {"nokey": s("x")}}}]})
    assert message == "One or more parameter values were invalid: Missing the key pk in the item"
    assert ddb.scan(TableName="t")["Count"] == 0
    assert error_of(ddb.batch_write_item, RequestItems={"nope": [{"PutRequest": {"Item": key(1)}}]})[0] == "ResourceNotFoundException"


def test_transact_write_all_or_nothing(ddb: Any, table: str) -> None:
    ddb.put_item(TableName="t", Item={**key(1), "v": n(1)})
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as info:
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": "t", "Item": {**key(2), "v": n(2)}}},
            {"Update": {"TableName": "t", "Key": key(1), "UpdateExpression": "SET v = :x", "ConditionExpression": "v = :old",
                        "ExpressionAttributeValues": {":x": n(10), ":old": n(99)}, "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
            {"Delete": {"TableName": "t", "Key": key(3)}},
        ])
    reasons = info.value.response["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["None", "ConditionalCheckFailed", "None"]
    assert reasons[1]["Item"] == {**key(1), "v": n(1)} and reasons[1]["Message"] == "The conditional request failed"
    assert info.value.response["Error"]["Message"] == "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, None]"
    assert ddb.scan(TableName="t")["Count"] == 1
    ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": "t", "Item": {**key(2), "v": n(2)}}},
        {"ConditionCheck": {"TableName": "t", "Key": key(1), "ConditionExpression": "v = :one", "ExpressionAttributeValues": {":one": n(1)}}},
    ])
    assert ddb.get_item(TableName="t", Key=key(2))["Item"]["v"] == n(2)


def test_transact_write_rejects_two_actions_on_one_item(ddb: Any, table: str) -> None:
    code, _, message = error_of(ddb.transact_write_items, TransactItems=[
        {"Put": {"TableName": "t", "Item": key(1)}}, {"Delete": {"TableName": "t", "Key": key(1)}}])
    assert (code, message) == (VALIDATION, "Transaction request cannot include multiple operations on one item")
    assert ddb.scan(TableName="t")["Count"] == 0


def test_client_request_token_is_idempotent(ddb: Any, fogbank: Any, table: str) -> None:
    action = [{"Update": {"TableName": "t", "Key": key(1), "UpdateExpression": "ADD c :one", "ExpressionAttributeValues": {":one": n(1)}}}]
    for _ in range(3):
        ddb.transact_write_items(TransactItems=action, ClientRequestToken="tok-1")
    assert ddb.get_item(TableName="t", Key=key(1))["Item"]["c"] == n(1)
    other = [{"Put": {"TableName": "t", "Item": key(5)}}]
    assert error_of(ddb.transact_write_items, TransactItems=other, ClientRequestToken="tok-1")[0] == "IdempotentParameterMismatchException"
    fogbank.advance(601)
    ddb.transact_write_items(TransactItems=action, ClientRequestToken="tok-1")
    assert ddb.get_item(TableName="t", Key=key(1))["Item"]["c"] == n(2)


def test_transact_get(ddb: Any, table: str) -> None:
    ddb.put_item(TableName="t", Item={**key(1), "v": n(1), "w": n(2)})
    got = ddb.transact_get_items(TransactItems=[
        {"Get": {"TableName": "t", "Key": key(1), "ProjectionExpression": "v"}},
        {"Get": {"TableName": "t", "Key": key(2)}},
    ], ReturnConsumedCapacity="TOTAL")
    assert got["Responses"] == [{"Item": {"v": n(1)}}, {}]
    assert got["ConsumedCapacity"][0]["CapacityUnits"] == 4.0


def test_batch_get_on_throttled_table(ddb: Any, fogbank: Any) -> None:
    make_table(ddb, name="slow", range_type=None, ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1000})
    ddb.put_item(TableName="slow", Item={**key(1), "d": s("x" * (390 * 1024))})
    for _ in range(4):  # 98 RCU each, strongly consistent: the 300 RCU burst is spent
        ddb.get_item(TableName="slow", Key=key(1), ConsistentRead=True)
    assert error_of(ddb.batch_get_item, RequestItems={"slow": {"Keys": [key(1)]}})[0] == "ProvisionedThroughputExceededException"
    make_table(ddb, name="fast", range_type=None)
    ddb.put_item(TableName="fast", Item=key(1))
    mixed = ddb.batch_get_item(RequestItems={"slow": {"Keys": [key(1)]}, "fast": {"Keys": [key(1)]}})
    assert mixed["Responses"]["fast"] == [key(1)] and mixed["UnprocessedKeys"] == {"slow": {"Keys": [key(1)]}}
    fogbank.advance(100)
    assert len(ddb.batch_get_item(RequestItems={"slow": {"Keys": [key(1)]}})["Responses"]["slow"]) == 1


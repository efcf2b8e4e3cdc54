"""Consumed capacity as AWS counts it, and throttling of PROVISIONED tables on fogbank's clock."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from .helpers import error_of, make_table, n, s

KEY = {"pk": s("a")}


def units(answer: dict[str, Any]) -> float:
    return answer["ConsumedCapacity"]["CapacityUnits"]


def test_read_units(ddb: Any) -> None:
    make_table(ddb, range_type=None)
    # pk (2) + a (1) + value: 8190 bytes -> 8193 bytes: three 4 KB units
    ddb.put_item(TableName="t", Item={**KEY, "a": s("x" * 8190)})
    strong = ddb.get_item(TableName="t", Key=KEY, ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
    assert units(strong) == 3.0
    assert units(ddb.get_item(TableName="t", Key=KEY, ReturnConsumedCapacity="TOTAL")) == 1.5
    assert units(ddb.get_item(TableName="t", Key={"pk": s("none")}, ReturnConsumedCapacity="TOTAL")) == 0.5
    assert "ConsumedCapacity" not in ddb.get_item(TableName="t", Key=KEY)


def test_write_units_and_indexes(ddb: Any) -> None:
    make_table(ddb, range_type=None, more_attrs=[{"AttributeName": "g", "AttributeType": "S"}], GlobalSecondaryIndexes=[
        {"IndexName": "byg", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}], "Projection": {"ProjectionType": "KEYS_ONLY"}}])
    put = ddb.put_item(TableName="t", Item={**KEY, "g": s("1"), "big": s("x" * 2000)}, ReturnConsumedCapacity="INDEXES")
    assert put["ConsumedCapacity"]["Table"]["CapacityUnits"] == 2.0
    assert put["ConsumedCapacity"]["GlobalSecondaryIndexes"] == {"byg": {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}}
    assert put["ConsumedCapacity"]["CapacityUnits"] == 3.0
    # changing the index key: the old entry goes and a new one comes (two index writes)
    moved = ddb.update_item(TableName="t", Key=KEY, UpdateExpression="SET g = :g", ExpressionAttributeValues={":g": s("2")}, ReturnConsumedCapacity="INDEXES")
    assert moved["ConsumedCapacity"]["GlobalSecondaryIndexes"]["byg"]["CapacityUnits"] == 2.0
    # an attribute the index does not project: no index write
    other = ddb.update_item(TableName="t", Key=KEY, UpdateExpression="SET z = :z", ExpressionAttributeValues={":z": s("q")}, ReturnConsumedCapacity="INDEXES")
    assert "GlobalSecondaryIndexes" not in other["ConsumedCapacity"]
    small = ddb.delete_item(TableName="t", Key={"pk": s("absent")}, ReturnConsumedCapacity="TOTAL")
    assert units(small) == 1.0


def test_query_units_sum_before_rounding(ddb: Any) -> None:
    make_table(ddb)
    for i in range(10):
        ddb.put_item(TableName="t", Item={"pk": s("a"), "sk": s(f"{i}"), "d": s("x" * 1000)})  # 1005 bytes each
    answer = ddb.query(TableName="t", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": s("a")}, ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
    assert units(answer) == 3.0  # 10,050 bytes -> 3 x 4 KB
    filtered = ddb.query(TableName="t", KeyConditionExpression="pk = :p", FilterExpression="d = :no", ExpressionAttributeValues={":p": s("a"), ":no": s("no")}, ReturnConsumedCapacity="TOTAL")
    assert filtered["Count"] == 0 and units(filtered) == 1.5


def test_transactional_writes_cost_double(ddb: Any) -> None:
    make_table(ddb, range_type=None)
    answer = ddb.transact_write_items(TransactItems=[{"Put": {"TableName": "t", "Item": {**KEY, "d": s("x" * 1500)}}}], ReturnConsumedCapacity="TOTAL")
    assert answer["ConsumedCapacity"][0]["CapacityUnits"] == 4.0


def test_provisioned_table_throttles_and_refills_on_the_clock(ddb: Any, fogbank: Any) -> None:
    make_table(ddb, range_type=None, ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    # burst capacity is 300 s of the provisioned rate: a 350 KB item takes the bucket to -50
    ddb.put_item(TableName="t", Item={**KEY, "d": s("x" * (350 * 1024 - 10))})
    code, status, message = error_of(ddb.put_item, TableName="t", Item={"pk": s("b")})
    assert (code, status) == ("ProvisionedThroughputExceededException", 400)
    assert "provisioned throughput for the table was exceeded" in message
    assert "Item" not in ddb.get_item(TableName="t", Key={"pk": s("b")})  # reads have their own bucket
    fogbank.advance(30)
    assert error_of(ddb.put_item, TableName="t", Item={"pk": s("b")})[0] == "ProvisionedThroughputExceededException"
    fogbank.advance(25)
    ddb.put_item(TableName="t", Item={"pk": s("b")})
    assert ddb.get_item(TableName="t", Key={"pk": s("b")})["Item"] == {"pk": s("b")}


def test_throttling_is_retryable_for_boto3(aws: Any, fogbank: Any) -> None:
    client = aws("dynamodb")
    make_table(client, range_type=None, ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    client.put_item(TableName="t", Item={**KEY, "d": s("x" * (350 * 1024 - 10))})
    retrying = boto3.client(
        "dynamodb", endpoint_url=fogbank.endpoint, region_name="us-east-1", aws_access_key_id="test",
        aws_secret_access_key="test", config=Config(retries={"max_attempts": 2, "mode": "standard"}),
    )
    with pytest.raises(ClientError) as info:
        retrying.put_item(TableName="t", Item={"pk": s("b")})
    assert info.value.response["ResponseMetadata"]["RetryAttempts"] >= 1


def test_batch_write_on_throttled_table_is_refused(ddb: Any, fogbank: Any) -> None:
    make_table(ddb, range_type=None, ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    ddb.put_item(TableName="t", Item={**KEY, "d": s("x" * (350 * 1024 - 10))})
    assert error_of(ddb.batch_write_item, RequestItems={"t": [{"PutRequest": {"Item": {"pk": s("b")}}}]})[0] == "ProvisionedThroughputExceededException"
    fogbank.advance(60)
    assert ddb.batch_write_item(RequestItems={"t": [{"PutRequest": {"Item": {"pk": s("b"), "n": n(1)}}}]})["UnprocessedItems"] == {}

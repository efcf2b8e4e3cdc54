"""AWS/DynamoDB metrics: consumed and provisioned capacity per table and GSI, request latency per
operation, and throttling."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

NS = "AWS/DynamoDB"


@pytest.fixture
def ddb(aws: Any) -> Any:
    return aws("dynamodb", retries={"total_max_attempts": 1})


def make(ddb: Any, name: str, **kwargs: Any) -> None:
    defs = [{"AttributeName": "pk", "AttributeType": "S"}]
    if "GlobalSecondaryIndexes" in kwargs:
        defs.append({"AttributeName": "g", "AttributeType": "S"})
    ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=defs, **kwargs)


GSI = [{"IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"}}]


def test_consumed_capacity_latency_per_table_and_index(ddb: Any, stat: Any, minute: Any) -> None:
    make(ddb, "m-t", BillingMode="PAY_PER_REQUEST", GlobalSecondaryIndexes=GSI)
    minute()
    ddb.put_item(TableName="m-t", Item={"pk": {"S": "a"}, "g": {"S": "x"}})
    ddb.put_item(TableName="m-t", Item={"pk": {"S": "b"}, "big": {"S": "z" * 3000}})  # 3 WCU, not in the GSI
    ddb.get_item(TableName="m-t", Key={"pk": {"S": "a"}}, ConsistentRead=True)
    ddb.get_item(TableName="m-t", Key={"pk": {"S": "a"}})
    ddb.query(TableName="m-t", IndexName="by-g", KeyConditionExpression="g = :g",
              ExpressionAttributeValues={":g": {"S": "x"}})
    table = {"TableName": "m-t"}
    assert stat(NS, "ConsumedWriteCapacityUnits", table) == (4.0, "Count")
    assert stat(NS, "ConsumedWriteCapacityUnits", {**table, "GlobalSecondaryIndexName": "by-g"}) == (1.0, "Count")
    assert stat(NS, "ConsumedReadCapacityUnits", table) == (1.5, "Count")
    assert stat(NS, "ConsumedReadCapacityUnits", {**table, "GlobalSecondaryIndexName": "by-g"}) == (0.5, "Count")
    count, unit = stat(NS, "SuccessfulRequestLatency", {**table, "Operation": "PutItem"}, "SampleCount")
    assert (count, unit) == (2.0, "Milliseconds")
    assert stat(NS, "SuccessfulRequestLatency", {**table, "Operation": "GetItem"}, "SampleCount") == (2.0, "Milliseconds")
    assert stat(NS, "SuccessfulRequestLatency", {**table, "Operation": "Query"}, "SampleCount") == (1.0, "Milliseconds")
    # on-demand tables have no provisioned capacity to report
    assert stat(NS, "ProvisionedReadCapacityUnits", table, "Maximum") == (None, None)


def test_provisioned_capacity_and_throttling(ddb: Any, stat: Any, minute: Any) -> None:
    make(ddb, "m-p", BillingMode="PROVISIONED", ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    minute()
    # the bucket starts with 300 s of burst: one large write takes it far below zero
    ddb.put_item(TableName="m-p", Item={"pk": {"S": "a"}, "v": {"S": "z" * 380_000}})
    with pytest.raises(ClientError) as err:
        ddb.put_item(TableName="m-p", Item={"pk": {"S": "b"}})
    assert err.value.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
    table = {"TableName": "m-p"}
    assert stat(NS, "ProvisionedWriteCapacityUnits", table, "Maximum") == (1.0, "Count")
    assert stat(NS, "ProvisionedReadCapacityUnits", table, "Maximum") == (1.0, "Count")
    assert stat(NS, "WriteThrottleEvents", table) == (1.0, "Count")
    assert stat(NS, "ThrottledRequests", {**table, "Operation": "PutItem"}) == (1.0, "Count")
    assert stat(NS, "ReadThrottleEvents", table) == (None, None)
    # the throttled request consumed nothing
    assert stat(NS, "ConsumedWriteCapacityUnits", table, "SampleCount") == (1.0, "Count")

"""DynamoDB Streams: records of item changes, shard iterators, retention, and TTL deletions."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def s(value: str) -> dict[str, str]:
    return {"S": value}


def error_code(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return info.value.response["Error"]["Code"]


def make(ddb: Any, view: str = "NEW_AND_OLD_IMAGES") -> str:
    answer = ddb.create_table(
        TableName="tbl", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": view},
    )
    return answer["TableDescription"]["LatestStreamArn"]


def iterator(streams: Any, arn: str, kind: str = "TRIM_HORIZON", **extra: Any) -> str:
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    return streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType=kind, **extra)["ShardIterator"]


@pytest.fixture
def clients(aws: Any) -> tuple[Any, Any]:
    return aws("dynamodb"), aws("dynamodbstreams")


def test_insert_modify_remove_records_in_order(clients: tuple[Any, Any]) -> None:
    ddb, streams = clients
    arn = make(ddb)
    ddb.put_item(TableName="tbl", Item={"pk": s("a"), "v": s("1")})
    ddb.put_item(TableName="tbl", Item={"pk": s("a"), "v": s("1")})  # no change: no record
    ddb.update_item(TableName="tbl", Key={"pk": s("a")}, UpdateExpression="SET v = :v", ExpressionAttributeValues={":v": s("2")})
    ddb.delete_item(TableName="tbl", Key={"pk": s("a")})
    got = streams.get_records(ShardIterator=iterator(streams, arn))
    records = got["Records"]
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    assert records[0]["dynamodb"]["NewImage"] == {"pk": s("a"), "v": s("1")} and "OldImage" not in records[0]["dynamodb"]
    assert records[1]["dynamodb"]["OldImage"]["v"] == s("1") and records[1]["dynamodb"]["NewImage"]["v"] == s("2")
    assert records[2]["dynamodb"]["Keys"] == {"pk": s("a")} and "NewImage" not in records[2]["dynamodb"]
    seqs = [r["dynamodb"]["SequenceNumber"] for r in records]
    assert seqs == sorted(seqs) and len(set(seqs)) == 3
    assert records[0]["eventSource"] == "aws:dynamodb" and records[0]["dynamodb"]["SizeBytes"] > 0
    later = streams.get_records(ShardIterator=got["NextShardIterator"])
    assert later["Records"] == [] and "NextShardIterator" in later


def test_keys_only_view_and_positions(clients: tuple[Any, Any]) -> None:
    ddb, streams = clients
    arn = make(ddb, "KEYS_ONLY")
    for i in range(3):
        ddb.put_item(TableName="tbl", Item={"pk": s(f"k{i}"), "v": s("x")})
    records = streams.get_records(ShardIterator=iterator(streams, arn))["Records"]
    assert all(set(r["dynamodb"]) >= {"Keys"} and "NewImage" not in r["dynamodb"] for r in records)
    second = records[1]["dynamodb"]["SequenceNumber"]
    at = streams.get_records(ShardIterator=iterator(streams, arn, "AT_SEQUENCE_NUMBER", SequenceNumber=second))["Records"]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in at] == ["k1", "k2"]
    after = streams.get_records(ShardIterator=iterator(streams, arn, "AFTER_SEQUENCE_NUMBER", SequenceNumber=second))["Records"]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in after] == ["k2"]
    latest = iterator(streams, arn, "LATEST")
    ddb.put_item(TableName="tbl", Item={"pk": s("k9")})
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in streams.get_records(ShardIterator=latest)["Records"]] == ["k9"]
    limited = streams.get_records(ShardIterator=iterator(streams, arn), Limit=2)
    assert len(limited["Records"]) == 2


def test_describe_and_list_streams(clients: tuple[Any, Any]) -> None:
    ddb, streams = clients
    arn = make(ddb)
    desc = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert desc["StreamStatus"] == "ENABLED" and desc["TableName"] == "tbl" and desc["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert len(desc["Shards"]) == 1
    listed = streams.list_streams(TableName="tbl")["Streams"]
    assert listed == [{"StreamArn": arn, "TableName": "tbl", "StreamLabel": desc["StreamLabel"]}]
    ddb.update_table(TableName="tbl", StreamSpecification={"StreamEnabled": False})
    closed = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert closed["StreamStatus"] == "DISABLED" and "EndingSequenceNumber" in closed["Shards"][0]["SequenceNumberRange"]
    assert "StreamSpecification" not in ddb.describe_table(TableName="tbl")["Table"]
    ddb.put_item(TableName="tbl", Item={"pk": s("after")})
    assert streams.get_records(ShardIterator=iterator(streams, arn))["Records"] == []
    assert error_code(streams.describe_stream, StreamArn=arn.replace("table/tbl/", "table/zz/")) == "ResourceNotFoundException"


def test_iterators_expire_and_records_are_trimmed(clients: tuple[Any, Any], fogbank: Any) -> None:
    ddb, streams = clients
    arn = make(ddb)
    ddb.put_item(TableName="tbl", Item={"pk": s("a")})
    it = iterator(streams, arn)
    fogbank.advance(15 * 60 + 1)
    assert error_code(streams.get_records, ShardIterator=it) == "ExpiredIteratorException"
    fogbank.advance(24 * 3600)
    ddb.put_item(TableName="tbl", Item={"pk": s("b")})
    records = streams.get_records(ShardIterator=iterator(streams, arn))["Records"]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in records] == ["b"]


def test_ttl_deletes_expired_items_as_the_service(clients: tuple[Any, Any], fogbank: Any) -> None:
    ddb, streams = clients
    arn = make(ddb)
    now = int(fogbank.admin("GET", "/_fogbank/clock")["now"])
    ddb.put_item(TableName="tbl", Item={"pk": s("soon"), "exp": {"N": str(now + 100)}})
    ddb.put_item(TableName="tbl", Item={"pk": s("later"), "exp": {"N": str(now + 10_000)}})
    ddb.put_item(TableName="tbl", Item={"pk": s("never")})
    ddb.update_time_to_live(TableName="tbl", TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
    assert ddb.scan(TableName="tbl")["Count"] == 3
    fogbank.advance(200)
    assert sorted(i["pk"]["S"] for i in ddb.scan(TableName="tbl")["Items"]) == ["later", "never"]
    records = streams.get_records(ShardIterator=iterator(streams, arn))["Records"]
    removal = records[-1]
    assert removal["eventName"] == "REMOVE" and removal["dynamodb"]["Keys"] == {"pk": s("soon")}
    assert removal["userIdentity"] == {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}
    assert all("userIdentity" not in r for r in records[:-1])

"""Kinesis streams through boto3: create, describe, list, shards, delete, retention and tags."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "111111111111"


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    err = exc.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"], err["Error"]["Message"]


def test_create_splits_hash_space_evenly_and_becomes_active(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="orders", ShardCount=3)
    summary = kinesis.list_streams()["StreamSummaries"]
    assert summary[0]["StreamStatus"] == "CREATING"
    desc = kinesis.describe_stream(StreamName="orders")["StreamDescription"]
    assert desc["StreamStatus"] == "ACTIVE"
    assert desc["StreamARN"] == f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/orders"
    assert desc["RetentionPeriodHours"] == 24
    assert desc["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
    shards = desc["Shards"]
    assert [s["ShardId"] for s in shards] == [f"shardId-00000000000{i}" for i in range(3)]
    width = 2**128 // 3
    assert [int(s["HashKeyRange"]["StartingHashKey"]) for s in shards] == [0, width, 2 * width]
    assert int(shards[-1]["HashKeyRange"]["EndingHashKey"]) == 2**128 - 1
    for low, high in zip(shards, shards[1:], strict=False):
        assert int(low["HashKeyRange"]["EndingHashKey"]) + 1 == int(high["HashKeyRange"]["StartingHashKey"])
    assert all(len(s["SequenceNumberRange"]["StartingSequenceNumber"]) == 56 for s in shards)
    kinesis.get_waiter("stream_exists").wait(StreamName="orders", WaiterConfig={"Delay": 0, "MaxAttempts": 1})


def test_on_demand_stream_has_four_shards(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="od", StreamModeDetails={"StreamMode": "ON_DEMAND"})
    summary = kinesis.describe_stream_summary(StreamName="od")["StreamDescriptionSummary"]
    assert summary["OpenShardCount"] == 4
    assert summary["StreamModeDetails"] == {"StreamMode": "ON_DEMAND"}
    assert summary["StreamStatus"] == "ACTIVE"


def test_create_existing_and_missing_stream_errors(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="dup", ShardCount=1)
    with pytest.raises(ClientError) as exc:
        kinesis.create_stream(StreamName="dup", ShardCount=1)
    assert _error(exc) == ("ResourceInUseException", 400, f"Stream dup under account {ACCOUNT} already exists.")
    with pytest.raises(ClientError) as exc:
        kinesis.describe_stream(StreamName="nope")
    assert _error(exc) == ("ResourceNotFoundException", 400, f"Stream nope under account {ACCOUNT} not found.")
    with pytest.raises(ClientError) as exc:
        kinesis.create_stream(StreamName="noshards")
    assert _error(exc)[0] == "InvalidArgumentException"
    assert kinesis.list_streams()["StreamNames"] == ["dup"]


def test_describe_by_arn_and_other_region_is_separate(kinesis: Any, aws: Any) -> None:
    kinesis.create_stream(StreamName="a", ShardCount=1)
    arn = f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/a"
    assert kinesis.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"]["StreamName"] == "a"
    other = aws("kinesis", region="eu-west-1", account=ACCOUNT)
    assert other.list_streams()["StreamNames"] == []


def test_list_streams_paginates(kinesis: Any) -> None:
    names = [f"s{i:02d}" for i in range(7)]
    for name in reversed(names):
        kinesis.create_stream(StreamName=name, ShardCount=1)
    first = kinesis.list_streams(Limit=3)
    assert first["StreamNames"] == names[:3] and first["HasMoreStreams"]
    second = kinesis.list_streams(NextToken=first["NextToken"], Limit=3)
    assert second["StreamNames"] == names[3:6]
    third = kinesis.list_streams(ExclusiveStartStreamName="s05")
    assert third["StreamNames"] == ["s06"] and not third["HasMoreStreams"] and "NextToken" not in third
    pages = kinesis.get_paginator("list_streams").paginate(PaginationConfig={"PageSize": 2})
    assert [n for page in pages for n in page["StreamNames"]] == names


def test_list_shards_paginates_and_filters(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="many", ShardCount=5)
    first = kinesis.list_shards(StreamName="many", MaxResults=2)
    assert [s["ShardId"] for s in first["Shards"]] == ["shardId-000000000000", "shardId-000000000001"]
    rest = kinesis.list_shards(NextToken=first["NextToken"])
    assert [s["ShardId"][-1] for s in rest["Shards"]] == ["2", "3", "4"]
    assert "NextToken" not in rest
    after = kinesis.list_shards(StreamName="many", ShardFilter={"Type": "AFTER_SHARD_ID",
                                                               "ShardId": "shardId-000000000003"})
    assert [s["ShardId"] for s in after["Shards"]] == ["shardId-000000000004"]
    with pytest.raises(ClientError) as exc:
        kinesis.list_shards(StreamName="many", NextToken=first["NextToken"])
    assert _error(exc)[:2] == ("InvalidArgumentException", 400)
    with pytest.raises(ClientError) as exc:
        kinesis.list_shards(StreamName="ghost")
    assert _error(exc)[0] == "ResourceNotFoundException"


def test_delete_stream_removes_it_and_its_records(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="gone", ShardCount=1)
    kinesis.put_record(StreamName="gone", Data=b"x", PartitionKey="k")
    kinesis.delete_stream(StreamName="gone")
    assert kinesis.list_streams()["StreamNames"] == []
    with pytest.raises(ClientError) as exc:
        kinesis.delete_stream(StreamName="gone")
    assert _error(exc)[0] == "ResourceNotFoundException"
    kinesis.create_stream(StreamName="gone", ShardCount=1)
    it = kinesis.get_shard_iterator(StreamName="gone", ShardId="shardId-000000000000",
                                    ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    assert kinesis.get_records(ShardIterator=it)["Records"] == []


def test_retention_period_changes_and_limits(kinesis: Any, stream: str) -> None:
    kinesis.increase_stream_retention_period(StreamName=stream, RetentionPeriodHours=48)
    assert kinesis.describe_stream(StreamName=stream)["StreamDescription"]["RetentionPeriodHours"] == 48
    with pytest.raises(ClientError) as exc:
        kinesis.increase_stream_retention_period(StreamName=stream, RetentionPeriodHours=30)
    code, status, message = _error(exc)
    assert (code, status) == ("InvalidArgumentException", 400) and "DecreaseRetentionPeriod" in message
    with pytest.raises(ClientError) as exc:
        kinesis.decrease_stream_retention_period(StreamName=stream, RetentionPeriodHours=12)
    assert _error(exc)[0] == "InvalidArgumentException"
    with pytest.raises(ClientError) as exc:
        kinesis.increase_stream_retention_period(StreamName=stream, RetentionPeriodHours=9000)
    assert _error(exc)[0] == "InvalidArgumentException"
    kinesis.decrease_stream_retention_period(StreamName=stream, RetentionPeriodHours=24)
    assert kinesis.describe_stream(StreamName=stream)["StreamDescription"]["RetentionPeriodHours"] == 24


def test_tags_add_list_remove(kinesis: Any, stream: str) -> None:
    kinesis.add_tags_to_stream(StreamName=stream, Tags={"b": "2", "a": "1", "c": "3"})
    listed = kinesis.list_tags_for_stream(StreamName=stream, Limit=2)
    assert listed["Tags"] == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}] and listed["HasMoreTags"]
    rest = kinesis.list_tags_for_stream(StreamName=stream, ExclusiveStartTagKey="b")
    assert rest["Tags"] == [{"Key": "c", "Value": "3"}] and not rest["HasMoreTags"]
    kinesis.remove_tags_from_stream(StreamName=stream, TagKeys=["a", "zz"])
    assert [t["Key"] for t in kinesis.list_tags_for_stream(StreamName=stream)["Tags"]] == ["b", "c"]
    with pytest.raises(ClientError) as exc:
        kinesis.add_tags_to_stream(StreamName=stream, Tags={f"k{i}": "v" for i in range(10)} | {"b": "x"})
        kinesis.add_tags_to_stream(StreamName=stream, Tags={f"m{i}": "v" for i in range(10)})
        kinesis.add_tags_to_stream(StreamName=stream, Tags={f"n{i}": "v" for i in range(10)})
        kinesis.add_tags_to_stream(StreamName=stream, Tags={f"o{i}": "v" for i in range(10)})
        kinesis.add_tags_to_stream(StreamName=stream, Tags={f"p{i}": "v" for i in range(10)})
    assert _error(exc)[0] == "LimitExceededException"
    with pytest.raises(ClientError) as exc:
        kinesis.list_tags_for_stream(StreamName="ghost")
    assert _error(exc)[0] == "ResourceNotFoundException"

"""Kinesis resharding through boto3: split, merge, uniform rescaling and reading past a closed shard."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

SHARD0 = "shardId-000000000000"
SHARD1 = "shardId-000000000001"


def _code(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    err = exc.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"]


def _shards(kinesis: Any, stream: str) -> dict[str, Any]:
    return {s["ShardId"]: s for s in kinesis.list_shards(StreamName=stream)["Shards"]}


def test_split_closes_parent_and_routes_to_children(kinesis: Any, stream: str) -> None:
    seq = kinesis.put_record(StreamName=stream, Data=b"before", PartitionKey="p", ExplicitHashKey="5")
    it = kinesis.get_shard_iterator(StreamName=stream, ShardId=SHARD0,
                                    ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    kinesis.split_shard(StreamName=stream, ShardToSplit=SHARD0, NewStartingHashKey=str(2**126))
    shards = _shards(kinesis, stream)
    assert shards[SHARD0]["SequenceNumberRange"]["EndingSequenceNumber"] == seq["SequenceNumber"]
    low, high = shards["shardId-000000000002"], shards["shardId-000000000003"]
    assert low["ParentShardId"] == SHARD0 and high["ParentShardId"] == SHARD0
    assert (low["HashKeyRange"]["EndingHashKey"], high["HashKeyRange"]["StartingHashKey"]) == (
        str(2**126 - 1), str(2**126))
    assert kinesis.put_record(StreamName=stream, Data=b"a", PartitionKey="p", ExplicitHashKey="5")["ShardId"] == \
        "shardId-000000000002"
    got = kinesis.get_records(ShardIterator=it)
    assert [r["Data"] for r in got["Records"]] == [b"before"]
    assert "NextShardIterator" not in got
    assert {c["ShardId"] for c in got["ChildShards"]} == {"shardId-000000000002", "shardId-000000000003"}
    summary = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]
    assert summary["OpenShardCount"] == 3
    with pytest.raises(ClientError) as exc:
        kinesis.split_shard(StreamName=stream, ShardToSplit=SHARD0, NewStartingHashKey="7")
    assert _code(exc) == ("InvalidArgumentException", 400)
    with pytest.raises(ClientError) as exc:
        kinesis.split_shard(StreamName=stream, ShardToSplit=SHARD1, NewStartingHashKey="7")
    assert _code(exc) == ("InvalidArgumentException", 400)


def test_merge_adjacent_shards(kinesis: Any, stream: str) -> None:
    kinesis.merge_shards(StreamName=stream, ShardToMerge=SHARD0, AdjacentShardToMerge=SHARD1)
    child = _shards(kinesis, stream)["shardId-000000000002"]
    assert (child["ParentShardId"], child["AdjacentParentShardId"]) == (SHARD0, SHARD1)
    assert child["HashKeyRange"] == {"StartingHashKey": "0", "EndingHashKey": str(2**128 - 1)}
    out = kinesis.put_record(StreamName=stream, Data=b"x", PartitionKey="anything")
    assert out["ShardId"] == "shardId-000000000002"
    empty = kinesis.get_shard_iterator(StreamName=stream, ShardId=SHARD1,
                                       ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    got = kinesis.get_records(ShardIterator=empty)
    assert got["Records"] == [] and [c["ShardId"] for c in got["ChildShards"]] == ["shardId-000000000002"]


def test_merge_refuses_non_adjacent(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="three", ShardCount=3)
    with pytest.raises(ClientError) as exc:
        kinesis.merge_shards(StreamName="three", ShardToMerge=SHARD0, AdjacentShardToMerge="shardId-000000000002")
    assert _code(exc) == ("InvalidArgumentException", 400)
    assert len(_shards(kinesis, "three")) == 3


def test_update_shard_count_uniform(kinesis: Any, stream: str) -> None:
    out = kinesis.update_shard_count(StreamName=stream, TargetShardCount=4, ScalingType="UNIFORM_SCALING")
    assert (out["CurrentShardCount"], out["TargetShardCount"]) == (2, 4)
    summary = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]
    assert summary["OpenShardCount"] == 4
    open_shards = [s for s in _shards(kinesis, stream).values()
                   if "EndingSequenceNumber" not in s["SequenceNumberRange"]]
    assert [int(s["HashKeyRange"]["StartingHashKey"]) for s in open_shards] == [i * (2**128 // 4) for i in range(4)]
    with pytest.raises(ClientError) as exc:
        kinesis.update_shard_count(StreamName=stream, TargetShardCount=9, ScalingType="UNIFORM_SCALING")
    assert _code(exc) == ("LimitExceededException", 400)

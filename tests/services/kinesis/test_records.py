"""Kinesis records through boto3: routing, sequence numbers, iterator types, reads and retention."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

SHARD0 = "shardId-000000000000"
SHARD1 = "shardId-000000000001"


def _code(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    err = exc.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"]


def _iterator(kinesis: Any, stream: str, shard: str, kind: str, **extra: Any) -> str:
    return kinesis.get_shard_iterator(StreamName=stream, ShardId=shard, ShardIteratorType=kind,
                                      **extra)["ShardIterator"]


def _read_all(kinesis: Any, stream: str, shard: str) -> list[bytes]:
    got = kinesis.get_records(ShardIterator=_iterator(kinesis, stream, shard, "TRIM_HORIZON"))
    return [r["Data"] for r in got["Records"]]


def _expected_shard(key: str) -> str:
    return SHARD0 if int(hashlib.md5(key.encode()).hexdigest(), 16) < 2**127 else SHARD1


def test_partition_key_routes_by_md5(kinesis: Any, stream: str) -> None:
    keys = [f"key-{i}" for i in range(40)]
    for key in keys:
        out = kinesis.put_record(StreamName=stream, Data=key.encode(), PartitionKey=key)
        assert out["ShardId"] == _expected_shard(key)
        assert len(out["SequenceNumber"]) == 56 and out["SequenceNumber"].isdigit()
    assert {SHARD0, SHARD1} == {_expected_shard(k) for k in keys}
    for shard in (SHARD0, SHARD1):
        assert _read_all(kinesis, stream, shard) == [k.encode() for k in keys if _expected_shard(k) == shard]


def test_explicit_hash_key_overrides_partition_key(kinesis: Any, stream: str) -> None:
    out = kinesis.put_record(StreamName=stream, Data=b"x", PartitionKey="a", ExplicitHashKey=str(2**128 - 1))
    assert out["ShardId"] == SHARD1
    out = kinesis.put_record(StreamName=stream, Data=b"y", PartitionKey="a", ExplicitHashKey="0")
    assert out["ShardId"] == SHARD0
    with pytest.raises(ClientError) as exc:
        kinesis.put_record(StreamName=stream, Data=b"z", PartitionKey="a", ExplicitHashKey=str(2**128))
    assert _code(exc) == ("InvalidArgumentException", 400)


def test_sequence_numbers_increase_per_shard(kinesis: Any, stream: str) -> None:
    seqs = [kinesis.put_record(StreamName=stream, Data=b"d", PartitionKey="same")["SequenceNumber"]
            for _ in range(5)]
    assert [int(s) for s in seqs] == sorted(int(s) for s in seqs) and len(set(seqs)) == 5


def test_put_records_batch_and_limits(kinesis: Any, stream: str) -> None:
    entries = [{"Data": f"r{i}".encode(), "PartitionKey": f"p{i}"} for i in range(500)]
    out = kinesis.put_records(StreamName=stream, Records=entries)
    assert out["FailedRecordCount"] == 0 and len(out["Records"]) == 500
    assert [r["ShardId"] for r in out["Records"]] == [_expected_shard(f"p{i}") for i in range(500)]
    total = len(_read_all(kinesis, stream, SHARD0)) + len(_read_all(kinesis, stream, SHARD1))
    assert total == 500
    with pytest.raises(ClientError) as exc:
        kinesis.put_records(StreamName=stream, Records=entries + entries[:1])
    assert _code(exc)[1] == 400
    with pytest.raises(ClientError) as exc:
        kinesis.put_records(StreamName="ghost", Records=entries[:1])
    assert _code(exc) == ("ResourceNotFoundException", 400)


def test_record_over_one_mib_is_refused(kinesis: Any, stream: str) -> None:
    with pytest.raises(ClientError) as exc:
        kinesis.put_record(StreamName=stream, Data=b"x" * (1024 * 1024), PartitionKey="k")
    assert _code(exc)[1] == 400
    kinesis.put_record(StreamName=stream, Data=b"x" * (1024 * 1024 - 1), PartitionKey="k")
    with pytest.raises(ClientError) as exc:
        kinesis.put_record(StreamName="ghost", Data=b"x", PartitionKey="k")
    assert _code(exc) == ("ResourceNotFoundException", 400)


def test_iterator_types(kinesis: Any, stream: str) -> None:
    seqs = [kinesis.put_record(StreamName=stream, Data=f"{i}".encode(), PartitionKey="p",
                               ExplicitHashKey="1")["SequenceNumber"] for i in range(4)]
    latest = _iterator(kinesis, stream, SHARD0, "LATEST")
    at = _iterator(kinesis, stream, SHARD0, "AT_SEQUENCE_NUMBER", StartingSequenceNumber=seqs[1])
    after = _iterator(kinesis, stream, SHARD0, "AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=seqs[1])
    assert [r["Data"] for r in kinesis.get_records(ShardIterator=at)["Records"]] == [b"1", b"2", b"3"]
    assert [r["Data"] for r in kinesis.get_records(ShardIterator=after)["Records"]] == [b"2", b"3"]
    got = kinesis.get_records(ShardIterator=latest)
    assert got["Records"] == [] and got["MillisBehindLatest"] == 0
    kinesis.put_record(StreamName=stream, Data=b"4", PartitionKey="p", ExplicitHashKey="1")
    got = kinesis.get_records(ShardIterator=got["NextShardIterator"])
    assert [r["Data"] for r in got["Records"]] == [b"4"]
    assert got["Records"][0]["PartitionKey"] == "p"
    assert isinstance(got["Records"][0]["ApproximateArrivalTimestamp"], datetime)
    with pytest.raises(ClientError) as exc:
        _iterator(kinesis, stream, SHARD1, "AT_SEQUENCE_NUMBER", StartingSequenceNumber=seqs[0])
    assert _code(exc) == ("InvalidArgumentException", 400)
    with pytest.raises(ClientError) as exc:
        _iterator(kinesis, stream, SHARD0, "AT_SEQUENCE_NUMBER")
    assert _code(exc) == ("InvalidArgumentException", 400)
    with pytest.raises(ClientError) as exc:
        _iterator(kinesis, stream, "shardId-000000000009", "TRIM_HORIZON")
    assert _code(exc) == ("ResourceNotFoundException", 400)


def test_at_timestamp_on_the_clock(kinesis: Any, stream: str, fogbank: Any) -> None:
    kinesis.put_record(StreamName=stream, Data=b"old", PartitionKey="p", ExplicitHashKey="1")
    fogbank.advance(60)
    cut = datetime.now(UTC) + timedelta(seconds=30)
    kinesis.put_record(StreamName=stream, Data=b"new", PartitionKey="p", ExplicitHashKey="1")
    it = _iterator(kinesis, stream, SHARD0, "AT_TIMESTAMP", Timestamp=cut)
    assert [r["Data"] for r in kinesis.get_records(ShardIterator=it)["Records"]] == [b"new"]
    with pytest.raises(ClientError) as exc:
        _iterator(kinesis, stream, SHARD0, "AT_TIMESTAMP", Timestamp=datetime.now(UTC) + timedelta(hours=2))
    assert _code(exc) == ("InvalidArgumentException", 400)


def test_limit_next_iterator_and_millis_behind(kinesis: Any, stream: str, fogbank: Any) -> None:
    for i in range(5):
        kinesis.put_record(StreamName=stream, Data=f"{i}".encode(), PartitionKey="p", ExplicitHashKey="1")
    fogbank.advance(10)
    got = kinesis.get_records(ShardIterator=_iterator(kinesis, stream, SHARD0, "TRIM_HORIZON"), Limit=2)
    assert [r["Data"] for r in got["Records"]] == [b"0", b"1"]
    assert got["MillisBehindLatest"] >= 10_000
    got = kinesis.get_records(ShardIterator=got["NextShardIterator"], Limit=10)
    assert [r["Data"] for r in got["Records"]] == [b"2", b"3", b"4"]
    assert got["MillisBehindLatest"] == 0
    assert kinesis.get_records(ShardIterator=got["NextShardIterator"])["Records"] == []
    with pytest.raises(ClientError) as exc:
        kinesis.get_records(ShardIterator=got["NextShardIterator"], Limit=10_001)
    assert _code(exc)[1] == 400


def test_iterators_expire_after_five_minutes(kinesis: Any, stream: str, fogbank: Any) -> None:
    it = _iterator(kinesis, stream, SHARD0, "TRIM_HORIZON")
    fogbank.advance(299)
    nxt = kinesis.get_records(ShardIterator=it)["NextShardIterator"]
    fogbank.advance(2)
    with pytest.raises(ClientError) as exc:
        kinesis.get_records(ShardIterator=it)
    assert _code(exc) == ("ExpiredIteratorException", 400)
    assert kinesis.get_records(ShardIterator=nxt)["Records"] == []
    with pytest.raises(ClientError) as exc:
        kinesis.get_records(ShardIterator="not-an-iterator")
    assert _code(exc) == ("InvalidArgumentException", 400)


def test_records_past_retention_are_not_returned(kinesis: Any, stream: str, fogbank: Any) -> None:
    kinesis.put_record(StreamName=stream, Data=b"early", PartitionKey="p", ExplicitHashKey="1")
    fogbank.advance(23 * 3600)
    kinesis.put_record(StreamName=stream, Data=b"late", PartitionKey="p", ExplicitHashKey="1")
    assert _read_all(kinesis, stream, SHARD0) == [b"early", b"late"]
    fogbank.advance(2 * 3600)
    assert _read_all(kinesis, stream, SHARD0) == [b"late"]
    kinesis.increase_stream_retention_period(StreamName=stream, RetentionPeriodHours=48)
    assert _read_all(kinesis, stream, SHARD0) == [b"late"]


def test_iterator_of_deleted_stream_is_not_found(kinesis: Any, stream: str) -> None:
    it = _iterator(kinesis, stream, SHARD0, "TRIM_HORIZON")
    kinesis.delete_stream(StreamName=stream)
    with pytest.raises(ClientError) as exc:
        kinesis.get_records(ShardIterator=it)
    assert _code(exc) == ("ResourceNotFoundException", 400)

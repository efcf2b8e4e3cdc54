"""DynamoDB Streams: ListStreams, DescribeStream, GetShardIterator and GetRecords over the
record feed that DynamoDB writes with each item change (``services.dynamodb.streams``).

Shard iterators are self-contained tokens (stream, shard, position, issue time) that expire
15 minutes after they were issued, on fogbank's clock.

LIMITATIONS: one shard per stream; the streams of a deleted table go with it (AWS keeps them
readable for 24 hours); ShardFilter is ignored.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Ctx
from fogbank.services.dynamodb import store as ddb_keys
from fogbank.services.dynamodb.schema import Table
from fogbank.services.dynamodb.streams import (
    RETENTION_SECONDS,
    Feed,
    label_time,
    sequence_text,
    shard_id,
    wire_record,
)
from fogbank.services.dynamodb.tables import Registry, stream_arn
from fogbank.services.dynamodbstreams.errors import (
    ExpiredIteratorException,
    ResourceNotFoundException,
    TrimmedDataAccessException,
    validation,
)

ITERATOR_SECONDS = 15 * 60
MAX_RECORDS = 1000


class Provider:
    """The DynamoDB Streams operations."""

    def __init__(self) -> None:
        self.feed = Feed()

    def _stream(self, ctx: Ctx, arn: str) -> tuple[Table, dict[str, Any]]:
        try:
            head, label = arn.split("/stream/", 1)
            name = head.split(":table/", 1)[1]
        except (ValueError, IndexError):
            raise validation(f"Invalid StreamArn: {arn}") from None
        table = Registry.read(ctx, name)
        if table is not None:
            for stream in table.record.get("streams") or []:
                if stream["label"] == label:
                    return table, stream
        raise ResourceNotFoundException(f"Requested resource not found: Stream: {arn} not found")

    def _open(self, table: Table, stream: dict[str, Any]) -> bool:
        current = table.record.get("stream")
        return bool(current and current.get("enabled") and current["label"] == stream["label"])

    def list_streams(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListStreams (of one table with TableName), oldest label first per table."""
        prefix = ddb_keys.tables_prefix(ctx.account, ctx.region)
        wanted = request.get("TableName")
        found = []
        for _, raw in ctx.store.scan(prefix=prefix):
            record = ddb_keys.load(raw)
            if wanted and record["name"] != wanted:
                continue
            for stream in record.get("streams") or []:
                arn = stream_arn(ctx, record["name"], stream["label"])
                found.append({"StreamArn": arn, "TableName": record["name"], "StreamLabel": stream["label"]})
        start = request.get("ExclusiveStartStreamArn")
        if start:
            arns = [s["StreamArn"] for s in found]
            found = found[arns.index(start) + 1:] if start in arns else found
        limit = request.get("Limit") or 100
        out: dict[str, Any] = {"Streams": found[:limit]}
        if len(found) > limit:
            out["LastEvaluatedStreamArn"] = found[limit - 1]["StreamArn"]
        return out

    def describe_stream(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DescribeStream with its (single) shard."""
        arn = request["StreamArn"]
        table, stream = self._stream(ctx, arn)
        label = stream["label"]
        self.feed.trim(ctx, table.name, label)
        first, last = self.feed.bounds(ctx, table.name, label)
        open_ = self._open(table, stream)
        seq_range: dict[str, Any] = {"StartingSequenceNumber": sequence_text(first or int(label_time(label) * 1_000_000))}
        if not open_:
            seq_range["EndingSequenceNumber"] = sequence_text(last or int(label_time(label) * 1_000_000))
        shard = {"ShardId": shard_id(label, table.record["id"]), "SequenceNumberRange": seq_range}
        return {
            "StreamDescription": {
                "StreamArn": arn,
                "StreamLabel": label,
                "StreamStatus": "ENABLED" if open_ else "DISABLED",
                "StreamViewType": stream["view"],
                "CreationRequestDateTime": datetime.fromtimestamp(label_time(label), UTC),
                "TableName": table.name,
                "KeySchema": table.key_schema,
                "Shards": [shard],
            }
        }

    def get_shard_iterator(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetShardIterator: TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER."""
        arn = request["StreamArn"]
        table, stream = self._stream(ctx, arn)
        if request["ShardId"] != shard_id(stream["label"], table.record["id"]):
            raise ResourceNotFoundException("Requested resource not found: Shard does not exist")
        kind = request["ShardIteratorType"]
        number = request.get("SequenceNumber")
        self.feed.trim(ctx, table.name, stream["label"])
        first, last = self.feed.bounds(ctx, table.name, stream["label"])
        if kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
            if not number or not number.isdigit():
                raise validation("Invalid SequenceNumber for ShardIteratorType: " + kind)
            seq = int(number)
            horizon = int((ctx.clock.now() - RETENTION_SECONDS) * 1_000_000)
            if first is not None and seq < first and seq < horizon:
                raise TrimmedDataAccessException("The requested sequence number is beyond the trim horizon")
            after = seq - 1 if kind == "AT_SEQUENCE_NUMBER" else seq
        elif kind == "TRIM_HORIZON":
            after = 0
        else:
            after = last if last is not None else int(ctx.clock.now() * 1_000_000)
        return {"ShardIterator": _token(arn, request["ShardId"], after, ctx.clock.now())}

    def get_records(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetRecords: up to Limit (1000) records after the iterator's position."""
        position = _untoken(request["ShardIterator"])
        if ctx.clock.now() - position["t"] > ITERATOR_SECONDS:
            raise ExpiredIteratorException("Iterator expired. The iterator was created more than 15 minutes ago.")
        limit = request.get("Limit") or MAX_RECORDS
        if limit > MAX_RECORDS:
            raise validation(f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to {MAX_RECORDS}")
        table, stream = self._stream(ctx, position["a"])
        rows = self.feed.records(ctx, table.name, stream["label"], position["q"], limit)
        out: dict[str, Any] = {"Records": [wire_record(ctx, seq, record) for seq, record in rows]}
        after = rows[-1][0] if rows else position["q"]
        if rows or self._open(table, stream):
            out["NextShardIterator"] = _token(position["a"], position["s"], after, ctx.clock.now())
        return out


def _token(arn: str, shard: str, after: int, now: float) -> str:
    raw = json.dumps({"a": arn, "s": shard, "q": after, "t": now}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _untoken(token: str) -> dict[str, Any]:
    try:
        return json.loads(base64.urlsafe_b64decode(token.encode()))
    except ValueError:
        raise validation("Invalid ShardIterator") from None

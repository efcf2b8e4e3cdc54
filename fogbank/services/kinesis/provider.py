"""Kinesis Data Streams: streams with evenly split shards, records routed by partition key hash,
shard iterators of every type, reads on fogbank's clock with retention, and tags.

A stream is CREATING when made and ACTIVE from the first DescribeStream/DescribeStreamSummary on
(records may be put before that). Records are kept by (stream, shard, sequence number), so a
GetRecords call is one range scan from its iterator's position.

LIMITATIONS: no throughput limits (ProvisionedThroughputExceededException is never raised); resharding
happens at once (no UPDATING state; UpdateShardCount's children name one parent each); no SubscribeToShard (consumers are
registered but cannot read), real encryption (StartStreamEncryption records the key only; shard-level
metrics are switched on but not emitted), resource policies or the newer queue/channel
operations; records past retention are hidden from reads and removed on the next write to their shard;
DeleteStream removes the stream at once (no DELETING state); ShardFilter types other than
AFTER_SHARD_ID return every shard, closed ones included.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from fogbank.context import Ctx
from fogbank.services.kinesis import consumers, records, reshard, store, streams
from fogbank.services.kinesis.errors import (
    ExpiredNextTokenException,
    InvalidArgumentException,
    LimitExceededException,
    ResourceInUseException,
    ResourceNotFoundException,
)

MAX_TAGS = 50
MAX_PUT_RECORDS_BYTES = 5 * 1024 * 1024
SHARD_LEVEL_METRICS = ("IncomingBytes", "IncomingRecords", "OutgoingBytes", "OutgoingRecords",
                       "WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded",
                       "IteratorAgeMilliseconds")


def _token(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode("utf-8")).decode("ascii")


def _untoken(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode("ascii")).decode("utf-8")
    except (ValueError, UnicodeError, binascii.Error):
        raise ExpiredNextTokenException(f"Invalid NextToken: {token}") from None


class Provider:
    """Kinesis Data Streams operations."""

    # --- streams -------------------------------------------------------------------------------

    def create_stream(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Create a stream of ShardCount shards (ON_DEMAND: four)."""
        name = request["StreamName"]
        mode = (request.get("StreamModeDetails") or {}).get("StreamMode", "PROVISIONED")
        count = request.get("ShardCount")
        if mode == "ON_DEMAND":
            if count is not None:
                raise InvalidArgumentException("ShardCount is not supported for ON_DEMAND streams.")
            count = streams.ON_DEMAND_SHARDS
        elif count is None:
            raise InvalidArgumentException("ShardCount is required for PROVISIONED streams.")
        tags = dict(request.get("Tags") or {})
        if len(tags) > MAX_TAGS:
            raise InvalidArgumentException(f"Failed to create stream {name}: too many tags (maximum {MAX_TAGS}).")
        key = store.stream_key(ctx.account, ctx.region, name)
        with ctx.store.transaction() as txn:
            if txn.get(key) is not None:
                raise ResourceInUseException(f"Stream {name} under account {ctx.account} already exists.")
            txn.put(key, store.dump(streams.new_stream(ctx, name, count, mode, tags)))
        return {}

    def delete_stream(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Delete a stream and all its records."""
        name = streams.name_of(ctx, request)
        with ctx.store.transaction() as txn:
            stream = streams.load(ctx, name, txn)
            if stream.get("consumers") and not request.get("EnforceConsumerDeletion"):
                raise ResourceInUseException(
                    f"Stream {name} under account {ctx.account} has registered consumers. Deregister them or "
                    "set EnforceConsumerDeletion to delete the stream.")
            txn.delete(store.stream_key(ctx.account, ctx.region, name))
            for prefix in store.per_stream_prefixes(ctx.account, ctx.region, name):
                txn.delete_prefix(prefix)
        return {}

    def _described(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        name = streams.name_of(ctx, request)
        with ctx.store.transaction() as txn:
            key = store.stream_key(ctx.account, ctx.region, name)
            raw = txn.get(key)
            if raw is None:
                raise streams.not_found(ctx, name)
            stream = store.load(raw)
            if stream["status"] == "CREATING":
                stream["status"] = "ACTIVE"
                txn.put(key, store.dump(stream))
        return stream

    def describe_stream(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A stream with (a page of) its shards."""
        stream = self._described(ctx, request)
        limit = request.get("Limit") or 100
        start = request.get("ExclusiveStartShardId")
        shards = [s for s in stream["shards"] if start is None or s["id"] > start]
        return {"StreamDescription": {
            "StreamName": stream["name"], "StreamARN": stream["arn"], "StreamStatus": stream["status"],
            "StreamModeDetails": {"StreamMode": stream["mode"]},
            "Shards": [streams.shard_shape(s) for s in shards[:limit]], "HasMoreShards": len(shards) > limit,
            "RetentionPeriodHours": stream["retention"], "StreamCreationTimestamp": streams.created_at(stream),
            "EnhancedMonitoring": [{"ShardLevelMetrics": list(stream["metrics"])}],
            **streams.encryption_fields(stream),
        }}

    def describe_stream_summary(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A stream without its shards, with counts."""
        stream = self._described(ctx, request)
        return {"StreamDescriptionSummary": {
            "StreamName": stream["name"], "StreamARN": stream["arn"], "StreamStatus": stream["status"],
            "StreamModeDetails": {"StreamMode": stream["mode"]}, "RetentionPeriodHours": stream["retention"],
            "StreamCreationTimestamp": streams.created_at(stream),
            "EnhancedMonitoring": [{"ShardLevelMetrics": list(stream["metrics"])}],
            "OpenShardCount": len(reshard.open_shards(stream)), "ConsumerCount": len(stream.get("consumers", {})), **streams.encryption_fields(stream),
        }}

    def list_streams(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Stream names and summaries in name order, a page at a time."""
        limit = request.get("Limit") or 100
        after = request.get("ExclusiveStartStreamName")
        if request.get("NextToken"):
            after = _untoken(request["NextToken"])
        prefix = store.streams_prefix(ctx.account, ctx.region)
        start = prefix + (after,) if after else None
        found = []
        for key, raw in ctx.store.scan(prefix=prefix, start=start, limit=limit + 2):
            if key[-1] == after:
                continue
            found.append(store.load(raw))
        page = found[:limit]
        out: dict[str, Any] = {"StreamNames": [s["name"] for s in page], "HasMoreStreams": len(found) > limit,
                               "StreamSummaries": [streams.summary_shape(s) for s in page]}
        if len(found) > limit:
            out["NextToken"] = _token(page[-1]["name"])
        return out

    def list_shards(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A stream's shards, a page at a time, optionally filtered."""
        token = request.get("NextToken")
        if token:
            if request.get("StreamName") or request.get("StreamARN"):
                raise InvalidArgumentException(
                    "NextToken and StreamName cannot be provided together.")
            name, _, after = _untoken(token).partition("\n")
            if not after:
                raise ExpiredNextTokenException(f"Invalid NextToken: {token}")
            stream = streams.load(ctx, name)
        else:
            stream = streams.load(ctx, streams.name_of(ctx, request))
            after = request.get("ExclusiveStartShardId") or ""
            shard_filter = request.get("ShardFilter") or {}
            if shard_filter.get("Type") == "AFTER_SHARD_ID":
                if not shard_filter.get("ShardId"):
                    raise InvalidArgumentException("ShardId must be provided for ShardFilter type AFTER_SHARD_ID.")
                after = max(after, shard_filter["ShardId"])
        limit = request.get("MaxResults") or 1000
        shards = [s for s in stream["shards"] if s["id"] > after]
        out: dict[str, Any] = {"Shards": [streams.shard_shape(s) for s in shards[:limit]]}
        if len(shards) > limit:
            out["NextToken"] = _token(f"{stream['name']}\n{shards[limit - 1]['id']}")
        return out

    def describe_limits(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """The account's shard and on-demand stream limits and use."""
        open_shards = 0
        on_demand = 0
        for _, raw in ctx.store.scan(prefix=store.streams_prefix(ctx.account, ctx.region)):
            stream = store.load(raw)
            open_shards += len(reshard.open_shards(stream))
            on_demand += stream["mode"] == "ON_DEMAND"
        return {"ShardLimit": 500, "OpenShardCount": open_shards, "OnDemandStreamCount": on_demand,
                "OnDemandStreamCountLimit": 50}

    # --- retention -----------------------------------------------------------------------------

    def increase_stream_retention_period(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Lengthen how long records stay readable."""
        return self._retention(ctx, request, increase=True)

    def decrease_stream_retention_period(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Shorten how long records stay readable."""
        return self._retention(ctx, request, increase=False)

    def _retention(self, ctx: Ctx, request: dict[str, Any], *, increase: bool) -> dict[str, Any]:
        name = streams.name_of(ctx, request)
        hours = request["RetentionPeriodHours"]
        with ctx.store.transaction() as txn:
            stream = streams.load(ctx, name, txn)
            current = stream["retention"]
            if hours < streams.DEFAULT_RETENTION_HOURS:
                raise InvalidArgumentException(
                    f"Minimum allowed retention period is {streams.DEFAULT_RETENTION_HOURS} hours. "
                    f"Requested retention period ({hours} hours) is too short.")
            if hours > streams.MAX_RETENTION_HOURS:
                raise InvalidArgumentException(
                    f"Maximum allowed retention period is {streams.MAX_RETENTION_HOURS} hours. "
                    f"Requested retention period ({hours} hours) is too long.")
            if increase and hours < current:
                raise InvalidArgumentException(
                    f"Requested retention period ({hours} hours) for stream {name} can not be shorter than "
                    f"existing retention period ({current} hours). Use DecreaseRetentionPeriod API.")
            if not increase and hours > current:
                raise InvalidArgumentException(
                    f"Requested retention period ({hours} hours) for stream {name} can not be longer than "
                    f"existing retention period ({current} hours). Use IncreaseRetentionPeriod API.")
            for shard in stream["shards"]:
                # what has already expired stays gone when the period grows
                records.trim(ctx, stream, shard["id"], txn)
            stream["retention"] = hours
            streams.save(ctx, stream, txn)
        return {}

    # --- records -------------------------------------------------------------------------------

    def put_record(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Store one record in the shard its partition key (or explicit hash key) maps to."""
        stream = streams.load(ctx, streams.name_of(ctx, request))
        records.check_size(request)
        result = records.append(ctx, stream, [request])[0]
        return {**result, "EncryptionType": stream["encryption"]}

    def put_records(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Store up to 500 records; each gets its own result, in request order."""
        stream = streams.load(ctx, streams.name_of(ctx, request))
        entries = request["Records"]
        total = 0
        for entry in entries:
            records.check_size(entry)
            total += len(entry["Data"]) + len(entry["PartitionKey"].encode("utf-8"))
        if total > MAX_PUT_RECORDS_BYTES:
            raise InvalidArgumentException(
                f"Records size {total} bytes exceeds the maximum request size of {MAX_PUT_RECORDS_BYTES} bytes.")
        results = records.append(ctx, stream, entries)
        return {"FailedRecordCount": 0, "Records": results, "EncryptionType": stream["encryption"]}

    def get_shard_iterator(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """An iterator over one shard from the position its type names."""
        stream = streams.load(ctx, streams.name_of(ctx, request))
        shard = streams.shard(ctx, stream, request["ShardId"])
        position = records.start_position(ctx, stream, shard, request)
        return {"ShardIterator": records.make_iterator(ctx, stream, shard["id"], position)}

    def get_records(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Records from an iterator's position, and the iterator to continue with."""
        # the protocol layer refuses a Limit above 10,000 before this runs
        limit = request.get("Limit") or records.MAX_GET_LIMIT
        body = records.read_iterator(ctx, request["ShardIterator"])
        data = ctx.store.get(store.stream_key(ctx.account, ctx.region, body["n"]))
        stream = store.load(data) if data is not None else None
        if stream is None or stream["base"] != body["c"]:
            raise streams.not_found(ctx, body["n"])
        if not any(s["id"] == body["s"] for s in stream["shards"]):
            raise ResourceNotFoundException(
                f"Shard {body['s']} in stream {body['n']} under account {ctx.account} does not exist")
        got = records.read(ctx, stream, body["s"], body["p"], limit)
        out: dict[str, Any] = {"Records": got["Records"], "MillisBehindLatest": got["MillisBehindLatest"]}
        closed = streams.shard(ctx, stream, body["s"]).get("closed")
        if closed is not None and not got["More"]:
            # the end of a closed shard: readers move on to its children
            out["ChildShards"] = reshard.children(stream, body["s"])
        else:
            out["NextShardIterator"] = records.make_iterator(ctx, stream, body["s"], got["NextPosition"])
        return out

    # --- tags ----------------------------------------------------------------------------------

    def add_tags_to_stream(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Add or overwrite tags (at most 50 on a stream)."""
        self._tag(ctx, streams.name_of(ctx, request), dict(request["Tags"]))
        return {}

    def remove_tags_from_stream(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Remove tags by key (absent keys are ignored)."""
        self._untag(ctx, streams.name_of(ctx, request), request["TagKeys"])
        return {}

    def list_tags_for_stream(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A stream's tags in key order, a page at a time."""
        stream = streams.load(ctx, streams.name_of(ctx, request))
        start = request.get("ExclusiveStartTagKey")
        limit = request.get("Limit") or 50
        keys = sorted(k for k in stream["tags"] if start is None or k > start)
        return {"Tags": [{"Key": k, "Value": stream["tags"][k]} for k in keys[:limit]],
                "HasMoreTags": len(keys) > limit}

    def tag_resource(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Tag a stream by its ARN."""
        self._tag(ctx, streams.name_of(ctx, {"StreamARN": request["ResourceARN"]}), dict(request["Tags"]))
        return {}

    def untag_resource(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Untag a stream by its ARN."""
        self._untag(ctx, streams.name_of(ctx, {"StreamARN": request["ResourceARN"]}), request["TagKeys"])
        return {}

    def list_tags_for_resource(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A stream's tags by its ARN."""
        stream = streams.load(ctx, streams.name_of(ctx, {"StreamARN": request["ResourceARN"]}))
        return {"Tags": [{"Key": k, "Value": v} for k, v in sorted(stream["tags"].items())]}

    def _tag(self, ctx: Ctx, name: str, tags: dict[str, str]) -> None:
        with ctx.store.transaction() as txn:
            stream = streams.load(ctx, name, txn)
            merged = {**stream["tags"], **tags}
            if len(merged) > MAX_TAGS:
                raise LimitExceededException(
                    f"Failed to add tags to stream {name} under account {ctx.account} because a given stream "
                    f"cannot have more than {MAX_TAGS} tags.")
            stream["tags"] = merged
            streams.save(ctx, stream, txn)

    def _untag(self, ctx: Ctx, name: str, keys: list[str]) -> None:
        with ctx.store.transaction() as txn:
            stream = streams.load(ctx, name, txn)
            for key in keys:
                stream["tags"].pop(key, None)
            streams.save(ctx, stream, txn)

    # --- resharding ----------------------------------------------------------------------------

    def split_shard(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Close a shard and open two children that split its hash key range."""
        return self._reshard(ctx, request, lambda s, txn: reshard.split(
            ctx, s, request["ShardToSplit"], request["NewStartingHashKey"], txn))

    def merge_shards(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Close two adjacent shards and open one child over both ranges."""
        return self._reshard(ctx, request, lambda s, txn: reshard.merge(
            ctx, s, request["ShardToMerge"], request["AdjacentShardToMerge"], txn))

    def update_shard_count(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Rescale to TargetShardCount even shards (between half and double the open count)."""
        counts: list[int] = []
        self._reshard(ctx, request, lambda s, txn: counts.append(
            reshard.rescale(ctx, s, request["TargetShardCount"], txn)))
        stream = streams.load(ctx, streams.name_of(ctx, request))
        return {"StreamName": stream["name"], "StreamARN": stream["arn"], "CurrentShardCount": counts[0],
                "TargetShardCount": request["TargetShardCount"]}

    def _reshard(self, ctx: Ctx, request: dict[str, Any], change: Any) -> dict[str, Any]:
        with ctx.store.transaction() as txn:
            stream = streams.load(ctx, streams.name_of(ctx, request), txn)
            change(stream, txn)
            streams.save(ctx, stream, txn)
        return {}

    # --- consumers -----------------------------------------------------------------------------

    def register_stream_consumer(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Register an enhanced fan-out consumer on a stream (at most 20)."""
        name = streams.name_of(ctx, {"StreamARN": request["StreamARN"]})
        consumer_name = request["ConsumerName"]
        with ctx.store.transaction() as txn:
            stream = streams.load(ctx, name, txn)
            registered = stream.setdefault("consumers", {})
            if consumer_name in registered:
                raise ResourceInUseException(
                    f"Consumer {consumer_name} under stream {name} already exists for account {ctx.account}.")
            if len(registered) >= consumers.MAX_CONSUMERS:
                raise LimitExceededException(
                    f"Stream {name} under account {ctx.account} already has {consumers.MAX_CONSUMERS} "
                    "registered consumers.")
            created = ctx.clock.now()
            consumer = {"name": consumer_name, "arn": consumers.consumer_arn(stream, consumer_name, created),
                        "status": "CREATING", "created": created}
            registered[consumer_name] = consumer
            streams.save(ctx, stream, txn)
        return {"Consumer": consumers.shape(consumer)}

    def _activate_consumers(self, ctx: Ctx, name: str) -> dict[str, Any]:
        with ctx.store.transaction() as txn:
            stream = streams.load(ctx, name, txn)
            pending = [c for c in stream.get("consumers", {}).values() if c["status"] == "CREATING"]
            for consumer in pending:
                consumer["status"] = "ACTIVE"
            if pending:
                streams.save(ctx, stream, txn)
        return stream

    def describe_stream_consumer(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A consumer by its ARN, or by its stream's ARN and its name."""
        name, consumer_name = consumers.target(ctx, request)
        stream = self._activate_consumers(ctx, name)
        consumer = consumers.find(ctx, stream, consumer_name, request.get("ConsumerARN"))
        return {"ConsumerDescription": {**consumers.shape(consumer), "StreamARN": stream["arn"]}}

    def list_stream_consumers(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A stream's consumers in name order, a page at a time."""
        name = streams.name_of(ctx, {"StreamARN": request["StreamARN"]})
        stream = self._activate_consumers(ctx, name)
        after = _untoken(request["NextToken"]) if request.get("NextToken") else ""
        limit = request.get("MaxResults") or 100
        names = sorted(n for n in stream.get("consumers", {}) if n > after)
        out: dict[str, Any] = {"Consumers": [consumers.shape(stream["consumers"][n]) for n in names[:limit]]}
        if len(names) > limit:
            out["NextToken"] = _token(names[limit - 1])
        return out

    def deregister_stream_consumer(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Remove a consumer from its stream."""
        name, consumer_name = consumers.target(ctx, request)
        with ctx.store.transaction() as txn:
            stream = streams.load(ctx, name, txn)
            consumers.find(ctx, stream, consumer_name, request.get("ConsumerARN"))
            del stream["consumers"][consumer_name]
            streams.save(ctx, stream, txn)
        return {}

    # --- settings ------------------------------------------------------------------------------

    def start_stream_encryption(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Record that the stream's records are encrypted with a KMS key."""
        if request["EncryptionType"] != "KMS":
            raise InvalidArgumentException("EncryptionType must be KMS to start stream encryption.")
        return self._update(ctx, request, encryption="KMS", key=request["KeyId"])

    def stop_stream_encryption(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Record that the stream's records are no longer encrypted."""
        return self._update(ctx, request, encryption="NONE", key=None)

    def update_stream_mode(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Switch a stream between PROVISIONED and ON_DEMAND capacity."""
        return self._update(ctx, {"StreamARN": request["StreamARN"]},
                            mode=request["StreamModeDetails"]["StreamMode"])

    def _update(self, ctx: Ctx, request: dict[str, Any], **changes: Any) -> dict[str, Any]:
        with ctx.store.transaction() as txn:
            stream = streams.load(ctx, streams.name_of(ctx, request), txn)
            stream.update(changes)
            streams.save(ctx, stream, txn)
        return {}

    def enable_enhanced_monitoring(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Turn on shard-level metrics ("ALL" names every one)."""
        return self._monitoring(ctx, request, enable=True)

    def disable_enhanced_monitoring(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Turn off shard-level metrics ("ALL" names every one)."""
        return self._monitoring(ctx, request, enable=False)

    def _monitoring(self, ctx: Ctx, request: dict[str, Any], *, enable: bool) -> dict[str, Any]:
        asked = set(request["ShardLevelMetrics"])
        if "ALL" in asked:
            asked = set(SHARD_LEVEL_METRICS)
        with ctx.store.transaction() as txn:
            stream = streams.load(ctx, streams.name_of(ctx, request), txn)
            current = list(stream["metrics"])
            desired = set(current) | asked if enable else set(current) - asked
            stream["metrics"] = [m for m in SHARD_LEVEL_METRICS if m in desired]
            streams.save(ctx, stream, txn)
        return {"StreamName": stream["name"], "StreamARN": stream["arn"], "CurrentShardLevelMetrics": current,
                "DesiredShardLevelMetrics": stream["metrics"]}

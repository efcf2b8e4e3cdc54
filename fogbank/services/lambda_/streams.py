"""DynamoDB Streams event source mappings: reading a table's stream in order and feeding the
function batches of AWS's DynamoDB event records.

The poller reads through the DynamoDB Streams API (``ctx.call("dynamodbstreams", ...)``), never
DynamoDB's storage. Its position is a checkpoint in Lambda's store (the sequence number of the
last record handled), so a restart resumes where it stopped. ``LATEST`` is fixed when the mapping
is created: the checkpoint is the stream's newest record at that moment.

A batch goes out when it holds ``BatchSize`` records or when its oldest record is
``MaximumBatchingWindowInSeconds`` old on fogbank's clock. Records of a shard are delivered in
order, one batch at a time. A failed batch is retried with backoff on the clock; with
``BisectBatchOnFunctionError`` it is split in two first (a split is not an attempt, the halves
keep the attempts made so far). Past ``MaximumRetryAttempts`` or ``MaximumRecordAgeInSeconds``
the batch is skipped and described to the ``OnFailure`` destination (SQS or SNS) in AWS's
format. With ``ReportBatchItemFailures`` the records before the first failed item count as done.
"""

from __future__ import annotations

import base64
import contextlib
import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Ctx
from fogbank.errors import ServiceError
from fogbank.services.lambda_ import destinations, store
from fogbank.services.lambda_.errors import InvalidParameterValueException, TooManyRequestsException
from fogbank.services.lambda_.resolve import target

Runner = Callable[[Ctx, Any, bytes, str | None], Awaitable[Any]]
# AWS reads a shard about four times a second
POLL_SECONDS = 0.25
RETRY_PAUSE = 5.0
MAX_BACKOFF = 60.0
READ_LIMIT = 1000
RUNNING = ("Enabled", "Enabling", "Creating", "Updating")


def _call(ctx: Ctx, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    return ctx.call("dynamodbstreams", operation, params)


def _owner(ctx: Ctx, arn: str) -> Ctx:
    parts = arn.split(":")
    return ctx.derive(region=parts[3], account=parts[4])


def starting_checkpoint(ctx: Ctx, arn: str, position: str) -> dict[str, Any]:
    """Where a new mapping starts reading: ``{"shard", "after"}`` (``after`` None: the oldest record)."""
    if position not in ("TRIM_HORIZON", "LATEST"):
        raise InvalidParameterValueException(f"Unsupported starting position for DynamoDB stream: {position}")
    source = _owner(ctx, arn)
    try:
        shards = _call(source, "DescribeStream", {"StreamArn": arn})["StreamDescription"]["Shards"]
    except ServiceError:
        raise InvalidParameterValueException(f"Stream not found: {arn}") from None
    shard = shards[-1]["ShardId"]
    after: str | None = None
    if position == "LATEST":
        iterator = _call(source, "GetShardIterator", {"StreamArn": arn, "ShardId": shard, "ShardIteratorType": "TRIM_HORIZON"})["ShardIterator"]
        while iterator:
            page = _call(source, "GetRecords", {"ShardIterator": iterator, "Limit": READ_LIMIT})
            if not page["Records"]:
                break
            after = page["Records"][-1]["dynamodb"]["SequenceNumber"]
            iterator = page.get("NextShardIterator")
    return {"shard": shard, "after": after}


def _plain(value: Any) -> Any:
    """An attribute value (or part of one) as JSON: binaries in base64, as Lambda sends them."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | set | tuple):
        return [_plain(v) for v in value]
    return value


def event_record(record: dict[str, Any], arn: str) -> dict[str, Any]:
    """One Streams API record as the record of a Lambda DynamoDB event."""
    body = _plain({k: v for k, v in record["dynamodb"].items() if k != "ApproximateCreationDateTime"})
    moment = record["dynamodb"].get("ApproximateCreationDateTime")
    if isinstance(moment, datetime):
        body = {"ApproximateCreationDateTime": moment.timestamp(), **body}
    out = {k: _plain(v) for k, v in record.items() if k != "dynamodb"}
    out["dynamodb"] = body
    out["eventSourceARN"] = arn
    return out


def _stamp(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def failure_record(ctx: Ctx, mapping: dict[str, Any], shard: str, batch: list[dict[str, Any]], condition: str,
                   attempts: int, version: str, function_error: bool) -> dict[str, Any]:
    """What an on-failure destination receives about a skipped batch (AWS's format)."""
    moment = ctx.clock.utcnow()
    response: dict[str, Any] = {"statusCode": 200, "executedVersion": version}
    if function_error:
        response["functionError"] = "Unhandled"
    first, last = batch[0]["dynamodb"], batch[-1]["dynamodb"]
    return {
        "requestContext": {"requestId": str(uuid.uuid4()), "functionArn": mapping["FunctionArn"],
                           "condition": condition, "approximateInvokeCount": attempts},
        "responseContext": response,
        "version": "1.0",
        "timestamp": moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z",
        "DDBStreamBatchInfo": {
            "shardId": shard,
            "startSequenceNumber": first["SequenceNumber"],
            "endSequenceNumber": last["SequenceNumber"],
            "approximateArrivalOfFirstRecord": _stamp(first["ApproximateCreationDateTime"]),
            "approximateArrivalOfLastRecord": _stamp(last["ApproximateCreationDateTime"]),
            "batchSize": len(batch),
            "streamArn": mapping["EventSourceArn"],
        },
    }


def _first_failure(payload: bytes, batch: list[dict[str, Any]]) -> int | None:
    """The index of the first record a partial batch response names (None: all succeeded);
    an unreadable response fails the whole batch (index 0)."""
    try:
        doc = json.loads(payload) if payload else None
    except ValueError:
        return 0
    if not isinstance(doc, dict) or not doc.get("batchItemFailures"):
        return None
    numbers = [r["dynamodb"]["SequenceNumber"] for r in batch]
    found: list[int] = []
    for item in doc["batchItemFailures"]:
        number = item.get("itemIdentifier") if isinstance(item, dict) else None
        if number not in numbers:
            return 0
        found.append(numbers.index(number))
    return min(found)


class StreamPoller:
    """Reads one mapping's stream and delivers its batches."""

    def __init__(self, ctx: Ctx, uuid_: str, run: Runner) -> None:
        self.ctx = ctx
        self.uuid = uuid_
        self.run = run

    def _mapping(self) -> dict[str, Any] | None:
        mapping = store.get(self.ctx, "esm", self.uuid)
        return mapping if mapping is not None and mapping.get("State") in RUNNING else None

    def _checkpoint(self, mapping: dict[str, Any]) -> dict[str, Any]:
        found = store.get(self.ctx, "esm-position", self.uuid)
        if found is None:
            found = starting_checkpoint(self.ctx, mapping["EventSourceArn"], "TRIM_HORIZON")
            store.put(self.ctx, found, "esm-position", self.uuid)
        return found

    def _advance(self, checkpoint: dict[str, Any], record: dict[str, Any]) -> None:
        checkpoint["after"] = record["dynamodb"]["SequenceNumber"]
        store.put(self.ctx, checkpoint, "esm-position", self.uuid)

    def _read(self, arn: str, checkpoint: dict[str, Any], wanted: int) -> list[dict[str, Any]]:
        source = _owner(self.ctx, arn)
        ask: dict[str, Any] = {"StreamArn": arn, "ShardId": checkpoint["shard"], "ShardIteratorType": "TRIM_HORIZON"}
        if checkpoint.get("after"):
            ask.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=checkpoint["after"])
        try:
            iterator = _call(source, "GetShardIterator", ask)["ShardIterator"]
        except ServiceError as exc:
            if exc.code != "TrimmedDataAccessException":
                raise
            # what the checkpoint names is gone: carry on from the oldest record still held
            ask = {"StreamArn": arn, "ShardId": checkpoint["shard"], "ShardIteratorType": "TRIM_HORIZON"}
            iterator = _call(source, "GetShardIterator", ask)["ShardIterator"]
        records: list[dict[str, Any]] = []
        while iterator and len(records) < wanted:
            page = _call(source, "GetRecords", {"ShardIterator": iterator, "Limit": min(READ_LIMIT, wanted - len(records))})
            if not page["Records"]:
                break
            records += page["Records"]
            iterator = page.get("NextShardIterator")
        return records

    async def poll(self) -> None:
        """Read and deliver until the mapping is disabled or deleted."""
        clock = self.ctx.clock
        while True:
            mapping = self._mapping()
            if mapping is None:
                return
            size = int(mapping.get("BatchSize") or 100)
            window = float(mapping.get("MaximumBatchingWindowInSeconds") or 0)
            try:
                checkpoint = self._checkpoint(mapping)
                batch = self._read(mapping["EventSourceArn"], checkpoint, size)
            except ServiceError:
                await clock.sleep(RETRY_PAUSE)
                continue
            if not batch:
                await clock.sleep(POLL_SECONDS)
                continue
            due = batch[0]["dynamodb"]["ApproximateCreationDateTime"].timestamp() + window
            if len(batch) < size and clock.now() < due:
                await clock.sleep_until(min(due, clock.now() + POLL_SECONDS))
                continue
            await self._process(mapping, checkpoint, batch)

    async def _process(self, mapping: dict[str, Any], checkpoint: dict[str, Any], batch: list[dict[str, Any]]) -> None:
        """Deliver ``batch`` until every record is done (delivered or skipped), or the mapping stops."""
        await self._attempt(mapping, checkpoint, batch, 0)

    async def _attempt(self, mapping: dict[str, Any], checkpoint: dict[str, Any], part: list[dict[str, Any]],
                       attempts: int) -> bool:
        """Run ``part`` until done (True) or until the mapping stops (False)."""
        ctx, clock = self.ctx, self.ctx.clock
        retries = int(mapping.get("MaximumRetryAttempts", -1))
        max_age = int(mapping.get("MaximumRecordAgeInSeconds", -1))
        arn = mapping["EventSourceArn"]
        while True:
            if self._mapping() is None:
                return False
            oldest = part[0]["dynamodb"]["ApproximateCreationDateTime"].timestamp()
            if max_age >= 0 and clock.now() - oldest > max_age:
                await self._skip(mapping, checkpoint, part, "RecordAgeExceeded", attempts, "$LATEST", False)
                return True
            payload = json.dumps({"Records": [event_record(r, arn) for r in part]}).encode()
            try:
                tgt = target(ctx, mapping["FunctionArn"], None)
                result = await self.run(ctx, tgt, payload, None)
            except TooManyRequestsException:
                await clock.sleep(1.0)
                continue
            except ServiceError:
                await clock.sleep(RETRY_PAUSE)
                continue
            attempts += 1
            failed_at: int | None = 0
            if result.ok:
                failed_at = None
                if "ReportBatchItemFailures" in (mapping.get("FunctionResponseTypes") or []):
                    failed_at = _first_failure(result.payload, part)
            if failed_at is None:
                self._advance(checkpoint, part[-1])
                return True
            if failed_at > 0:
                self._advance(checkpoint, part[failed_at - 1])
                part = part[failed_at:]
            if mapping.get("BisectBatchOnFunctionError") and len(part) > 1:
                middle = len(part) // 2
                return await self._split(mapping, checkpoint, part, middle, attempts)
            if retries >= 0 and attempts > retries:
                await self._skip(mapping, checkpoint, part, "RetryAttemptsExhausted", attempts, result.version, not result.ok)
                return True
            await clock.sleep(min(MAX_BACKOFF, 2.0 ** (attempts - 1)))

    async def _split(self, mapping: dict[str, Any], checkpoint: dict[str, Any], part: list[dict[str, Any]],
                     middle: int, attempts: int) -> bool:
        for half in (part[:middle], part[middle:]):
            if not await self._attempt(mapping, checkpoint, half, attempts):
                return False
        return True

    async def _skip(self, mapping: dict[str, Any], checkpoint: dict[str, Any], part: list[dict[str, Any]],
                    condition: str, attempts: int, version: str, function_error: bool) -> None:
        destination = ((mapping.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
        if destination:
            doc = failure_record(self.ctx, mapping, checkpoint["shard"], _for_record(part), condition, attempts, version, function_error)

            async def nowhere(_ctx: Ctx, _arn: str, _payload: bytes) -> None:
                return None

            with contextlib.suppress(ServiceError):
                await destinations.send(self.ctx, destination, doc, nowhere)
        self._advance(checkpoint, part[-1])


def _for_record(part: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records with their creation time as epoch seconds (what the failure record formats)."""
    out = []
    for record in part:
        body = dict(record["dynamodb"])
        moment = body.get("ApproximateCreationDateTime")
        body["ApproximateCreationDateTime"] = moment.timestamp() if isinstance(moment, datetime) else float(moment or 0)
        out.append({**record, "dynamodb": body})
    return out

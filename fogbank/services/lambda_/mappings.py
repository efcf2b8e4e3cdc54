"""Event source mappings: their records, and the SQS poller that feeds a function batches.

The poller long-polls the queue through ``ctx.call("sqs", "ReceiveMessage")`` (woken by senders,
no busy loop), fills a batch up to ``BatchSize`` or until ``MaximumBatchingWindowInSeconds`` of
fogbank's clock has passed, invokes the function with AWS's SQS event, and deletes the messages
only when the invocation succeeds; with ``ReportBatchItemFailures`` it keeps exactly the
``batchItemFailures`` the function names. Failed messages come back after their visibility
timeout, and the queue's own redrive policy moves them to its dead-letter queue.

Batches run concurrently: a mapping has at most ``ScalingConfig.MaximumConcurrency`` (2–1000)
invocations in flight, or ``DEFAULT_SQS_CONCURRENCY`` without one, and receives a new batch only
when a slot is free, so messages it cannot run yet stay visible in the queue for other consumers.
Disabling or deleting a mapping stops its polling at once, but the batches already handed to the
function run to their end and still delete what they processed (cancelling them would leave
messages whose invocation succeeded to come back after their visibility timeout).
DynamoDB Streams mappings run the poller in ``streams.py``; Kinesis mappings are stored only.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import math
from collections.abc import Awaitable, Callable
from typing import Any

from fogbank.context import Ctx
from fogbank.errors import ServiceError
from fogbank.services.lambda_ import destinations, store, streams
from fogbank.services.lambda_.errors import TooManyRequestsException
from fogbank.services.lambda_.resolve import target

Runner = Callable[[Ctx, Any, bytes, str | None], Awaitable[Any]]
LONG_POLL = 20
RETRY_PAUSE = 5.0
# AWS starts an SQS mapping at five concurrent batches; its scale-up beyond that is not modelled
DEFAULT_SQS_CONCURRENCY = 5


def sqs_record(message: dict[str, Any], arn: str, region: str) -> dict[str, Any]:
    """One SQS message as a Lambda event record."""
    attributes = {}
    for name, value in (message.get("MessageAttributes") or {}).items():
        entry: dict[str, Any] = {"stringListValues": [], "binaryListValues": [], "dataType": value["DataType"]}
        if "StringValue" in value:
            entry["stringValue"] = value["StringValue"]
        if "BinaryValue" in value:
            import base64

            entry["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode()
        attributes[name] = entry
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""),
        "attributes": dict(message.get("Attributes") or {}),
        "messageAttributes": attributes,
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": arn,
        "awsRegion": region,
    }


async def _call(ctx: Ctx, operation: str, params: dict[str, Any]) -> Any:
    result = ctx.call("sqs", operation, params)
    return await result if inspect.isawaitable(result) else result


class Pollers:
    """One polling task per enabled mapping, and the batches each mapping has in flight."""

    def __init__(self, ctx: Ctx, run: Runner) -> None:
        self.ctx = ctx
        self.run = run
        self.tasks: dict[str, asyncio.Task] = {}
        # kept apart from the polling tasks: a batch outlives a poller that is disabled under it
        self.batches: dict[str, set[asyncio.Task]] = {}

    def start_all(self) -> None:
        """Start pollers for every enabled mapping in the store (after a restart)."""
        for k, raw in self.ctx.store.scan(prefix=(store.SERVICE,)):
            if len(k) > 3 and k[3] == "esm":
                mapping = json.loads(raw)
                self.ensure(self.ctx.derive(account=k[1], region=k[2]), mapping)

    def ensure(self, ctx: Ctx, mapping: dict[str, Any]) -> None:
        """Run or stop the poller of a mapping as its state says."""
        uuid = mapping["UUID"]
        running = self.tasks.get(uuid)
        source = mapping.get("EventSourceArn", "")
        wanted = mapping.get("State") in ("Enabled", "Enabling", "Creating", "Updating") and (":sqs:" in source or ":dynamodb:" in source)
        if wanted and running is None:
            if ":sqs:" in source:
                work = self._poll(ctx.derive(), uuid)
            else:
                work = streams.StreamPoller(ctx.derive(), uuid, self.run).poll()
            task = asyncio.get_running_loop().create_task(work)
            self.tasks[uuid] = task
            task.add_done_callback(lambda _t, u=uuid: self.tasks.pop(u, None) if self.tasks.get(u) is _t else None)
        elif not wanted and running is not None:
            self.drop(uuid)

    def drop(self, uuid: str) -> None:
        """Stop a mapping's polling; its batches in flight finish (and delete their messages)."""
        task = self.tasks.pop(uuid, None)
        if task is not None:
            task.cancel()

    async def stop(self) -> None:
        """Stop every poller and every batch in flight."""
        tasks = list(self.tasks.values()) + [t for batch in self.batches.values() for t in batch]
        self.tasks.clear()
        self.batches.clear()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(BaseException):
                await task

    async def _poll(self, ctx: Ctx, uuid: str) -> None:
        clock = ctx.clock
        url: str | None = None
        while True:
            mapping = store.get(ctx, "esm", uuid)
            if mapping is None or mapping.get("State") not in ("Enabled", "Enabling", "Creating", "Updating"):
                return
            # batches of an earlier poller of this mapping (disabled, then enabled again) count too
            inflight = self.batches.get(uuid, set())
            if len(inflight) >= max_concurrency(mapping):
                await asyncio.wait(set(inflight), return_when=asyncio.FIRST_COMPLETED)
                continue
            arn = mapping["EventSourceArn"]
            try:
                if url is None:
                    url = await destinations.queue_url(ctx, arn)
                batch = await self._gather(ctx, url, mapping)
            except ServiceError:
                url = None
                await clock.sleep(RETRY_PAUSE)
                continue
            if not batch:
                continue
            task = asyncio.get_running_loop().create_task(self._deliver(ctx, url, mapping, batch))
            self.batches.setdefault(uuid, set()).add(task)
            task.add_done_callback(lambda t, u=uuid: self._finished(u, t))

    def _finished(self, uuid: str, task: asyncio.Task) -> None:
        running = self.batches.get(uuid)
        if running is not None:
            running.discard(task)
            if not running:
                del self.batches[uuid]

    async def _gather(self, ctx: Ctx, url: str, mapping: dict[str, Any]) -> list[dict[str, Any]]:
        size = int(mapping.get("BatchSize") or 10)
        window = float(mapping.get("MaximumBatchingWindowInSeconds") or 0)
        batch: list[dict[str, Any]] = []
        deadline: float | None = None
        while len(batch) < size:
            if batch:
                remaining = (deadline or 0) - ctx.clock.now()
                if remaining <= 0:
                    break
                wait = min(LONG_POLL, math.ceil(remaining))
            else:
                wait = LONG_POLL
            answer = await _call(ctx, "ReceiveMessage", {
                "QueueUrl": url, "MaxNumberOfMessages": min(10, size - len(batch)), "WaitTimeSeconds": wait,
                "MessageSystemAttributeNames": ["All"], "MessageAttributeNames": ["All"],
            })
            received = answer.get("Messages") or []
            if received and deadline is None:
                deadline = ctx.clock.now() + window
            # a message whose visibility ran out inside the window comes back: keep its newest handle
            fresh = {m["MessageId"]: m for m in received}
            batch = [m for m in batch if m["MessageId"] not in fresh] + list(fresh.values())
            if batch and window <= 0:
                break
        return batch

    async def _deliver(self, ctx: Ctx, url: str, mapping: dict[str, Any], batch: list[dict[str, Any]]) -> None:
        arn = mapping["EventSourceArn"]
        records = [sqs_record(m, arn, arn.split(":")[3]) for m in batch]
        payload = json.dumps({"Records": records}).encode()
        try:
            tgt = target(ctx, mapping["FunctionArn"], None)
            result = await self.run(ctx, tgt, payload, None)
        except TooManyRequestsException:
            await ctx.clock.sleep(1.0)
            return
        except ServiceError:
            await ctx.clock.sleep(RETRY_PAUSE)
            return
        if not result.ok:
            return  # the messages reappear after their visibility timeout
        keep: set[str] = set()
        if "ReportBatchItemFailures" in (mapping.get("FunctionResponseTypes") or []):
            keep = _failures(result.payload, {m["MessageId"] for m in batch})
            if keep is None:
                return  # an unreadable response fails the whole batch
        done = [m for m in batch if m["MessageId"] not in keep]
        for start in range(0, len(done), 10):
            entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done[start:start + 10])]
            with contextlib.suppress(ServiceError):
                await _call(ctx, "DeleteMessageBatch", {"QueueUrl": url, "Entries": entries})


def max_concurrency(mapping: dict[str, Any]) -> int:
    """How many batches of an SQS mapping may run at once."""
    return int((mapping.get("ScalingConfig") or {}).get("MaximumConcurrency") or DEFAULT_SQS_CONCURRENCY)


def _failures(payload: bytes, ids: set[str]) -> set[str] | None:
    """The message ids a partial batch response keeps; None when the response is invalid."""
    try:
        doc = json.loads(payload) if payload else None
    except ValueError:
        return None
    if not isinstance(doc, dict) or not doc.get("batchItemFailures"):
        return set()
    failed: set[str] = set()
    for item in doc["batchItemFailures"]:
        item_id = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not item_id or item_id not in ids:
            return None
        failed.add(item_id)
    return failed

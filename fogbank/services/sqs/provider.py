"""SQS: standard and FIFO queues with delay queues, long polling, deduplication and dead-letter
redrive, on fogbank's store and clock. Queue-level work is in ``queues``/``attributes``, message
work in ``engine``, long polls in ``polling`` and DLQ redrive tasks in ``movetasks``.

LIMITATIONS: queue policies and permissions are stored but not enforced (IAM does that); SSE
attributes are stored and reported without encrypting anything; throughput quotas (including
high-throughput FIFO limits) are not simulated; messages moved to a standard dead-letter queue
are swept by retention only when received or counted; a purge removes the messages at once
rather than over up to 60 seconds.
"""

from __future__ import annotations

import base64
import json
import threading
from typing import Any

from fogbank.context import Ctx
from fogbank.errors import ServiceError
from fogbank.services.sqs import attributes, messages, metrics
from fogbank.services.sqs.checksums import md5_of_attributes
from fogbank.services.sqs.engine import Engine, decode_attributes, sequence_number
from fogbank.services.sqs.errors import (
    BatchRequestTooLong,
    OverLimit,
    PurgeQueueInProgress,
    invalid_parameter,
    invalid_value,
    missing_parameter,
    queue_does_not_exist,
)
from fogbank.services.sqs.movetasks import MoveTasks
from fogbank.services.sqs.queues import Queue, Registry, touch
from fogbank.spec.extras import extras

PURGE_INTERVAL = 60
MAX_TAGS = 50
POLICY_ACTIONS = frozenset(
    {
        "*",
        "SendMessage",
        "ReceiveMessage",
        "DeleteMessage",
        "ChangeMessageVisibility",
        "GetQueueAttributes",
        "GetQueueUrl",
        "ListDeadLetterSourceQueues",
        "PurgeQueue",
        "ListQueueTags",
        "ListMessageMoveTasks",
        "StartMessageMoveTask",
        "CancelMessageMoveTask",
    }
)


def _query_code(error: ServiceError) -> str:
    """The code a batch entry's failure carries: the query-era code SQS clients know."""
    known = extras("sqs").get("query", {}).get("errors", {}).get(error.code)
    return known["code"] if known and known.get("code") else error.code


def _failure(entry_id: str, error: ServiceError) -> dict[str, Any]:
    return {
        "Id": entry_id,
        "SenderFault": error.sender_fault,
        "Code": _query_code(error),
        "Message": error.message,
    }


def _token(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode()


def _untoken(token: str | None) -> str | None:
    if not token:
        return None
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except ValueError:
        raise invalid_parameter("NextToken", token, "Invalid NextToken") from None


def _range(name: str, value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise invalid_parameter(name, value, f"Must be >= {low} and <= {high}, if provided")
    return value


class Provider:
    """The SQS operations."""

    def __init__(self) -> None:
        self.queues = Registry()
        self.engine = Engine(self.queues)
        self.tasks = MoveTasks(self.engine)
        self.sampler = metrics.Sampler()
        self._stop = threading.Event()

    def start(self, ctx: Ctx) -> None:
        """Start sampling the queues' CloudWatch gauges every minute of fogbank's clock."""
        self.sampler.start(ctx, self._stop)

    def stop(self) -> None:
        """Stop the sampler."""
        self._stop.set()
        self.sampler.stop()

    def reset(self, ctx: Ctx) -> None:
        """Forget cached queues and wake every long poll (their queues are going)."""
        self.queues.clear()
        self.engine.clear()
        self.tasks.clear()
        self.sampler.clear()

    def _queue(self, ctx: Ctx, request: dict[str, Any]) -> Queue:
        url = request.get("QueueUrl")
        if not url:
            raise missing_parameter("QueueUrl")
        return self.queues.by_url(ctx, url)

    # --- queues ----------------------------------------------------------------------------

    def create_queue(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CreateQueue (idempotent when the attributes agree)."""
        given = dict(request.get("Attributes") or {})
        tags = dict(request.get("tags") or {})
        self._check_tags(tags, 0, "")
        queue = self.queues.create(ctx, request["QueueName"], given, tags)
        if given.get("RedrivePolicy"):
            try:
                self._check_redrive(ctx, queue, queue.attributes["RedrivePolicy"])
            except ServiceError:
                self.queues.delete(ctx, queue)
                ctx.store.delete(("sqs", ctx.account, ctx.region, "gone", queue.name))
                raise
        return {"QueueUrl": queue.url(ctx.host)}

    def get_queue_url(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetQueueUrl, in the caller's account or ``QueueOwnerAWSAccountId``'s."""
        owner = request.get("QueueOwnerAWSAccountId") or ctx.account
        queue = self.queues.get(ctx, owner, ctx.region, request["QueueName"])
        if queue is None:
            raise queue_does_not_exist()
        return {"QueueUrl": queue.url(ctx.host)}

    def list_queues(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListQueues with a name prefix and pagination."""
        limit = request.get("MaxResults")
        if limit is not None:
            _range("MaxResults", limit, 1, 1000)
        names = self.queues.names(
            ctx, request.get("QueueNamePrefix") or "", _untoken(request.get("NextToken"))
        )
        page = names[: limit or 1000]
        out: dict[str, Any] = {}
        if page:
            out["QueueUrls"] = [
                f"http://{ctx.host or 'localhost:4566'}/{ctx.account}/{name}" for name in page
            ]
        if limit is not None and len(names) > len(page):
            out["NextToken"] = _token(page[-1])
        return out

    def delete_queue(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteQueue: the queue and its messages."""
        queue = self._queue(ctx, request)
        self.queues.delete(ctx, queue)
        self.engine.waiters.notify(queue.key)
        return {}

    def get_queue_attributes(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetQueueAttributes, including the approximate counters."""
        queue = self._queue(ctx, request)
        names = list(request.get("AttributeNames") or [])
        if not names:
            return {}
        for name in names:
            if name != "All" and (
                name not in attributes.KNOWN or (name in attributes.FIFO_ONLY and not queue.fifo)
            ):
                raise attributes.unknown(name)
        everything = "All" in names
        wanted = attributes.ALL_ORDER if everything else names
        values: dict[str, str] = dict(queue.attributes)
        values.update(
            QueueArn=queue.arn, CreatedTimestamp=str(queue.created), LastModifiedTimestamp=str(queue.modified)
        )
        if everything or any(n.startswith("ApproximateNumber") for n in names):
            self.tasks.advance_all(ctx, queue)
            visible, in_flight, delayed = self.engine.counts(ctx, queue, ctx.clock.now())
            values.update(
                ApproximateNumberOfMessages=str(visible),
                ApproximateNumberOfMessagesNotVisible=str(in_flight),
                ApproximateNumberOfMessagesDelayed=str(delayed),
            )
        out = {name: values[name] for name in wanted if name in values}
        return {"Attributes": out} if out else {}

    def set_queue_attributes(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """SetQueueAttributes (every settable attribute; an empty RedrivePolicy or Policy removes it)."""
        queue = self._queue(ctx, request)
        clean = attributes.check(dict(request.get("Attributes") or {}), queue.fifo, creating=False)
        if clean.get("RedrivePolicy"):
            self._check_redrive(ctx, queue, clean["RedrivePolicy"])
        updated = dict(queue.attributes)
        for name, value in clean.items():
            if value == "" and name in attributes.JSON_VALUED | {"KmsMasterKeyId"}:
                updated.pop(name, None)
            else:
                updated[name] = value
        if clean.get("KmsMasterKeyId"):
            updated["SqsManagedSseEnabled"] = "false"
            updated.setdefault("KmsDataKeyReusePeriodSeconds", "300")
        elif clean.get("SqsManagedSseEnabled") == "true":
            updated.pop("KmsMasterKeyId", None)
        queue.attributes = updated
        touch(queue, ctx.clock.now())
        self.queues.save(ctx, queue)
        return {}

    def _check_redrive(self, ctx: Ctx, queue: Queue, policy_text: str) -> None:
        policy = json.loads(policy_text)
        target = self.queues.by_arn(ctx, policy["deadLetterTargetArn"])
        if target is None or target.account != queue.account or target.region != queue.region:
            raise invalid_parameter("RedrivePolicy", policy_text, "Dead letter target does not exist")
        if target.fifo != queue.fifo:
            raise invalid_parameter(
                "RedrivePolicy", policy_text, "Dead-letter queue must be same type of queue as the source."
            )
        if not attributes.allows_source(target.attributes.get("RedriveAllowPolicy"), queue.arn):
            raise invalid_parameter(
                "RedrivePolicy",
                policy_text,
                "Queue " + queue.arn + " is not allowed to use " + target.arn + " as a dead-letter queue",
            )

    def purge_queue(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PurgeQueue: at most once every 60 seconds."""
        queue = self._queue(ctx, request)
        now = ctx.clock.now()
        if queue.purged_at is not None and now - queue.purged_at < PURGE_INTERVAL:
            raise PurgeQueueInProgress(
                f"Only one PurgeQueue operation on {queue.name} is allowed every 60 seconds."
            )
        self.engine.purge(ctx, queue)
        queue.purged_at = now
        self.queues.save(ctx, queue)
        return {}

    def list_dead_letter_source_queues(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """The queues whose RedrivePolicy names this queue."""
        queue = self._queue(ctx, request)
        limit = request.get("MaxResults")
        if limit is not None:
            _range("MaxResults", limit, 1, 1000)
        after = _untoken(request.get("NextToken"))
        names = [
            q.name
            for q in self.queues.all(ctx)
            if (policy := q.redrive())
            and policy["deadLetterTargetArn"] == queue.arn
            and (after is None or q.name > after)
        ]
        page = names[: limit or 1000]
        out: dict[str, Any] = {
            "queueUrls": [f"http://{ctx.host or 'localhost:4566'}/{ctx.account}/{n}" for n in page]
        }
        if limit is not None and len(names) > len(page):
            out["NextToken"] = _token(page[-1])
        return out

    # --- tags and permissions --------------------------------------------------------------

    def _check_tags(self, tags: dict[str, str], existing: int, name: str) -> None:
        for key, value in tags.items():
            if not 1 <= len(key) <= 128 or len(value) > 256:
                raise invalid_value(f"Tag key or value is invalid: {key}")
        if existing + len(tags) > MAX_TAGS:
            raise invalid_value(f"Too many tags added for queue {name}.")

    def tag_queue(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """TagQueue (at most 50 tags)."""
        queue = self._queue(ctx, request)
        tags = dict(request.get("Tags") or {})
        merged = {**queue.tags, **tags}
        self._check_tags(tags, len(merged) - len(tags), queue.name)
        queue.tags = merged
        self.queues.save(ctx, queue)
        return {}

    def untag_queue(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UntagQueue."""
        queue = self._queue(ctx, request)
        for key in request.get("TagKeys") or []:
            queue.tags.pop(key, None)
        self.queues.save(ctx, queue)
        return {}

    def list_queue_tags(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListQueueTags."""
        queue = self._queue(ctx, request)
        return {"Tags": dict(queue.tags)} if queue.tags else {}

    def add_permission(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """AddPermission: a statement labelled ``Label`` in the queue's Policy."""
        queue = self._queue(ctx, request)
        label = request["Label"]
        accounts = request.get("AWSAccountIds") or []
        actions = request.get("Actions") or []
        if not accounts:
            raise missing_parameter("AWSAccountIds")
        if not actions:
            raise missing_parameter("Actions")
        for action in actions:
            if action not in POLICY_ACTIONS:
                raise invalid_parameter(
                    "Actions", action, f"Only the queue owner is allowed to invoke this action: {action}"
                )
        policy = (
            json.loads(queue.attributes["Policy"])
            if queue.attributes.get("Policy")
            else {"Version": "2012-10-17", "Id": f"{queue.arn}/SQSDefaultPolicy", "Statement": []}
        )
        statements = policy.setdefault("Statement", [])
        if any(s.get("Sid") == label for s in statements):
            raise invalid_parameter("Label", label, "Already exists")
        if len(statements) >= 7:
            raise OverLimit(f"{len(statements) + 1} Statements were found, maximum allowed is 7.")
        principals = [f"arn:aws:iam::{a}:root" for a in accounts]
        statements.append(
            {
                "Sid": label,
                "Effect": "Allow",
                "Principal": {"AWS": principals[0] if len(principals) == 1 else principals},
                "Action": [f"SQS:{a}" for a in actions][0]
                if len(actions) == 1
                else [f"SQS:{a}" for a in actions],
                "Resource": queue.arn,
            }
        )
        queue.attributes = {**queue.attributes, "Policy": json.dumps(policy, separators=(",", ":"))}
        self.queues.save(ctx, queue)
        return {}

    def remove_permission(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """RemovePermission: drop the statement labelled ``Label``."""
        queue = self._queue(ctx, request)
        label = request["Label"]
        policy = (
            json.loads(queue.attributes["Policy"]) if queue.attributes.get("Policy") else {"Statement": []}
        )
        statements = policy.get("Statement", [])
        kept = [s for s in statements if s.get("Sid") != label]
        if len(kept) == len(statements):
            raise invalid_parameter("Label", label, "can't find label on existing policy")
        updated = dict(queue.attributes)
        if kept:
            policy["Statement"] = kept
            updated["Policy"] = json.dumps(policy, separators=(",", ":"))
        else:
            updated.pop("Policy", None)
        queue.attributes = updated
        self.queues.save(ctx, queue)
        return {}

    # --- messages --------------------------------------------------------------------------

    def _send_one(self, ctx: Ctx, queue: Queue, entry: dict[str, Any], now: float,
                  sizes: list[int]) -> dict[str, Any]:
        body = entry.get("MessageBody")
        if body is None:
            raise missing_parameter("MessageBody")
        messages.check_body(body)
        attrs = entry.get("MessageAttributes") or {}
        system = entry.get("MessageSystemAttributes") or {}
        size = len(body.encode("utf-8")) + messages.check_attributes(attrs)
        messages.check_attributes(system, system=True)
        limit = queue.number("MaximumMessageSize")
        if size > limit:
            raise invalid_value(
                f"One or more parameters are invalid. Reason: Message must be shorter than {limit} bytes."
            )
        delay = entry.get("DelaySeconds")
        group = entry.get("MessageGroupId")
        dedup = entry.get("MessageDeduplicationId")
        if queue.fifo:
            if delay:
                raise invalid_parameter(
                    "DelaySeconds",
                    delay,
                    "The request include parameter that is not valid for this queue type",
                )
            if not group:
                raise missing_parameter("MessageGroupId")
            if dedup is None and not queue.flag("ContentBasedDeduplication"):
                raise invalid_value(
                    "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"
                )
            if dedup is not None:
                messages.check_fifo_id("MessageDeduplicationId", dedup)
            delay = queue.number("DelaySeconds")
        else:
            if dedup is not None:
                raise invalid_parameter(
                    "MessageDeduplicationId",
                    dedup,
                    "The request include parameter that is not valid for this queue type",
                )
            if delay is None:
                delay = queue.number("DelaySeconds")
            elif not 0 <= delay <= 900:
                raise invalid_parameter("DelaySeconds", delay, "DelaySeconds must be >= 0 and <= 900")
        if group is not None:
            messages.check_fifo_id("MessageGroupId", group)
        result = self.engine.send(ctx, queue, body, attrs, system, delay, group, dedup, now)
        sizes.append(size)
        return result

    def send_message(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """SendMessage."""
        queue = self._queue(ctx, request)
        sizes: list[int] = []
        result = self._send_one(ctx, queue, request, ctx.clock.now(), sizes)
        metrics.sent(ctx, queue, sizes)
        return result

    def send_message_batch(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """SendMessageBatch: up to 10 messages, each succeeding or failing on its own."""
        queue = self._queue(ctx, request)
        entries = request.get("Entries") or []
        messages.check_batch_ids(entries, "SendMessageBatchRequestEntry")
        total = sum(len((e.get("MessageBody") or "").encode("utf-8")) for e in entries)
        for entry in entries:
            for name, value in (entry.get("MessageAttributes") or {}).items():
                raw = value.get("BinaryValue") or (value.get("StringValue") or "").encode("utf-8")
                total += len(name.encode("utf-8")) + len(value.get("DataType", "").encode("utf-8")) + len(raw)
        if total > attributes.MAX_MESSAGE_SIZE:
            raise BatchRequestTooLong(
                f"Batch requests cannot be longer than {attributes.MAX_MESSAGE_SIZE} bytes. You have sent {total} bytes."
            )
        now = ctx.clock.now()
        successful, failed = [], []
        sizes: list[int] = []
        for entry in entries:
            try:
                result = self._send_one(ctx, queue, entry, now, sizes)
            except ServiceError as err:
                failed.append(_failure(entry["Id"], err))
            else:
                successful.append({"Id": entry["Id"], **result})
        metrics.sent(ctx, queue, sizes)
        return {"Successful": successful, "Failed": failed}

    async def receive_message(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ReceiveMessage, long polling up to WaitTimeSeconds on fogbank's clock."""
        queue = self._queue(ctx, request)
        count = _range("MaxNumberOfMessages", request.get("MaxNumberOfMessages", 1), 1, 10)
        timeout = request.get("VisibilityTimeout")
        timeout = (
            queue.number("VisibilityTimeout")
            if timeout is None
            else _range("VisibilityTimeout", timeout, 0, 43_200)
        )
        wait = request.get("WaitTimeSeconds")
        wait = (
            queue.number("ReceiveMessageWaitTimeSeconds")
            if wait is None
            else _range("WaitTimeSeconds", wait, 0, 20)
        )
        names = set(request.get("AttributeNames") or ()) | set(
            request.get("MessageSystemAttributeNames") or ()
        )
        wanted = messages.attribute_filter(request.get("MessageAttributeNames"))
        attempt = request.get("ReceiveRequestAttemptId") if queue.fifo else None
        if attempt is not None:
            messages.check_fifo_id("ReceiveRequestAttemptId", attempt)
            again = self.engine.retry_attempt(ctx, queue, attempt, ctx.clock.now())
            if again is not None:
                return self._received(queue, again, names, wanted)
        deadline = ctx.clock.now() + wait
        while True:
            now = ctx.clock.now()
            queue = self._queue(ctx, request)
            self.tasks.advance_all(ctx, queue)
            taken = self.engine.receive(ctx, queue, count, timeout, now)
            if taken or now >= deadline:
                break
            due = self.engine.next_due(ctx, queue, now)
            await self.engine.waiters.wait(
                queue.key, ctx.clock, deadline if due is None else min(deadline, due)
            )
        if attempt is not None and taken:
            self.engine.remember_attempt(ctx, queue, attempt, taken, now)
        metrics.received(ctx, queue, len(taken))
        return self._received(queue, taken, names, wanted)

    def _received(
        self,
        queue: Queue,
        taken: list[tuple[dict[str, Any], str]],
        names: set[str],
        wanted: tuple[bool, frozenset[str], tuple[str, ...]],
    ) -> dict[str, Any]:
        if not taken:
            return {}
        everything = "All" in names
        out = []
        for msg, handle in taken:
            item: dict[str, Any] = {
                "MessageId": msg["id"],
                "ReceiptHandle": handle,
                "MD5OfBody": msg["mb"],
                "Body": msg["b"],
            }
            if names:
                system = {
                    "SenderId": msg["snd"],
                    "SentTimestamp": str(msg["t"]),
                    "ApproximateReceiveCount": str(msg["rc"]),
                    "ApproximateFirstReceiveTimestamp": str(msg["fr"]),
                }
                if queue.fifo:
                    system.update(SequenceNumber=sequence_number(msg["seq"]), MessageDeduplicationId=msg["d"])
                if msg.get("g") is not None:
                    system["MessageGroupId"] = msg["g"]
                if "s" in msg and "AWSTraceHeader" in msg["s"]:
                    system["AWSTraceHeader"] = msg["s"]["AWSTraceHeader"]["StringValue"]
                if msg.get("src"):
                    system["DeadLetterQueueSourceArn"] = msg["src"]
                chosen = system if everything else {k: v for k, v in system.items() if k in names}
                if chosen:
                    item["Attributes"] = chosen
            if "a" in msg:
                attrs = messages.select_attributes(decode_attributes(msg["a"]), wanted)
                if attrs:
                    item["MessageAttributes"] = attrs
                    item["MD5OfMessageAttributes"] = (
                        msg["ma"] if len(attrs) == len(msg["a"]) else md5_of_attributes(attrs)
                    )
            out.append(item)
        return {"Messages": out}

    def delete_message(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteMessage."""
        queue = self._queue(ctx, request)
        self.engine.delete(ctx, queue, request["ReceiptHandle"])
        metrics.deleted(ctx, queue, 1)
        return {}

    def delete_message_batch(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteMessageBatch."""
        queue = self._queue(ctx, request)
        entries = request.get("Entries") or []
        messages.check_batch_ids(entries, "DeleteMessageBatchRequestEntry")
        successful, failed = [], []
        for entry in entries:
            try:
                self.engine.delete(ctx, queue, entry["ReceiptHandle"])
            except ServiceError as err:
                failed.append(_failure(entry["Id"], err))
            else:
                successful.append({"Id": entry["Id"]})
        metrics.deleted(ctx, queue, len(successful))
        return {"Successful": successful, "Failed": failed}

    def change_message_visibility(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ChangeMessageVisibility."""
        queue = self._queue(ctx, request)
        timeout = _range("VisibilityTimeout", request["VisibilityTimeout"], 0, 43_200)
        self.engine.change_visibility(ctx, queue, request["ReceiptHandle"], timeout, ctx.clock.now())
        return {}

    def change_message_visibility_batch(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ChangeMessageVisibilityBatch."""
        queue = self._queue(ctx, request)
        entries = request.get("Entries") or []
        messages.check_batch_ids(entries, "ChangeMessageVisibilityBatchRequestEntry")
        now = ctx.clock.now()
        successful, failed = [], []
        for entry in entries:
            try:
                timeout = _range("VisibilityTimeout", entry.get("VisibilityTimeout", 0), 0, 43_200)
                self.engine.change_visibility(ctx, queue, entry["ReceiptHandle"], timeout, now)
            except ServiceError as err:
                failed.append(_failure(entry["Id"], err))
            else:
                successful.append({"Id": entry["Id"]})
        return {"Successful": successful, "Failed": failed}

    # --- message move tasks ----------------------------------------------------------------

    def start_message_move_task(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """StartMessageMoveTask: redrive a dead-letter queue's messages."""
        handle = self.tasks.start(
            ctx,
            request["SourceArn"],
            request.get("DestinationArn"),
            request.get("MaxNumberOfMessagesPerSecond"),
        )
        return {"TaskHandle": handle}

    def list_message_move_tasks(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListMessageMoveTasks (most recent first, 1 by default)."""
        limit = _range("MaxResults", request.get("MaxResults", 1), 1, 10)
        return {"Results": self.tasks.list(ctx, request["SourceArn"], limit)}

    def cancel_message_move_task(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CancelMessageMoveTask."""
        return {"ApproximateNumberOfMessagesMoved": self.tasks.cancel(ctx, request["TaskHandle"])}

"""Message move tasks (DLQ redrive): move a dead-letter queue's messages back to their source
queues, or to a chosen queue, at ``MaxNumberOfMessagesPerSecond`` on fogbank's clock.

A task's progress is computed when it is looked at (list, cancel, start, or any receive or
attribute read on its queues): by then ``rate × elapsed`` messages should have moved, so
advancing the clock moves them, with no worker thread.
"""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

from fogbank.context import Ctx
from fogbank.services.sqs import store
from fogbank.services.sqs.engine import Engine
from fogbank.services.sqs.errors import ResourceNotFoundException, UnsupportedOperation, invalid_parameter
from fogbank.services.sqs.queues import Queue

#: AWS's "system optimised" rate when the caller names none
DEFAULT_RATE = 500
MAX_RATE = 500
ACTIVE = "RUNNING"


def _handle(key: tuple) -> str:
    _, account, region, _, source, started, task_id = key
    raw = json.dumps(
        {"taskId": task_id, "sourceArn": source, "account": account, "region": region, "started": started}
    )
    return base64.b64encode(raw.encode()).decode()


def _key_of(handle: str) -> tuple | None:
    try:
        data = json.loads(base64.b64decode(handle.encode(), validate=True))
        return store.task_key(
            data["account"], data["region"], data["sourceArn"], int(data["started"]), data["taskId"]
        )
    except (ValueError, KeyError, TypeError):
        return None


class MoveTasks:
    """Start, list, cancel and advance message move tasks."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.queues = engine.queues
        # source ARNs with a running task, per (account, region): read from the store once
        self._running: dict[tuple[str, str], set[str]] = {}

    def clear(self) -> None:
        """Forget the cache of running tasks (after a reset)."""
        self._running.clear()

    def _running_sources(self, ctx: Ctx) -> set[str]:
        key = (ctx.account, ctx.region)
        found = self._running.get(key)
        if found is None:
            found = {
                k[4]
                for k, raw in ctx.store.scan(prefix=store.tasks_prefix(ctx.account, ctx.region))
                if store.load(raw)["status"] == ACTIVE
            }
            self._running[key] = found
        return found

    def start(self, ctx: Ctx, source_arn: str, destination_arn: str | None, rate: int | None) -> str:
        """StartMessageMoveTask: returns the task handle."""
        source = self.queues.by_arn(ctx, source_arn)
        if source is None or source.account != ctx.account or source.region != ctx.region:
            raise ResourceNotFoundException(
                "The resource that you specified for the SourceArn parameter doesn't exist."
            )
        if not any(_targets(q, source) for q in self.queues.all(ctx)):
            raise invalid_parameter(
                "SourceArn", source_arn, "Source queue must be configured as a Dead Letter Queue."
            )
        if destination_arn is not None:
            destination = self.queues.by_arn(ctx, destination_arn)
            if destination is None:
                raise ResourceNotFoundException(
                    "The resource that you specified for the DestinationArn parameter doesn't exist."
                )
            if destination.fifo != source.fifo:
                raise invalid_parameter(
                    "DestinationArn",
                    destination_arn,
                    "Destination queue must be of the same type as the source queue",
                )
        if rate is not None and not 1 <= rate <= MAX_RATE:
            raise invalid_parameter("MaxNumberOfMessagesPerSecond", rate, f"Must be between 1 and {MAX_RATE}")
        now = ctx.clock.now()
        for key, task in self._tasks(ctx, source_arn):
            self._advance(ctx, key, task, now)
            if task["status"] == ACTIVE:
                raise UnsupportedOperation(
                    "There is already a task running. Only one active task is allowed for a source queue at a time."
                )
        visible, in_flight, delayed = self.engine.counts(ctx, source, now)
        started = int(now * 1000)
        key = store.task_key(ctx.account, ctx.region, source_arn, started, str(uuid.uuid4()))
        task = {
            "status": ACTIVE,
            "dest": destination_arn,
            "rate": rate,
            "moved": 0,
            "total": visible + in_flight + delayed,
            "failure": None,
        }
        ctx.store.put(key, store.dump(task))
        self._running_sources(ctx).add(source_arn)
        return _handle(key)

    def list(self, ctx: Ctx, source_arn: str, max_results: int) -> list[dict[str, Any]]:
        """ListMessageMoveTasks: the most recent tasks of a source queue first."""
        source = self.queues.by_arn(ctx, source_arn)
        if source is None:
            raise ResourceNotFoundException(
                "The resource that you specified for the SourceArn parameter doesn't exist."
            )
        now = ctx.clock.now()
        out = []
        for key, task in reversed(self._tasks(ctx, source_arn)):
            self._advance(ctx, key, task, now)
            if len(out) < max_results:
                out.append(self._render(key, task))
        return out

    def cancel(self, ctx: Ctx, handle: str) -> int:
        """CancelMessageMoveTask: returns how many messages were moved."""
        key = _key_of(handle)
        raw = ctx.store.get(key) if key is not None and key[1] == ctx.account else None
        if raw is None:
            raise ResourceNotFoundException("Task does not exist.")
        task = store.load(raw)
        self._advance(ctx, key, task, ctx.clock.now())
        if task["status"] != ACTIVE:
            raise UnsupportedOperation(f"Only active tasks can be cancelled. The task is {task['status']}.")
        task["status"] = "CANCELLED"
        ctx.store.put(key, store.dump(task))
        return task["moved"]

    def advance_all(self, ctx: Ctx, queue: Queue) -> None:
        """Bring the running tasks of a source queue up to date."""
        running = self._running_sources(ctx)
        if queue.arn not in running:
            return
        now = ctx.clock.now()
        active = False
        for key, task in self._tasks(ctx, queue.arn):
            if task["status"] == ACTIVE:
                self._advance(ctx, key, task, now)
                active = active or task["status"] == ACTIVE
        if not active:
            running.discard(queue.arn)

    def _tasks(self, ctx: Ctx, source_arn: str) -> list[tuple[tuple, dict[str, Any]]]:
        prefix = store.tasks_prefix(ctx.account, ctx.region, source_arn)
        return [(key, store.load(raw)) for key, raw in ctx.store.scan(prefix=prefix)]

    def _advance(self, ctx: Ctx, key: tuple, task: dict[str, Any], now: float) -> None:
        if task["status"] != ACTIVE:
            return
        source = self.queues.by_arn(ctx, key[4])
        if source is None:
            task.update(status="FAILED", failure="AWS.SimpleQueueService.NonExistentQueue")
            ctx.store.put(key, store.dump(task))
            return
        elapsed = max(0.0, now - key[5] / 1000)
        due = min(task["total"], int(elapsed * (task["rate"] or DEFAULT_RATE)))
        want = due - task["moved"]
        if want > 0:
            now_ms = int(now * 1000)
            for msg in self.engine.oldest(ctx, source, want + 64):
                if want <= 0:
                    break
                if msg["v"] > now_ms and msg["h"] is not None:
                    continue  # in flight: it stays until it is visible again
                target_arn = task["dest"] or msg.get("src")
                target = self.queues.by_arn(ctx, target_arn) if target_arn else None
                if target is None:
                    task.update(status="FAILED", failure="AWS.SimpleQueueService.NonExistentQueue")
                    break
                with ctx.store.transaction() as txn:
                    self.engine.transfer(ctx, txn, source, msg, target, now, dead_letter=False)
                task["moved"] += 1
                want -= 1
        if task["status"] == ACTIVE and (
            task["moved"] >= task["total"] or not self.engine.oldest(ctx, source, 1)
        ):
            task["status"] = "COMPLETED"
        ctx.store.put(key, store.dump(task))

    def _render(self, key: tuple, task: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "Status": task["status"],
            "SourceArn": key[4],
            "ApproximateNumberOfMessagesMoved": task["moved"],
            "ApproximateNumberOfMessagesToMove": task["total"],
            "StartedTimestamp": key[5],
        }
        if task["status"] == ACTIVE:
            out["TaskHandle"] = _handle(key)
        if task["dest"]:
            out["DestinationArn"] = task["dest"]
        if task["rate"]:
            out["MaxNumberOfMessagesPerSecond"] = task["rate"]
        if task["failure"]:
            out["FailureReason"] = task["failure"]
        return out


def _targets(queue: Queue, dead_letter: Queue) -> bool:
    policy = queue.redrive()
    return bool(policy) and policy["deadLetterTargetArn"] == dead_letter.arn

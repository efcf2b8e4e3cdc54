"""SQS's own CloudWatch metrics (``AWS/SQS``, dimension ``QueueName``), published as AWS does.

Counters come from the requests themselves, one ``publish_many`` per request:
NumberOfMessagesSent and SentMessageSize (Bytes, one sample per message) on sends,
NumberOfMessagesReceived or NumberOfEmptyReceives on receives, NumberOfMessagesDeleted on
deletes. The queue gauges (ApproximateNumberOfMessagesVisible/NotVisible/Delayed and
ApproximateAgeOfOldestMessage in Seconds) are samples AWS takes once a minute: ``Sampler`` takes
them at every minute boundary of fogbank's clock for every queue, together with zeros for the
counters (AWS reports 0 for an active queue's quiet minutes). When the clock jumps, the minutes
jumped over are sampled from the queue as it is now, as of each minute (up to three hours back),
so alarms on queue depth evaluate across an ``advance``. The sampler starts with the SQS provider,
so only once SQS has been used since the server started.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import math
import threading
from typing import Any

from fogbank import metrics
from fogbank.context import Ctx
from fogbank.services.sqs import store
from fogbank.services.sqs.queues import Queue

log = logging.getLogger("fogbank.sqs")

NAMESPACE = "AWS/SQS"
MINUTE = 60
#: minutes a clock jump is back-filled over
MAX_BACKFILL = 180
COUNTERS = ("NumberOfMessagesSent", "NumberOfMessagesReceived", "NumberOfMessagesDeleted", "NumberOfEmptyReceives")


def _owner(ctx: Ctx, queue: Queue) -> Ctx:
    # a queue reached across accounts reports to its owner's metrics
    if ctx.account == queue.account and ctx.region == queue.region:
        return ctx
    return ctx.derive(account=queue.account, region=queue.region)


def sent(ctx: Ctx, queue: Queue, sizes: list[int]) -> None:
    """Record the messages one send request stored (their sizes in bytes)."""
    if not sizes:
        return
    dims = {"QueueName": queue.name}
    items: list[metrics.Metric] = [("NumberOfMessagesSent", float(len(sizes)), "Count", dims)]
    items += [("SentMessageSize", float(size), "Bytes", dims) for size in sizes]
    metrics.publish_many(_owner(ctx, queue), NAMESPACE, items)


def received(ctx: Ctx, queue: Queue, count: int) -> None:
    """Record one receive request that got ``count`` messages (0: an empty receive)."""
    dims = {"QueueName": queue.name}
    if count:
        metrics.publish(_owner(ctx, queue), NAMESPACE, "NumberOfMessagesReceived", float(count), "Count", dims)
    else:
        metrics.publish(_owner(ctx, queue), NAMESPACE, "NumberOfEmptyReceives", 1.0, "Count", dims)


def deleted(ctx: Ctx, queue: Queue, count: int) -> None:
    """Record the messages one delete request removed."""
    if count:
        metrics.publish(_owner(ctx, queue), NAMESPACE, "NumberOfMessagesDeleted", float(count), "Count",
                        {"QueueName": queue.name})


def gauges_at(ctx: Ctx, account: str, region: str, name: str, times: list[int]) -> list[list[metrics.Metric]]:
    """The gauge samples of one queue as of each of ``times`` (one scan of its visibility index)."""
    visible_at: list[int] = []
    in_flight: list[int] = []
    delayed: list[int] = []
    for key, kind in ctx.store.scan(prefix=store.visibility_prefix(account, region, name)):
        visible_at.append(key[-2])
        (in_flight if kind == store.IN_FLIGHT else delayed).append(key[-2])
    visible_at.sort()
    in_flight.sort()
    delayed.sort()
    oldest = next(iter(ctx.store.scan(prefix=store.messages_prefix(account, region, name), limit=1)), None)
    sent_ms = store.load(oldest[1])["t"] if oldest is not None else None
    dims = {"QueueName": name}
    out = []
    for t in times:
        t_ms = t * 1000
        age = max(0.0, math.floor((t_ms - sent_ms) / 1000)) if sent_ms is not None else 0.0
        items: list[metrics.Metric] = [
            ("ApproximateNumberOfMessagesVisible", float(bisect.bisect_right(visible_at, t_ms)), "Count", dims),
            ("ApproximateNumberOfMessagesNotVisible",
             float(len(in_flight) - bisect.bisect_right(in_flight, t_ms)), "Count", dims),
            ("ApproximateNumberOfMessagesDelayed", float(len(delayed) - bisect.bisect_right(delayed, t_ms)), "Count", dims),
            ("ApproximateAgeOfOldestMessage", age, "Seconds", dims),
        ]
        items += [(counter, 0.0, "Count", dims) for counter in COUNTERS]
        out.append(items)
    return out


class Sampler:
    """Samples every queue's gauges at each minute boundary of fogbank's clock."""

    def __init__(self) -> None:
        self._last: dict[tuple[str, str, str], int] = {}
        self._task: Any = None
        self._lock = threading.Lock()

    def clear(self) -> None:
        """Forget when queues were last sampled (after a reset)."""
        with self._lock:
            self._last.clear()

    def start(self, ctx: Ctx, stop: threading.Event) -> None:
        """Run until ``stop`` is set: a task on the running loop, else a thread."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            threading.Thread(target=self._thread, args=(ctx, stop), name="sqs-metrics", daemon=True).start()
            return
        self._task = loop.create_task(self._run(ctx, stop))

    def stop(self) -> None:
        """Cancel the task."""
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _run(self, ctx: Ctx, stop: threading.Event) -> None:
        while not stop.is_set():
            await ctx.clock.sleep_until(math.floor(ctx.clock.now() / MINUTE) * MINUTE + MINUTE)
            if not stop.is_set():
                self.tick(ctx)

    def _thread(self, ctx: Ctx, stop: threading.Event) -> None:
        while ctx.clock.wait_until(math.floor(ctx.clock.now() / MINUTE) * MINUTE + MINUTE, stop):
            self.tick(ctx)

    def tick(self, ctx: Ctx) -> None:
        """Sample every queue at each minute boundary passed since its last sample."""
        boundary = int(math.floor(ctx.clock.now() / MINUTE) * MINUTE)
        for account, region, name in self._queues(ctx):
            key = (account, region, name)
            with self._lock:
                last = self._last.get(key, boundary - MINUTE)
                self._last[key] = boundary
            first = max(last + MINUTE, boundary - (MAX_BACKFILL - 1) * MINUTE)
            times = list(range(first, boundary + 1, MINUTE))
            if not times:
                continue
            place = ctx.derive(account=account, region=region)
            try:
                for t, items in zip(times, gauges_at(place, account, region, name, times), strict=True):
                    metrics.publish_many(place, NAMESPACE, items, timestamp=t)
            except Exception:  # one queue failing must not stop the others
                log.exception("could not sample SQS queue %s", name)

    def _queues(self, ctx: Ctx) -> list[tuple[str, str, str]]:
        # a skip scan: one key per account and region, then that place's queue records
        out: list[tuple[str, str, str]] = []
        start: tuple | None = None
        while True:
            found = list(ctx.store.scan((store.SERVICE,), start=start, limit=1))
            if not found:
                return out
            key = found[0][0]
            if len(key) < 3 or not isinstance(key[1], str) or not isinstance(key[2], str):
                return out
            account, region = key[1], key[2]
            out += [(account, region, k[-1]) for k, _ in ctx.store.scan(store.queues_prefix(account, region))]
            start = (store.SERVICE, account, region + "\x00")

"""Publishing AWS's own metrics (``AWS/Lambda``, ``AWS/SQS``, ``AWS/DynamoDB`` ...) from services.

A service calls ``publish(ctx, "AWS/SQS", "NumberOfMessagesSent", 1, "Count", {"QueueName": q})``
(or ``publish_many`` for several metrics of one request) and alarms on those metrics work like
on AWS. The data goes straight into CloudWatch's store layout through CloudWatch's own functions
(``services/cloudwatch/metrics.py``), aggregated in memory and written in batches (see
``MetricBuffer``), without the validation and dispatch that ``ctx.call("cloudwatch",
"PutMetricData", ...)`` would cost on every request; the values come from fogbank itself, so
there is nothing to validate. Publishing never raises: a
metric that cannot be written must not fail the request that produced it.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from fogbank.context import Ctx
from fogbank.services.cloudwatch.store import MAX_DISTINCT

log = logging.getLogger("fogbank.metrics")

Metric = tuple[str, float, str, Mapping[str, str] | None]


def publish(ctx: Ctx, namespace: str, name: str, value: float, unit: str = "Count",
            dimensions: Mapping[str, str] | None = None, timestamp: float | None = None) -> None:
    """Record one value of ``namespace``/``name`` with ``dimensions`` (as of now, by default)."""
    publish_many(ctx, namespace, [(name, value, unit, dimensions)], timestamp)


def publish_many(ctx: Ctx, namespace: str, items: Iterable[Metric], timestamp: float | None = None) -> None:
    """Record several (name, value, unit, dimensions) values (buffered; see ``MetricBuffer``)."""
    ts = ctx.clock.now() if timestamp is None else timestamp
    start = int(ts // 60 * 60)
    buffer = ctx.metrics
    if buffer is None:
        fresh = MetricBuffer()
        fresh.add(ctx, namespace, items, start)
        fresh.flush(ctx)
        return
    buffer.add(ctx, namespace, items, start)
    buffer.schedule(ctx)


def flush(ctx: Ctx) -> None:
    """Write every buffered value now (CloudWatch calls this before it reads or evaluates)."""
    if ctx.metrics is not None:
        ctx.metrics.flush(ctx)


class MetricBuffer:
    """Published values aggregated in memory per metric and minute, written in one transaction
    at most every ``FLUSH_AFTER`` seconds (and whenever CloudWatch is about to read).

    Writing each value as it comes would cost a store read-modify-write of the metric's data
    block and distribution per value, hundreds of microseconds on every request; a minute's
    values of one metric collapse into one slot here, so the cost is paid once per metric per
    flush. Values still buffered when the process is killed are lost (at most ``FLUSH_AFTER``
    seconds' worth), which AWS's own metrics, delivered with a delay, allow for.
    """

    FLUSH_AFTER = 1.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._slots: dict[tuple, list[Any]] = {}
        self._scheduled = False

    def add(self, ctx: Ctx, namespace: str, items: Iterable[Metric], start: int) -> None:
        """Fold values into their (account, region, namespace, metric, dimensions, minute) slot."""
        with self._lock:
            slots = self._slots
            for name, value, unit, dimensions in items:
                value = float(value)
                dims = tuple(sorted(dimensions.items())) if dimensions else ()
                key = (ctx.account, ctx.region, namespace, name, dims, unit or "None", start)
                slot = slots.get(key)
                if slot is None:
                    slots[key] = [1.0, value, value, value, {value: 1.0}]
                    continue
                slot[0] += 1.0
                slot[1] += value
                if value < slot[2]:
                    slot[2] = value
                if value > slot[3]:
                    slot[3] = value
                dist = slot[4]
                if dist is not None:
                    dist[value] = dist.get(value, 0.0) + 1.0
                    if len(dist) > MAX_DISTINCT:
                        slot[4] = None  # too many distinct values to keep percentiles exact

    def clear(self) -> None:
        """Drop every buffered value (their metrics' state is being reset)."""
        with self._lock:
            self._slots = {}

    def schedule(self, ctx: Ctx) -> None:
        """Arrange a flush soon: on the event loop when there is one, else at once."""
        if self._scheduled:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush(ctx)
            return
        self._scheduled = True
        loop.call_later(self.FLUSH_AFTER, self.flush, ctx)

    def flush(self, ctx: Ctx) -> None:
        """Write every buffered slot in one store transaction."""
        from fogbank.services.cloudwatch import metrics as cw
        from fogbank.services.cloudwatch.store import Slot

        with self._lock:
            self._scheduled = False
            slots, self._slots = self._slots, {}
        if not slots:
            return
        now = ctx.clock.now()
        try:
            with ctx.store.transaction() as txn:
                for (account, region, namespace, name, dims, unit, start), agg in slots.items():
                    place = ctx if (ctx.account, ctx.region) == (account, region) else ctx.derive(account=account, region=region)
                    datum = {"MetricName": name, "Dimensions": [{"Name": k, "Value": v} for k, v in dims]}
                    cw.store_datum(place, txn, namespace, datum, start, 60, unit,
                                   Slot(agg[0], agg[1], agg[2], agg[3], agg[4]), now)
        except Exception:  # never fail a request (or a worker) over a metric
            log.warning("could not write published metrics", exc_info=True)

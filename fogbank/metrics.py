"""Publishing AWS's own metrics (``AWS/Lambda``, ``AWS/SQS``, ``AWS/DynamoDB`` ...) from services.

A service calls ``publish(ctx, "AWS/SQS", "NumberOfMessagesSent", 1, "Count", {"QueueName": q})``
(or ``publish_many`` for several metrics of one request) and alarms on those metrics work like
on AWS. The data goes straight into CloudWatch's store layout through CloudWatch's own functions
(``services/cloudwatch/metrics.py``), in one small transaction, without the validation and
dispatch that ``ctx.call("cloudwatch", "PutMetricData", ...)`` would cost on every request; the
values come from fogbank itself, so there is nothing to validate. Publishing never raises: a
metric that cannot be written must not fail the request that produced it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from fogbank.context import Ctx

log = logging.getLogger("fogbank.metrics")

Metric = tuple[str, float, str, Mapping[str, str] | None]


def publish(ctx: Ctx, namespace: str, name: str, value: float, unit: str = "Count",
            dimensions: Mapping[str, str] | None = None, timestamp: float | None = None) -> None:
    """Record one value of ``namespace``/``name`` with ``dimensions`` (as of now, by default)."""
    publish_many(ctx, namespace, [(name, value, unit, dimensions)], timestamp)


def publish_many(ctx: Ctx, namespace: str, items: Iterable[Metric], timestamp: float | None = None) -> None:
    """Record several (name, value, unit, dimensions) values in one store transaction."""
    # imported here: services that never publish do not load CloudWatch
    from fogbank.services.cloudwatch import metrics as cw
    from fogbank.services.cloudwatch.store import Slot

    now = ctx.clock.now()
    ts = now if timestamp is None else timestamp
    try:
        with ctx.store.transaction() as txn:
            for name, value, unit, dimensions in items:
                datum: dict[str, Any] = {
                    "MetricName": name,
                    "Dimensions": [{"Name": k, "Value": v} for k, v in (dimensions or {}).items()],
                }
                value = float(value)
                start = int(ts // 60 * 60)
                cw.store_datum(ctx, txn, namespace, datum, start, 60, unit or "None",
                               Slot(1.0, value, value, value, {value: 1.0}), now)
    except Exception:  # never fail the caller's request over a metric
        log.warning("could not publish %s metrics", namespace, exc_info=True)

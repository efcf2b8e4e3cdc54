"""DynamoDB's own CloudWatch metrics (``AWS/DynamoDB``), published as AWS publishes them.

Every request that consumes capacity records, in one ``publish_many``:
ConsumedReadCapacityUnits or ConsumedWriteCapacityUnits (read their Sum) per ``TableName`` (the
table with its local indexes) and per ``TableName`` + ``GlobalSecondaryIndexName`` for what its
global indexes consumed; SuccessfulRequestLatency (Milliseconds, fogbank's own time between
admission and charge) per ``TableName`` + ``Operation``; and, at most once a minute per table,
ProvisionedReadCapacityUnits/ProvisionedWriteCapacityUnits for PROVISIONED tables (and their
GSIs). A throttled request records ThrottledRequests (``TableName`` + ``Operation``) and
ReadThrottleEvents or WriteThrottleEvents (per table, or per table and GSI when the index's
bucket was the one empty).
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from fogbank import metrics
from fogbank.context import Ctx
from fogbank.services.dynamodb.schema import Table

NAMESPACE = "AWS/DynamoDB"
#: where admission leaves the request's start, for SuccessfulRequestLatency
STARTED = "dynamodb_started"


def started(ctx: Ctx) -> None:
    """Mark the request's admission."""
    ctx.extras[STARTED] = time.perf_counter()


def consumed(ctx: Ctx, table: Table, read: bool, units: float, gsis: Mapping[str, float],
             provisioned: bool) -> None:
    """Record what one request consumed on one table (and the provisioned gauges when due)."""
    name = "ConsumedReadCapacityUnits" if read else "ConsumedWriteCapacityUnits"
    dims = {"TableName": table.name}
    items: list[metrics.Metric] = [(name, units, "Count", dims)]
    for index, used in gsis.items():
        items.append((name, used, "Count", {"TableName": table.name, "GlobalSecondaryIndexName": index}))
    begun = ctx.extras.get(STARTED)
    if begun is not None and ctx.operation:
        latency = (time.perf_counter() - begun) * 1000.0
        items.append(("SuccessfulRequestLatency", latency, "Milliseconds", {"TableName": table.name, "Operation": ctx.operation}))
    if provisioned:
        rec = table.record
        items += [("ProvisionedReadCapacityUnits", float(rec["rcu"]), "Count", dims),
                  ("ProvisionedWriteCapacityUnits", float(rec["wcu"]), "Count", dims)]
        for gsi in rec.get("gsis") or []:
            if "rcu" in gsi:
                gdims = {"TableName": table.name, "GlobalSecondaryIndexName": gsi["IndexName"]}
                items += [("ProvisionedReadCapacityUnits", float(gsi["rcu"]), "Count", gdims),
                          ("ProvisionedWriteCapacityUnits", float(gsi["wcu"]), "Count", gdims)]
    metrics.publish_many(ctx, NAMESPACE, items)


def throttled(ctx: Ctx, table: Table, read: bool, index: str | None) -> None:
    """Record a request refused for want of capacity on the table or on GSI ``index``."""
    event = "ReadThrottleEvents" if read else "WriteThrottleEvents"
    dims = {"TableName": table.name} if index is None else {"TableName": table.name, "GlobalSecondaryIndexName": index}
    items: list[metrics.Metric] = [(event, 1.0, "Count", dims)]
    if ctx.operation:
        items.append(("ThrottledRequests", 1.0, "Count", {"TableName": table.name, "Operation": ctx.operation}))
    metrics.publish_many(ctx, NAMESPACE, items)

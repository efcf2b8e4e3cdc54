"""Capacity units as DynamoDB counts them, the ConsumedCapacity answer, and throttling.

Reads cost one unit per 4 KB (rounded up, at least one): 1 RCU strongly consistent, 0.5
eventually consistent, 2 transactional. Writes cost one unit per 1 KB (at least one), 2
transactional. Query and Scan round the sum of the sizes they read, not each item.

Throttling: a PROVISIONED table (and each of its GSIs) has a token bucket per direction that
refills at its provisioned rate on fogbank's clock and holds at most 300 seconds of unused
capacity (DynamoDB's burst capacity); a new bucket starts full, as a new table in AWS has its
burst to spend. A request is admitted while its buckets are above zero and then charged what it
consumed, so a large request can take a bucket below zero and the next ones wait for the refill.
The buckets are rate state, not data: they live in memory and start full after a restart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from fogbank.context import Ctx
from fogbank.services.dynamodb import metrics
from fogbank.services.dynamodb.errors import ProvisionedThroughputExceededException
from fogbank.services.dynamodb.schema import Table

BURST_SECONDS = 300
READ_UNIT = 4096
WRITE_UNIT = 1024


def read_units(size: int, consistent: bool, transactional: bool = False) -> float:
    """RCUs for reading ``size`` bytes (one item, or the sum a Query/Scan read)."""
    units = max(1, math.ceil(size / READ_UNIT))
    if transactional:
        return float(units * 2)
    return float(units) if consistent else units / 2


def write_units(size: int, transactional: bool = False) -> float:
    """WCUs for writing an item of ``size`` bytes."""
    units = max(1, math.ceil(size / WRITE_UNIT))
    return float(units * 2 if transactional else units)


@dataclass
class Consumed:
    """What one request consumed on one table, split between the table and its indexes."""

    table: str
    read: bool
    units: float = 0.0
    gsis: dict[str, float] = field(default_factory=dict)
    lsis: dict[str, float] = field(default_factory=dict)

    def add_index(self, kind: str, name: str, units: float) -> None:
        """Count units consumed by an index."""
        target = self.gsis if kind == "GSI" else self.lsis
        target[name] = target.get(name, 0.0) + units

    def total(self) -> float:
        """Units on the table and all its indexes."""
        return self.units + sum(self.gsis.values()) + sum(self.lsis.values())

    def describe(self, mode: str | None) -> dict[str, Any] | None:
        """The ConsumedCapacity member for ReturnConsumedCapacity ``mode`` (None for NONE)."""
        if mode not in ("TOTAL", "INDEXES"):
            return None
        side = "ReadCapacityUnits" if self.read else "WriteCapacityUnits"
        total = self.total()
        out: dict[str, Any] = {"TableName": self.table, "CapacityUnits": total, side: total}
        if mode == "INDEXES":
            out["Table"] = {"CapacityUnits": self.units, side: self.units}
            if self.gsis:
                out["GlobalSecondaryIndexes"] = {n: {"CapacityUnits": u, side: u} for n, u in self.gsis.items()}
            if self.lsis:
                out["LocalSecondaryIndexes"] = {n: {"CapacityUnits": u, side: u} for n, u in self.lsis.items()}
        return out


def merge(items: list[Consumed]) -> list[Consumed]:
    """Per-table sums of several Consumed records (batch and transaction answers)."""
    out: dict[str, Consumed] = {}
    for c in items:
        into = out.setdefault(c.table, Consumed(c.table, c.read))
        into.read = into.read and c.read
        into.units += c.units
        for n, u in c.gsis.items():
            into.add_index("GSI", n, u)
        for n, u in c.lsis.items():
            into.add_index("LSI", n, u)
    return list(out.values())


class Buckets:
    """Token buckets of PROVISIONED tables and GSIs: ``admit`` before a request, ``charge`` after."""

    def __init__(self) -> None:
        self._buckets: dict[tuple[str, ...], list[float]] = {}
        # the minute each table last reported its provisioned capacity to CloudWatch
        self._reported: dict[tuple[str, ...], int] = {}

    def clear(self) -> None:
        """Forget every bucket."""
        self._buckets.clear()
        self._reported.clear()

    @staticmethod
    def enabled(ctx: Ctx, table: Table) -> bool:
        """Whether ``table`` throttles (PROVISIONED, and throttling not switched off)."""
        return table.provisioned and getattr(ctx.config, "dynamodb_throttling", True)

    def _rates(self, table: Table, read: bool, index: str | None) -> float:
        rec = table.record
        if index is None:
            return float(rec["rcu"] if read else rec["wcu"])
        for gsi in rec.get("gsis") or []:
            if gsi["IndexName"] == index:
                return float(gsi["rcu"] if read else gsi["wcu"])
        return float(rec["rcu"] if read else rec["wcu"])

    def _level(self, ctx: Ctx, table: Table, read: bool, index: str | None) -> list[float]:
        key = (ctx.account, ctx.region, table.name, table.record["id"], index or "", "R" if read else "W")
        rate = self._rates(table, read, index)
        now = ctx.clock.now()
        bucket = self._buckets.get(key)
        cap = rate * BURST_SECONDS
        if bucket is None:
            bucket = self._buckets[key] = [cap, now]
        else:
            bucket[0] = min(cap, bucket[0] + (now - bucket[1]) * rate)
            bucket[1] = now
        return bucket

    def admit(self, ctx: Ctx, table: Table, read: bool, indexes: list[str] | None = None) -> None:
        """Raise ProvisionedThroughputExceededException when a bucket the request needs is empty."""
        metrics.started(ctx)
        if not self.enabled(ctx, table):
            return
        for index in [None, *(indexes or [])]:
            if self._level(ctx, table, read, index)[0] <= 0:
                metrics.throttled(ctx, table, read, index)
                raise ProvisionedThroughputExceededException()

    def charge(self, ctx: Ctx, table: Table, consumed: Consumed) -> None:
        """Take what a request consumed out of its buckets (transactions' doubling included), and
        publish it to CloudWatch."""
        provisioned = False
        if table.provisioned:
            key = (ctx.account, ctx.region, table.name, table.record["id"])
            minute = int(ctx.clock.now() // 60)
            if self._reported.get(key) != minute:
                self._reported[key] = minute
                provisioned = True
        metrics.consumed(ctx, table, consumed.read, consumed.units + sum(consumed.lsis.values()), consumed.gsis,
                         provisioned)
        if not self.enabled(ctx, table):
            return
        self._level(ctx, table, consumed.read, None)[0] -= consumed.units + sum(consumed.lsis.values())
        for name, units in consumed.gsis.items():
            self._level(ctx, table, consumed.read, name)[0] -= units

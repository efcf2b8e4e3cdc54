"""CloudWatch's key layout in the store. Every key starts with ("cloudwatch", account, region).

  (..., "metric", namespace, name, dimkey)            -> {"d": [[dim, value], ...], "t": last put}
  (..., "data", namespace, name, dimkey, block, res, unit) -> packed statistics of up to 60 slots
  (..., "dist", namespace, name, dimkey, ts, res, unit)    -> the distribution of one slot
  (..., "alarm", name)                                -> alarm record (configuration and state)
  (..., "history", name, ts_ms, seq)                  -> one alarm history item
  (..., "dashboard", name)                            -> {"body", "modified", "size"}
  (..., "tags", arn)                                  -> {key: value} of a taggable resource
  (..., "rollup")                                     -> clock time of the last retention roll-up

``dimkey`` is the canonical text of a metric's dimensions (sorted by name), so one metric is one
key prefix and a series read is one range scan. A slot is one ``res`` seconds of data: 1 (high
resolution, kept for 3 hours), 60, 300 or 3600 as retention rolls data up; slots are grouped in
blocks of 60 (``block`` is the start of the block), so a read of 10,000 minutes decodes about 170
keys. A block value is a run of ``<ts, count, sum, min, max>`` records (int64 and doubles).
Distributions (for percentiles) live apart, one key per slot, read only for percentiles: (value,
count) pairs as doubles, or ``UNKNOWN`` when a statistic set was merged into the slot.
"""

from __future__ import annotations

import json
import struct
from typing import Any

from fogbank.store import records

SERVICE = "cloudwatch"

_PAIR = struct.Struct("<dd")
_RECORD = struct.Struct("<qdddd")
#: the distribution value of a slot whose distribution is unknown
UNKNOWN = b"?"
#: slots per data block
BLOCK_SLOTS = 60
#: the widest block (60 one-hour slots): a read starts this far before its start time
MAX_BLOCK_SPAN = 3600 * BLOCK_SLOTS
#: beyond this many distinct values a slot keeps no distribution (percentiles of huge slots are
#: not what local tests use, and the value must stay small)
MAX_DISTINCT = 2000


def base(account: str, region: str) -> tuple[str, str, str]:
    """The prefix of every CloudWatch key of an account and region."""
    return (SERVICE, account, region)


def dim_key(dimensions: list[dict[str, str]] | None) -> str:
    """The canonical text of a dimension set: order-free, so equal sets give one metric."""
    pairs = sorted((d["Name"], d["Value"]) for d in dimensions or ())
    return json.dumps(pairs, separators=(",", ":"), ensure_ascii=False)


def metric_key(account: str, region: str, namespace: str, name: str, dims: str) -> tuple:
    """Where a metric's record lives."""
    return (SERVICE, account, region, "metric", namespace, name, dims)


def metrics_prefix(account: str, region: str, *parts: str) -> tuple:
    """The prefix of metric records (optionally of one namespace, or one namespace and name)."""
    return (SERVICE, account, region, "metric", *parts)


def data_prefix(account: str, region: str, namespace: str, name: str, dims: str) -> tuple:
    """The prefix of one metric's data slots, oldest first."""
    return (SERVICE, account, region, "data", namespace, name, dims)


def all_data_prefix(account: str, region: str) -> tuple:
    """The prefix of every data block of an account and region."""
    return (SERVICE, account, region, "data")


def dist_prefix(account: str, region: str, namespace: str, name: str, dims: str) -> tuple:
    """The prefix of one metric's slot distributions."""
    return (SERVICE, account, region, "dist", namespace, name, dims)


def block_of(ts: int, res: int) -> int:
    """The start of the block holding the slot that starts at ``ts``."""
    span = res * BLOCK_SLOTS
    return ts // span * span


def unpack_block(data: bytes | None) -> dict[int, list[float]]:
    """A block's slots: ts -> [count, sum, min, max]."""
    if not data:
        return {}
    return {int(r[0]): [r[1], r[2], r[3], r[4]] for r in _RECORD.iter_unpack(data)}


def iter_block(data: bytes) -> Any:
    """(ts, count, sum, min, max) of each slot of a block, without building a dict."""
    return _RECORD.iter_unpack(data)


def pack_block(slots: dict[int, list[float]]) -> bytes:
    """A block's bytes (slots in time order)."""
    return b"".join(_RECORD.pack(ts, *slots[ts]) for ts in sorted(slots))


def pack_dist(dist: dict[float, float] | None) -> bytes:
    """A slot's distribution as stored bytes."""
    if dist is None or len(dist) > MAX_DISTINCT:
        return UNKNOWN
    return b"".join(_PAIR.pack(v, c) for v, c in dist.items())


def unpack_dist(data: bytes | None) -> dict[float, float] | None:
    """A slot's distribution from stored bytes (None when unknown)."""
    if data is None or data == UNKNOWN:
        return None
    return {v: c for v, c in _PAIR.iter_unpack(data)}


def alarm_key(account: str, region: str, name: str) -> tuple:
    """Where an alarm lives."""
    return (SERVICE, account, region, "alarm", name)


def alarms_prefix(account: str, region: str) -> tuple:
    """The prefix of all alarms of an account and region, in name order."""
    return (SERVICE, account, region, "alarm")


def history_prefix(account: str, region: str, name: str | None = None) -> tuple:
    """The prefix of alarm history (of one alarm, oldest first)."""
    base_ = (SERVICE, account, region, "history")
    return base_ if name is None else (*base_, name)


def dashboard_key(account: str, region: str, name: str) -> tuple:
    """Where a dashboard lives."""
    return (SERVICE, account, region, "dashboard", name)


def dashboards_prefix(account: str, region: str) -> tuple:
    """The prefix of all dashboards, in name order."""
    return (SERVICE, account, region, "dashboard")


def tags_key(account: str, region: str, arn: str) -> tuple:
    """Where a resource's tags live."""
    return (SERVICE, account, region, "tags", arn)


def rollup_key(account: str, region: str) -> tuple:
    """When retention last rolled this account and region's data up."""
    return (SERVICE, account, region, "rollup")


class Slot:
    """The statistics of one data slot: count, sum, min, max and (when known) the distribution."""

    __slots__ = ("count", "total", "low", "high", "dist")

    def __init__(self, count: float, total: float, low: float, high: float, dist: dict[float, float] | None) -> None:
        self.count = count
        self.total = total
        self.low = low
        self.high = high
        self.dist = dist

    @classmethod
    def of_values(cls, values: list[float], counts: list[float]) -> Slot:
        """A slot holding raw values, each seen ``counts`` times."""
        dist: dict[float, float] = {}
        for value, count in zip(values, counts, strict=True):
            dist[value] = dist.get(value, 0.0) + count
        return cls(float(sum(counts)), float(sum(v * c for v, c in zip(values, counts, strict=True))),
                   min(values), max(values), dist)

    def merge(self, other: Slot) -> None:
        """Add ``other``'s samples to this slot."""
        self.count += other.count
        self.total += other.total
        self.low = min(self.low, other.low)
        self.high = max(self.high, other.high)
        if self.dist is None or other.dist is None:
            self.dist = None
            return
        dist = self.dist
        for value, count in other.dist.items():
            dist[value] = dist.get(value, 0.0) + count
        if len(dist) > MAX_DISTINCT:
            self.dist = None


# records are stored in the shared JSON form (fogbank.store.records)
dumps = records.dump
loads = records.load

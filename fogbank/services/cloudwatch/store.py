"""CloudWatch's key layout in the store. Every key starts with ("cloudwatch", account, region).

  (..., "metric", namespace, name, dimkey)            -> {"d": [[dim, value], ...], "t": last put}
  (..., "data", namespace, name, dimkey, ts, res, unit) -> packed statistics of one slot (below)
  (..., "alarm", name)                                -> alarm record (configuration and state)
  (..., "history", name, ts_ms, seq)                  -> one alarm history item
  (..., "dashboard", name)                            -> {"body", "modified", "size"}
  (..., "tags", arn)                                  -> {key: value} of a taggable resource
  (..., "rollup")                                     -> clock time of the last retention roll-up

``dimkey`` is the canonical text of a metric's dimensions (sorted by name), so one metric is one
key prefix and a series read is one range scan. ``ts`` is the slot's start (whole seconds) and
``res`` its width: 1 (high resolution, kept for 3 hours), 60, 300 or 3600 as retention rolls data
up. A data value is ``<count, sum, min, max>`` as doubles plus the distribution of values as
(value, count) pairs for percentiles; a distribution of -1 entries means "unknown" (a statistic
set was merged in), for which percentiles are not available.
"""

from __future__ import annotations

import json
import struct
from typing import Any

SERVICE = "cloudwatch"

_HEAD = struct.Struct("<ddddi")
_PAIR = struct.Struct("<dd")
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
    """The prefix of every data slot of an account and region."""
    return (SERVICE, account, region, "data")


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


def dumps(value: Any) -> bytes:
    """A record as compact JSON bytes."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def loads(data: bytes) -> Any:
    """A record back from JSON bytes."""
    return json.loads(data)


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

    def pack(self) -> bytes:
        """The slot as stored bytes."""
        if self.dist is None:
            return _HEAD.pack(self.count, self.total, self.low, self.high, -1)
        parts = [_HEAD.pack(self.count, self.total, self.low, self.high, len(self.dist))]
        parts.extend(_PAIR.pack(v, c) for v, c in self.dist.items())
        return b"".join(parts)

    @classmethod
    def unpack(cls, data: bytes, with_dist: bool = True) -> Slot:
        """A slot from stored bytes (``with_dist`` False skips the distribution, for speed)."""
        count, total, low, high, n = _HEAD.unpack_from(data)
        dist: dict[float, float] | None = None
        if n >= 0 and with_dist:
            dist = {}
            for value, c in _PAIR.iter_unpack(data[_HEAD.size:]):
                dist[value] = c
        elif n >= 0:
            dist = {}
        return cls(count, total, low, high, dist)

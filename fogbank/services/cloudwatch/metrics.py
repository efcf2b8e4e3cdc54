"""Metric data: validating PutMetricData, storing slots, reading a metric's series aggregated to
a period with one statistic, and rolling data up as AWS's retention does on fogbank's clock.

Retention (AWS's): 1-second data for 3 hours, then 60-second data for 15 days, 5-minute data for
63 days and 1-hour data for 455 days. A roll-up merges each expired slot into its coarser slot.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from fogbank.context import Ctx
from fogbank.services.cloudwatch import store as keys
from fogbank.services.cloudwatch.errors import combination, invalid, missing
from fogbank.services.cloudwatch.store import Slot

TWO_WEEKS = 14 * 86400
TWO_HOURS = 2 * 3600
MAX_DIMENSIONS = 30
MAX_VALUES = 150
#: AWS refuses values of magnitude beyond 2^360 (and below 2^-260 other than zero)
MAX_MAGNITUDE = 2.0**360
MIN_MAGNITUDE = 2.0**-260
#: (age beyond which, resolution data older than that age is rolled into)
TIERS = ((3 * 3600, 60), (15 * 86400, 300), (63 * 86400, 3600))
EXPIRY = 455 * 86400
ROLLUP_EVERY = 3600
RECENTLY_ACTIVE = 3 * 3600
BASIC_STATISTICS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
_PERCENTILE = re.compile(r"^p(\d{1,2}(\.\d{1,10})?|100(\.0{1,10})?)$")


def seconds(value: Any) -> float:
    """A request timestamp (datetime, or a number of seconds) as epoch seconds."""
    if isinstance(value, datetime):
        return value.timestamp()
    return float(value)


def _check_value(value: float, where: str) -> None:
    if math.isnan(value) or math.isinf(value):
        raise invalid(f"The value {value} for parameter {where} is invalid.")
    magnitude = abs(value)
    if magnitude and (magnitude > MAX_MAGNITUDE or magnitude < MIN_MAGNITUDE):
        raise invalid(f"The value {value} for parameter {where} is invalid.")


def check_dimensions(dims: list[dict[str, str]] | None, where: str) -> None:
    """AWS's dimension rules: at most 30, names unique, values non-empty."""
    dims = dims or []
    if len(dims) > MAX_DIMENSIONS:
        raise invalid(f"The collection {where} must not have a size greater than {MAX_DIMENSIONS}.")
    seen: set[str] = set()
    for i, dim in enumerate(dims, 1):
        name = dim.get("Name")
        if name is None or "Value" not in dim:
            raise missing(f"The parameter {where}.member.{i}.{'Name' if name is None else 'Value'} is required.")
        if name in seen:
            raise invalid(f"No metric may have duplicate dimension names: {name}")
        seen.add(name)


def parse_datum(datum: dict[str, Any], index: int, now: float) -> tuple[int, int, str, Slot]:
    """One MetricDatum, checked as AWS checks it: (slot start, resolution, unit, samples)."""
    where = f"MetricData.member.{index}"
    check_dimensions(datum.get("Dimensions"), f"{where}.Dimensions")
    ts = seconds(datum["Timestamp"]) if datum.get("Timestamp") is not None else now
    if ts < now - TWO_WEEKS:
        raise invalid(f"The parameter {where}.Timestamp must specify a time no more than two weeks in the past.")
    if ts > now + TWO_HOURS:
        raise invalid(f"The parameter {where}.Timestamp must specify a time no more than two hours in the future.")
    resolution = datum.get("StorageResolution", 60)
    if resolution not in (1, 60):
        raise invalid(f"The value {resolution} for parameter {where}.StorageResolution is invalid.")
    has_value = datum.get("Value") is not None
    stats = datum.get("StatisticValues")
    values = datum.get("Values")
    counts = datum.get("Counts")
    given = [n for n, present in (("Value", has_value), ("StatisticValues", stats is not None), ("Values", values is not None)) if present]
    if len(given) > 1:
        raise combination(f"The parameters {where}.{given[0]} and {where}.{given[1]} are mutually exclusive and you have specified both.")
    if not given:
        raise missing(f"The parameter {where}.Value, {where}.StatisticValues or {where}.Values is required.")
    if counts is not None and values is None:
        raise combination(f"The parameter {where}.Counts can only be used together with {where}.Values.")
    if has_value:
        value = float(datum["Value"])
        _check_value(value, f"{where}.Value")
        slot = Slot(1.0, value, value, value, {value: 1.0})
    elif stats is not None:
        for name in ("SampleCount", "Sum", "Minimum", "Maximum"):
            _check_value(float(stats[name]), f"{where}.StatisticValues.{name}")
        if stats["SampleCount"] <= 0:
            raise invalid(f"The value {stats['SampleCount']} for parameter {where}.StatisticValues.SampleCount is invalid.")
        if stats["Minimum"] > stats["Maximum"]:
            raise invalid(f"The parameter {where}.StatisticValues.Maximum must be greater than {where}.StatisticValues.Minimum.")
        slot = Slot(float(stats["SampleCount"]), float(stats["Sum"]), float(stats["Minimum"]), float(stats["Maximum"]), None)
    else:
        values = [float(v) for v in values or ()]
        if not values:
            raise missing(f"The parameter {where}.Values must not be empty.")
        if len(values) > MAX_VALUES:
            raise invalid(f"The collection {where}.Values must not have a size greater than {MAX_VALUES}.")
        for i, v in enumerate(values, 1):
            _check_value(v, f"{where}.Values.member.{i}")
        if counts is None:
            counts = [1.0] * len(values)
        elif len(counts) != len(values):
            raise invalid(f"The parameters {where}.Values and {where}.Counts must be of the same size.")
        counts = [float(c) for c in counts]
        if any(c <= 0 or math.isnan(c) or math.isinf(c) for c in counts):
            raise invalid(f"The parameter {where}.Counts must contain only positive numbers.")
        slot = Slot.of_values(values, counts)
    unit = datum.get("Unit") or "None"
    start = int(ts // resolution * resolution)
    return start, resolution, unit, slot


def store_datum(ctx: Ctx, txn: Any, namespace: str, datum: dict[str, Any], start: int, resolution: int,
                unit: str, slot: Slot, now: float) -> None:
    """Merge one parsed datum into its slot and mark its metric active (inside ``txn``)."""
    dims = keys.dim_key(datum.get("Dimensions"))
    name = datum["MetricName"]
    write_slot(txn, keys.data_prefix(ctx.account, ctx.region, namespace, name, dims),
               keys.dist_prefix(ctx.account, ctx.region, namespace, name, dims), start, resolution, unit, slot)
    mkey = keys.metric_key(ctx.account, ctx.region, namespace, name, dims)
    # the metric record changes only when it is new or its activity mark is stale, which keeps
    # a burst of puts to one metric to one data write each
    record = txn.get(mkey)
    if record is None or now - keys.loads(record)["t"] > 60:
        pairs = [[d["Name"], d["Value"]] for d in sorted(datum.get("Dimensions") or (), key=lambda d: d["Name"])]
        txn.put(mkey, keys.dumps({"d": pairs, "t": now}))


def write_slot(txn: Any, data_prefix: tuple, dist_prefix: tuple, start: int, res: int, unit: str, slot: Slot) -> None:
    """Merge ``slot`` into the stored slot at ``start`` (its block record and its distribution)."""
    bkey = (*data_prefix, keys.block_of(start, res), res, unit)
    block = keys.unpack_block(txn.get(bkey))
    have = block.get(start)
    dkey = (*dist_prefix, start, res, unit)
    if have is None:
        block[start] = [slot.count, slot.total, slot.low, slot.high]
        dist = slot.dist
    else:
        old = Slot(have[0], have[1], have[2], have[3], keys.unpack_dist(txn.get(dkey)))
        old.merge(slot)
        block[start] = [old.count, old.total, old.low, old.high]
        dist = old.dist
    txn.put(bkey, keys.pack_block(block))
    txn.put(dkey, keys.pack_dist(dist))


def read_slots(ctx: Ctx, namespace: str, name: str, dims: str, start: float, end: float,
               unit: str | None = None, with_dist: bool = True) -> Iterator[tuple[int, Slot, str]]:
    """(slot start, slot, unit) of one metric with start <= slot start < end (distributions only
    when ``with_dist``; otherwise ``Slot.dist`` is an empty dict)."""
    prefix = keys.data_prefix(ctx.account, ctx.region, namespace, name, dims)
    low_ts = int(math.floor(start))
    high_ts = int(math.ceil(end))
    dists: dict[tuple[int, int, str], bytes] = {}
    if with_dist:
        dprefix = keys.dist_prefix(ctx.account, ctx.region, namespace, name, dims)
        for key, value in ctx.store.scan(dprefix, start=(*dprefix, low_ts), end=(*dprefix, high_ts)):
            dists[(key[-3], key[-2], key[-1])] = value
    low = (*prefix, low_ts - keys.MAX_BLOCK_SPAN)
    high = (*prefix, high_ts)
    for key, value in ctx.store.scan(prefix, start=low, end=high):
        block_unit = key[-1]
        if unit is not None and block_unit != unit:
            continue
        res = key[-2]
        for ts, count, total, lo, hi in keys.iter_block(value):
            if low_ts <= ts < high_ts:
                dist = keys.unpack_dist(dists.get((ts, res, block_unit))) if with_dist else {}
                yield ts, Slot(count, total, lo, hi, dist), block_unit


def aggregate(slots: Iterable[tuple[int, Slot, str]], origin: int, period: int,
              units: dict[int, str] | None = None) -> dict[int, Slot]:
    """Slots merged into periods that start at ``origin + k * period`` (the first unit seen in
    each period goes into ``units`` when given). The slots given are merged into in place."""
    out: dict[int, Slot] = {}
    for ts, slot, unit in slots:
        bucket = origin + (ts - origin) // period * period
        have = out.get(bucket)
        if units is not None and bucket not in units:
            units[bucket] = unit
        if have is None:
            # read_slots makes a fresh Slot per item: it can become the period's accumulator
            out[bucket] = slot
        else:
            have.merge(slot)
    return out


def is_percentile(stat: str) -> bool:
    """True for an extended statistic fogbank computes: p0 ... p100 (with decimals)."""
    return bool(_PERCENTILE.match(stat))


def statistic(slot: Slot, stat: str) -> float | None:
    """One statistic of an aggregated period (None where it cannot be computed)."""
    if stat == "Sum":
        return slot.total
    if stat == "Average":
        return slot.total / slot.count if slot.count else None
    if stat == "Minimum":
        return slot.low
    if stat == "Maximum":
        return slot.high
    if stat == "SampleCount":
        return slot.count
    if is_percentile(stat):
        return percentile(slot, float(stat[1:]))
    return None


def percentile(slot: Slot, p: float) -> float | None:
    """The nearest-rank percentile of a slot's distribution (None when it is unknown)."""
    if slot.dist is None or not slot.dist:
        return None
    if p <= 0:
        return slot.low
    if p >= 100:
        return slot.high
    total = sum(slot.dist.values())
    rank = math.ceil(p / 100.0 * total)
    seen = 0.0
    for value in sorted(slot.dist):
        seen += slot.dist[value]
        if seen >= rank:
            return value
    return slot.high


def origin_for(start: float, period: int) -> int:
    """Where periods start: AWS rounds StartTime down to the period (or to the minute)."""
    step = period if period < 60 or period % 60 else 60
    return int(math.floor(start) // step * step)


def retain(ctx: Ctx) -> None:
    """Roll data up when an hour of clock time has passed since the last roll-up, so reads see
    AWS's granularity for old data without waiting for the worker."""
    now = ctx.clock.now()
    key = keys.rollup_key(ctx.account, ctx.region)
    raw = ctx.store.get(key)
    if raw is not None and now - float(raw) < ROLLUP_EVERY:
        return
    rollup(ctx, now)
    ctx.store.put(key, repr(now).encode())


def rollup(ctx: Ctx, now: float) -> int:
    """Merge slots past their resolution's retention into the next coarser one; drop data past
    455 days. Returns how many slots moved or went."""
    prefix = keys.all_data_prefix(ctx.account, ctx.region)
    due: list[tuple[tuple, bytes]] = []
    for key, value in ctx.store.scan(prefix):
        block, res = key[-3], key[-2]
        # a block is due when its oldest slot is
        age = now - block
        if age > EXPIRY or any(age > limit and res < target for limit, target in TIERS):
            due.append((key, value))
    moved = 0
    if not due:
        return 0
    with ctx.store.transaction() as txn:
        for key, _ in due:
            metric = key[:-3]
            block, res, unit = key[-3], key[-2], key[-1]
            dprefix = (keys.SERVICE, ctx.account, ctx.region, "dist", *metric[4:])
            slots = keys.unpack_block(txn.get(key))
            keep: dict[int, list[float]] = {}
            for ts, (count, total, low, high) in slots.items():
                age = now - ts
                targets = [t for limit, t in TIERS if age > limit and res < t]
                if age <= EXPIRY and not targets:
                    keep[ts] = [count, total, low, high]
                    continue
                moved += 1
                dkey = (*dprefix, ts, res, unit)
                dist = keys.unpack_dist(txn.get(dkey))
                txn.delete(dkey)
                if age > EXPIRY:
                    continue
                target = max(targets)
                write_slot(txn, metric, dprefix, ts // target * target, target, unit, Slot(count, total, low, high, dist))
            if keep:
                txn.put(key, keys.pack_block(keep))
            else:
                txn.delete(key)
    return moved

"""Log groups and log streams: names, retention, KMS key, class, tags, ARNs, and the retention sweep.

A group record is ``{"name", "created", "retention", "kms", "class", "tags", "protected"}``; a stream
record is ``{"name", "created", "first", "last", "ingested", "bytes", "seq"}`` (times in ms).
"""

from __future__ import annotations

import re
from typing import Any

from fogbank.context import Ctx
from fogbank.services.logs import store
from fogbank.services.logs.errors import (
    ResourceAlreadyExistsException,
    constraint,
    group_not_found,
    invalid,
    stream_not_found,
)

#: the retention periods (days) CloudWatch Logs accepts
RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
                  2922, 3288, 3653)
GROUP_NAME = re.compile(r"[\.\-_/#A-Za-z0-9]+")
STREAM_NAME = re.compile(r"[^:*]*")
GROUP_CLASSES = ("STANDARD", "INFREQUENT_ACCESS", "DELIVERY")
DAY_MS = 86_400_000


def partition(region: str) -> str:
    """The ARN partition of a region."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def group_arn(ctx: Ctx, name: str, star: bool = True) -> str:
    """A log group's ARN (``…:log-group:name:*`` as ``arn``; without ``:*`` as ``logGroupArn``)."""
    arn = f"arn:{partition(ctx.region)}:logs:{ctx.region}:{ctx.account}:log-group:{name}"
    return arn + ":*" if star else arn


def name_from_identifier(identifier: str) -> str:
    """A log group name from a name or an ARN (``logGroupIdentifier``)."""
    if identifier.startswith("arn:"):
        _, sep, rest = identifier.partition(":log-group:")
        if not sep or not rest:
            raise invalid(f"Invalid ARN: {identifier}")
        return rest[:-2] if rest.endswith(":*") else rest
    return identifier


def group_name_of(request: dict[str, Any]) -> str:
    """The group named by ``logGroupName`` or ``logGroupIdentifier`` (exactly one of them)."""
    name, ident = request.get("logGroupName"), request.get("logGroupIdentifier")
    if name and ident:
        raise invalid("LogGroup name and LogGroup ARN are mutually exclusive parameters.")
    if ident:
        return name_from_identifier(ident)
    if not name:
        raise invalid("Either logGroupName or logGroupIdentifier must be provided.")
    return name


def check_group_name(name: str) -> None:
    """InvalidParameterException unless ``name`` is a valid log group name."""
    if not GROUP_NAME.fullmatch(name):
        raise constraint(name, "logGroupName", r"Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+")


def check_stream_name(name: str) -> None:
    """InvalidParameterException unless ``name`` is a valid log stream name."""
    if not STREAM_NAME.fullmatch(name):
        raise constraint(name, "logStreamName", "Member must satisfy regular expression pattern: [^:*]*")


def check_retention(days: int) -> int:
    """``days`` if CloudWatch Logs accepts it as a retention period."""
    if days not in RETENTION_DAYS:
        values = ", ".join(str(d) for d in RETENTION_DAYS)
        raise constraint(days, "retentionInDays", f"Member must satisfy enum value set: [{values}]")
    return days


def get_group(ctx: Ctx, name: str) -> dict[str, Any]:
    """A log group's record, or ResourceNotFoundException."""
    raw = ctx.store.get(store.group_key(ctx.account, ctx.region, name))
    if raw is None:
        raise group_not_found()
    return store.load(raw)


def get_stream(ctx: Ctx, group: str, stream: str) -> dict[str, Any]:
    """A log stream's record, or ResourceNotFoundException."""
    raw = ctx.store.get(store.stream_key(ctx.account, ctx.region, group, stream))
    if raw is None:
        raise stream_not_found()
    return store.load(raw)


def put_group(ctx: Ctx, record: dict[str, Any]) -> None:
    """Write a log group's record."""
    ctx.store.put(store.group_key(ctx.account, ctx.region, record["name"]), store.dump(record))


def create_group(ctx: Ctx, name: str, kms: str | None, tags: dict[str, str], group_class: str | None,
                 protected: bool) -> dict[str, Any]:
    """Create a log group (ResourceAlreadyExistsException when the name is taken)."""
    check_group_name(name)
    if group_class is not None and group_class not in GROUP_CLASSES:
        raise constraint(group_class, "logGroupClass", f"Member must satisfy enum value set: [{', '.join(GROUP_CLASSES)}]")
    record = {"name": name, "created": ctx.clock.now_ms(), "retention": None, "kms": kms,
              "class": group_class or "STANDARD", "tags": tags, "protected": protected}
    key = store.group_key(ctx.account, ctx.region, name)
    with ctx.store.transaction() as txn:
        if txn.get(key) is not None:
            raise ResourceAlreadyExistsException("The specified log group already exists")
        txn.put(key, store.dump(record))
    return record


def delete_group(ctx: Ctx, name: str) -> None:
    """Delete a log group with its streams, events and filters."""
    record = get_group(ctx, name)
    if record.get("protected"):
        raise invalid("Log group deletion protection is enabled.")
    with ctx.store.transaction() as txn:
        txn.delete(store.group_key(ctx.account, ctx.region, name))
        for prefix in store.group_prefixes(ctx.account, ctx.region, name):
            txn.delete_prefix(prefix)


def create_stream(ctx: Ctx, group: str, name: str) -> None:
    """Create a log stream in an existing group."""
    check_stream_name(name)
    get_group(ctx, group)
    key = store.stream_key(ctx.account, ctx.region, group, name)
    record = {"name": name, "created": ctx.clock.now_ms(), "first": None, "last": None, "ingested": None,
              "bytes": 0, "seq": 0}
    with ctx.store.transaction() as txn:
        if txn.get(key) is not None:
            raise ResourceAlreadyExistsException("The specified log stream already exists")
        txn.put(key, store.dump(record))


def delete_stream(ctx: Ctx, group: str, name: str) -> None:
    """Delete a log stream and its events."""
    get_group(ctx, group)
    get_stream(ctx, group, name)
    with ctx.store.transaction() as txn:
        txn.delete(store.stream_key(ctx.account, ctx.region, group, name))
        txn.delete_prefix(store.events_prefix(ctx.account, ctx.region, group, name))


def cutoff_ms(ctx: Ctx, group: dict[str, Any]) -> int:
    """The oldest timestamp a group still keeps (events before it have expired); 0 without retention."""
    days = group.get("retention")
    return ctx.clock.now_ms() - days * DAY_MS if days else 0


def sweep(ctx: Ctx, group: dict[str, Any]) -> None:
    """Delete the events that the group's retention has expired, keeping stream records in step."""
    cutoff = cutoff_ms(ctx, group)
    if not cutoff:
        return
    name = group["name"]
    for key, raw in list(ctx.store.scan(store.streams_prefix(ctx.account, ctx.region, name))):
        stream = store.load(raw)
        if stream["first"] is None or stream["first"] >= cutoff:
            continue
        prefix = store.events_prefix(ctx.account, ctx.region, name, stream["name"])
        with ctx.store.transaction() as txn:
            gone = 0
            for ekey, eraw in list(txn.scan(prefix, end=prefix + (cutoff,))):
                gone += len(store.load(eraw)["m"].encode("utf-8"))
                txn.delete(ekey)
            first = next(iter(txn.scan(prefix, limit=1)), None)
            stream["bytes"] = max(0, stream["bytes"] - gone)
            stream["first"] = first[0][-2] if first else None
            if first is None:
                stream["last"] = None
            txn.put(key, store.dump(stream))


def streams(ctx: Ctx, group: str) -> list[dict[str, Any]]:
    """Every stream record of a group, in name order."""
    return [store.load(raw) for _, raw in ctx.store.scan(store.streams_prefix(ctx.account, ctx.region, group))]


def describe_group(ctx: Ctx, group: dict[str, Any]) -> dict[str, Any]:
    """A group as DescribeLogGroups shows it."""
    name = group["name"]
    stored = sum(s["bytes"] for s in streams(ctx, name))
    out: dict[str, Any] = {
        "logGroupName": name,
        "creationTime": group["created"],
        "metricFilterCount": ctx.store.count(store.filters_prefix(ctx.account, ctx.region, "mfilter", name)),
        "arn": group_arn(ctx, name),
        "storedBytes": stored,
        "logGroupClass": group.get("class") or "STANDARD",
        "logGroupArn": group_arn(ctx, name, star=False),
        "deletionProtectionEnabled": bool(group.get("protected")),
    }
    if group.get("retention"):
        out["retentionInDays"] = group["retention"]
    if group.get("kms"):
        out["kmsKeyId"] = group["kms"]
    return out


def describe_stream(ctx: Ctx, group: str, stream: dict[str, Any]) -> dict[str, Any]:
    """A stream as DescribeLogStreams shows it."""
    out: dict[str, Any] = {
        "logStreamName": stream["name"],
        "creationTime": stream["created"],
        "arn": f"{group_arn(ctx, group, star=False)}:log-stream:{stream['name']}",
        "storedBytes": stream["bytes"],
    }
    for field, key in (("firstEventTimestamp", "first"), ("lastEventTimestamp", "last"),
                       ("lastIngestionTime", "ingested")):
        if stream.get(key) is not None:
            out[field] = stream[key]
    if stream.get("seq"):
        out["uploadSequenceToken"] = str(stream["seq"]).zfill(56)
    return out

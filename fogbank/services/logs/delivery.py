"""What happens to newly stored events: metric filters publish to CloudWatch and subscription
filters deliver to Lambda (the gzip + base64 ``awslogs`` payload AWS sends). Neither may fail the
PutLogEvents that stored the events."""

from __future__ import annotations

import asyncio
import base64
import gzip
import inspect
import json
import logging
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Ctx
from fogbank.errors import ServiceError
from fogbank.services.logs import filters
from fogbank.services.logs.events import Event
from fogbank.services.logs.filterpattern import compile_pattern, extract
from fogbank.services.logs.filterpattern.values import as_number

log = logging.getLogger("fogbank.logs")

MAX_DATA_PER_CALL = 1000
#: uncompressed JSON per Lambda payload, so that gzip + base64 stays under the async 256 KB limit
MAX_RAW_PAYLOAD = 180_000


def publish_metrics(ctx: Ctx, group: str, accepted: list[Event]) -> None:
    """Turn events that match the group's metric filters into CloudWatch metric data."""
    for mfilter in filters.of_group(ctx, filters.METRIC, group):
        pattern = compile_pattern(mfilter["filterPattern"])
        by_namespace: dict[str, list[dict[str, Any]]] = {}
        for event in accepted:
            found = pattern.match(event.message)
            for transform in mfilter["metricTransformations"]:
                datum = _datum(transform, found, event)
                if datum is not None:
                    by_namespace.setdefault(transform["metricNamespace"], []).append(datum)
        for namespace, data in by_namespace.items():
            for i in range(0, len(data), MAX_DATA_PER_CALL):
                _put_metric_data(ctx, namespace, data[i:i + MAX_DATA_PER_CALL])


def _datum(transform: dict[str, Any], found: dict[str, Any] | None, event: Event) -> dict[str, Any] | None:
    when = datetime.fromtimestamp(event.timestamp / 1000, UTC)
    if found is None:
        default = transform.get("defaultValue")
        if default is None:
            return None
        return {"MetricName": transform["metricName"], "Value": float(default), "Timestamp": when,
                **({"Unit": transform["unit"]} if transform.get("unit") else {})}
    value = as_number(extract(transform["metricValue"], found, event.message))
    if value is None:
        return None
    datum: dict[str, Any] = {"MetricName": transform["metricName"], "Value": value, "Timestamp": when}
    if transform.get("unit"):
        datum["Unit"] = transform["unit"]
    dims = []
    for name, reference in (transform.get("dimensions") or {}).items():
        dim = extract(reference, found, event.message)
        if dim is None or isinstance(dim, dict | list):
            return None
        dims.append({"Name": name, "Value": str(dim)})
    if dims:
        datum["Dimensions"] = dims
    return datum


def _put_metric_data(ctx: Ctx, namespace: str, data: list[dict[str, Any]]) -> None:
    try:
        ctx.call("cloudwatch", "PutMetricData", {"Namespace": namespace, "MetricData": data})
    except ServiceError as err:
        if err.code != "NotImplemented":
            log.warning("metric filter could not publish to %s: %s", namespace, err)


def deliver(ctx: Ctx, group: str, stream: str, accepted: list[Event], tasks: set[asyncio.Future]) -> None:
    """Send events matching the group's subscription filters to their Lambda destinations."""
    for sfilter in filters.of_group(ctx, filters.SUBSCRIPTION, group):
        if ":lambda:" not in sfilter["destinationArn"]:
            continue
        pattern = compile_pattern(sfilter["filterPattern"])
        chosen = [e for e in accepted if pattern.match(e.message) is not None]
        for batch in _batches(chosen):
            document = {
                "messageType": "DATA_MESSAGE",
                "owner": ctx.account,
                "logGroup": group,
                "logStream": stream,
                "subscriptionFilters": [sfilter["filterName"]],
                "logEvents": [{"id": e.event_id(), "timestamp": e.timestamp, "message": e.message} for e in batch],
            }
            data = base64.b64encode(gzip.compress(json.dumps(document).encode())).decode()
            payload = json.dumps({"awslogs": {"data": data}}).encode()
            _invoke(ctx, sfilter["destinationArn"], payload, tasks)


def _batches(events: list[Event]) -> list[list[Event]]:
    out: list[list[Event]] = []
    current: list[Event] = []
    size = 0
    for event in events:
        if current and size + event.size() + 80 > MAX_RAW_PAYLOAD:
            out.append(current)
            current, size = [], 0
        current.append(event)
        size += event.size() + 80
    if current:
        out.append(current)
    return out


def _invoke(ctx: Ctx, arn: str, payload: bytes, tasks: set[asyncio.Future]) -> None:
    try:
        result = ctx.call("lambda", "Invoke", {"FunctionName": arn, "InvocationType": "Event", "Payload": payload})
    except ServiceError as err:
        log.warning("subscription delivery to %s failed: %s", arn, err)
        return
    if inspect.isawaitable(result):
        # Lambda's Invoke is a coroutine: run it on the server's loop without holding up this request
        try:
            task = asyncio.get_running_loop().create_task(_quietly(result, arn))
        except RuntimeError:
            asyncio.run(_quietly(result, arn))
            return
        tasks.add(task)
        task.add_done_callback(tasks.discard)


async def _quietly(result: Any, arn: str) -> None:
    try:
        await result
    except ServiceError as err:
        log.warning("subscription delivery to %s failed: %s", arn, err)

"""Metric filters and subscription filters: their records, limits and Describe pages.

A metric filter record holds the pattern and its one metric transformation; a subscription filter
record its pattern and destination (Lambda delivers; Kinesis and Firehose are stored).
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Ctx
from fogbank.errors import ServiceError
from fogbank.services.logs import groups, paging, store
from fogbank.services.logs.errors import LimitExceededException, ResourceNotFoundException, invalid
from fogbank.services.logs.filterpattern import compile_pattern
from fogbank.services.logs.filterpattern.values import as_number

METRIC = "mfilter"
SUBSCRIPTION = "sfilter"
MAX_METRIC_FILTERS = 100
MAX_SUBSCRIPTION_FILTERS = 2
DESTINATIONS = ("lambda", "kinesis", "firehose", "logs")


def put_metric_filter(ctx: Ctx, request: dict[str, Any]) -> None:
    """PutMetricFilter (create or replace)."""
    group = groups.get_group(ctx, request["logGroupName"])["name"]
    compile_pattern(request["filterPattern"])
    transforms = [dict(t) for t in request["metricTransformations"]]
    for t in transforms:
        if t.get("dimensions") and t.get("defaultValue") is not None:
            raise invalid("A metric filter with dimensions cannot have a default value.")
        value = t["metricValue"]
        if not value.startswith("$") and as_number(value) is None:
            raise invalid(f"Invalid metric value: {value}")
    key = store.filter_key(ctx.account, ctx.region, METRIC, group, request["filterName"])
    with ctx.store.transaction() as txn:
        if txn.get(key) is None and txn.count(store.filters_prefix(ctx.account, ctx.region, METRIC, group)) >= MAX_METRIC_FILTERS:
            raise LimitExceededException("Resource limit exceeded.")
        txn.put(key, store.dump({"filterName": request["filterName"], "filterPattern": request["filterPattern"],
                                 "metricTransformations": transforms, "creationTime": ctx.clock.now_ms(),
                                 "logGroupName": group}))


def put_subscription_filter(ctx: Ctx, request: dict[str, Any]) -> None:
    """PutSubscriptionFilter (create or replace; at most two per group)."""
    group = groups.get_group(ctx, request["logGroupName"])["name"]
    compile_pattern(request["filterPattern"])
    arn = request["destinationArn"]
    parts = arn.split(":")
    if len(parts) < 6 or parts[0] != "arn" or parts[2] not in DESTINATIONS:
        raise invalid(f"Invalid destinationArn: {arn}")
    if parts[2] == "lambda":
        try:
            ctx.call("lambda", "GetFunction", {"FunctionName": arn})
        except ServiceError:
            raise invalid("Could not execute the lambda function. Make sure you have given CloudWatch Logs "
                          "permission to execute your function.") from None
    record = {"filterName": request["filterName"], "logGroupName": group, "filterPattern": request["filterPattern"],
              "destinationArn": arn, "distribution": request.get("distribution") or "ByLogStream",
              "creationTime": ctx.clock.now_ms()}
    if request.get("roleArn"):
        record["roleArn"] = request["roleArn"]
    key = store.filter_key(ctx.account, ctx.region, SUBSCRIPTION, group, request["filterName"])
    with ctx.store.transaction() as txn:
        if txn.get(key) is None and txn.count(store.filters_prefix(ctx.account, ctx.region, SUBSCRIPTION, group)) >= MAX_SUBSCRIPTION_FILTERS:
            raise LimitExceededException("Resource limit exceeded.")
        txn.put(key, store.dump(record))


def delete(ctx: Ctx, kind: str, group: str, name: str) -> None:
    """DeleteMetricFilter / DeleteSubscriptionFilter."""
    groups.get_group(ctx, group)
    if not ctx.store.delete(store.filter_key(ctx.account, ctx.region, kind, group, name)):
        what = "metric" if kind == METRIC else "subscription"
        raise ResourceNotFoundException(f"The specified {what} filter does not exist.")


def of_group(ctx: Ctx, kind: str, group: str) -> list[dict[str, Any]]:
    """Every filter of one kind on a group."""
    return [store.load(raw) for _, raw in ctx.store.scan(store.filters_prefix(ctx.account, ctx.region, kind, group))]


def describe(ctx: Ctx, kind: str, request: dict[str, Any]) -> dict[str, Any]:
    """DescribeMetricFilters / DescribeSubscriptionFilters: by group, name prefix, metric, paginated."""
    group = request.get("logGroupName")
    prefix = request.get("filterNamePrefix")
    metric, namespace = request.get("metricName"), request.get("metricNamespace")
    if kind == METRIC and bool(metric) != bool(namespace):
        raise invalid("metricName and metricNamespace must be specified together.")
    if kind == SUBSCRIPTION and not group:
        raise invalid("logGroupName is required.")
    if prefix and not group:
        raise invalid("logGroupName is required when filterNamePrefix is specified.")
    if group:
        groups.get_group(ctx, group)
    limit = paging.limit(request.get("limit"), 50, 50)
    after = paging.decode(request.get("nextToken"))
    base = store.filters_prefix(ctx.account, ctx.region, kind, group)
    found: list[dict[str, Any]] = []
    token = None
    for key, raw in ctx.store.scan(base):
        position = [key[-2], key[-1]]
        if after is not None and position <= after:
            continue
        record = store.load(raw)
        if prefix and not record["filterName"].startswith(prefix):
            continue
        if metric and not any(t["metricName"] == metric and t["metricNamespace"] == namespace
                              for t in record.get("metricTransformations", [])):
            continue
        if len(found) == limit:
            token = paging.encode([found[-1]["logGroupName"], found[-1]["filterName"]])
            break
        found.append(record)
    answer: dict[str, Any] = {"metricFilters" if kind == METRIC else "subscriptionFilters": found}
    if token:
        answer["nextToken"] = token
    return answer


def test_metric_filter(pattern_text: str, messages: list[str]) -> list[dict[str, Any]]:
    """TestMetricFilter: which messages match and the fields they bind."""
    pattern = compile_pattern(pattern_text)
    matches = []
    for number, message in enumerate(messages, 1):
        found = pattern.match(message)
        if found is not None:
            matches.append({"eventNumber": number, "eventMessage": message,
                            "extractedValues": {f"${k}": v for k, v in found["fields"].items()}})
    return matches

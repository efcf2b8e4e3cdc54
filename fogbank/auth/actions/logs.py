"""CloudWatch Logs: log group ARNs (``log-group:<name>``) and log stream ARNs
(``log-group:<name>:log-stream:<stream>``); queries over several groups ask for each."""

from __future__ import annotations

from typing import Any

from fogbank.auth.actions import Table, arn, request_tags
from fogbank.context import Ctx


def group_arn(ctx: Ctx, name: str) -> str:
    """The ARN of a log group given by name or ARN."""
    return name if name.startswith("arn:") else arn("logs", ctx.region, ctx.account, f"log-group:{name}")


def _group(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    resource = group_arn(ctx, value)
    stream = request.get("logStreamName")
    if stream:
        resource = f"{resource.removesuffix(':*')}:log-stream:{stream}"
    return [(resource, None, None)]


def _groups(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    return [(group_arn(ctx, name), None, None) for name in value]


def _as_is(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    return [(value, None, None)]


def _destination(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    return [(arn("logs", ctx.region, ctx.account, f"destination:{value}"), None, None)]


TABLES = {"logs": Table(
    prefix="logs",
    members=(("logGroupName", _group), ("logGroupIdentifier", _group), ("logGroupNames", _groups),
             ("logGroupIdentifiers", _groups), ("resourceArn", _as_is), ("resourceIdentifier", _as_is),
             ("destinationName", _destination)),
    global_ops=frozenset({"GetQueryResults", "TestMetricFilter"}),
    filters=frozenset({"logGroupNamePrefix", "logGroupNamePattern", "queryId", "status", "destinationNamePrefix",
                       "filterNamePrefix", "metricName", "metricNamespace", "queryDefinitionNamePrefix",
                       "includeLinkedAccounts", "logGroupClass", "accountIdentifiers", "queryLanguage",
                       "queryString", "startTime", "endTime", "name", "queryDefinitionId", "logGroupName"}),
    context=lambda ctx, operation, request: request_tags(request, "tags"),
)}

"""CloudWatch: alarm and dashboard ARNs; metric calls act on ``*`` with ``cloudwatch:namespace``."""

from __future__ import annotations

from typing import Any

from fogbank.auth.actions import Table, arn, request_tags
from fogbank.context import Ctx


def _alarm(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    names = value if isinstance(value, list) else [value]
    return [(arn("cloudwatch", ctx.region, ctx.account, f"alarm:{name}"), None, None) for name in names]


def _dashboard(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    names = value if isinstance(value, list) else [value]
    return [(f"arn:aws:cloudwatch::{ctx.account}:dashboard/{name}", None, None) for name in names]


def _as_is(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    return [(value, None, None)]


def _context(ctx: Ctx, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    out = request_tags(request)
    if request.get("Namespace"):
        out["cloudwatch:namespace"] = request["Namespace"]
    return out


TABLES = {"cloudwatch": Table(
    prefix="cloudwatch",
    members=(("AlarmName", _alarm), ("AlarmNames", _alarm), ("DashboardName", _dashboard),
             ("DashboardNames", _dashboard), ("ResourceARN", _as_is)),
    global_ops=frozenset({"PutMetricData", "GetMetricData", "GetMetricStatistics", "ListMetrics",
                          "DescribeAlarmsForMetric", "DescribeAlarms", "DescribeAlarmHistory", "ListDashboards",
                          "GetMetricWidgetImage", "DescribeAnomalyDetectors", "PutAnomalyDetector",
                          "DeleteAnomalyDetector"}),
    context=_context,
)}

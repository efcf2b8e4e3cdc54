"""fogbank.metrics: services publishing AWS/* metrics into CloudWatch's store layout."""

from __future__ import annotations

from typing import Any

from fogbank import metrics as publishing
from fogbank.clock import Clock
from fogbank.context import Ctx
from fogbank.services.cloudwatch import queries
from fogbank.store.memory import MemoryStore


def ctx() -> Ctx:
    return Ctx(account="123456789012", region="eu-west-1", request_id="r", clock=Clock(), store=MemoryStore(),
               blobs=None, config=None)  # type: ignore[arg-type]


def test_published_values_are_read_back_as_statistics() -> None:
    c = ctx()
    dims = {"FunctionName": "f"}
    publishing.publish(c, "AWS/Lambda", "Invocations", 1, "Count", dims)
    publishing.publish_many(c, "AWS/Lambda", [("Invocations", 1, "Count", dims), ("Duration", 12.5, "Milliseconds", dims)])
    now = c.clock.now()
    metric: dict[str, Any] = {"Namespace": "AWS/Lambda", "MetricName": "Invocations", "Dimensions": [{"Name": "FunctionName", "Value": "f"}]}
    series = queries.metric_series(c, metric, "Sum", 60, now - 120, now + 60)
    assert list(series.points.values()) == [2.0]
    duration = queries.metric_series(c, {**metric, "MetricName": "Duration"}, "Maximum", 60, now - 120, now + 60)
    assert list(duration.points.values()) == [12.5]


def test_publishing_never_raises() -> None:
    c = ctx()
    publishing.publish(c, "AWS/Lambda", "Invocations", float("nan"), "Count", {"FunctionName": object()})  # type: ignore[dict-item]

"""fogbank.metrics: services publishing AWS/* metrics into CloudWatch's store layout."""

from __future__ import annotations

from typing import Any

from fogbank import metrics as publishing
from fogbank.clock import Clock
from fogbank.context import Ctx
from fogbank.services.cloudwatch import metrics, queries
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


def test_retention_rolls_data_up_then_drops_it() -> None:
    c = ctx()
    metric: dict[str, Any] = {"Namespace": "AWS/SQS", "MetricName": "NumberOfMessagesSent", "Dimensions": []}
    start = c.clock.now() // 3600 * 3600
    for minute in range(10):
        publishing.publish(c, "AWS/SQS", "NumberOfMessagesSent", minute, "Count", timestamp=start + minute * 60)

    def slots() -> list[tuple[int, float]]:
        return [(ts, slot.total) for ts, slot, _ in metrics.read_slots(c, "AWS/SQS", "NumberOfMessagesSent", "[]", start - 7200, start + 7200)]

    assert len(slots()) == 10
    c.clock.advance(16 * 86400)
    assert metrics.rollup(c, c.clock.now()) == 10
    assert slots() == [(int(start), 0 + 1 + 2 + 3 + 4), (int(start) + 300, 5 + 6 + 7 + 8 + 9)]
    c.clock.advance(50 * 86400)
    metrics.rollup(c, c.clock.now())
    assert slots() == [(int(start), 45.0)]
    series = queries.metric_series(c, metric, "Sum", 3600, start, start + 3600)
    assert list(series.points.values()) == [45.0]
    c.clock.advance(400 * 86400)
    metrics.rollup(c, c.clock.now())
    assert slots() == []
    assert list(c.store.scan(("cloudwatch",))) != []  # the metric record stays; only data ages out

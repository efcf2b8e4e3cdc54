"""AWS/SQS metrics: request counters and sizes, and the per-minute queue gauges sampled on
fogbank's clock (read after advancing it; the sampler is a background worker, so reads retry
for a few seconds of real time until it has written the minute)."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime
from typing import Any

import pytest

NS = "AWS/SQS"


def eventually(read: Any, expected: Any, seconds: float = 10.0) -> Any:
    """``read()`` until it returns ``expected`` (the background sampler runs on its own)."""
    deadline = time.monotonic() + seconds
    got = read()
    while got != expected and time.monotonic() < deadline:
        time.sleep(0.05)
        got = read()
    return got


def points(cw: Any, name: str, queue: str, statistic: str, start: float, end: float) -> list[tuple[float, float]]:
    """(minute, value) of a queue metric, oldest first."""
    got = cw.get_metric_data(
        MetricDataQueries=[{"Id": "m", "MetricStat": {"Metric": {"Namespace": NS, "MetricName": name,
                            "Dimensions": [{"Name": "QueueName", "Value": queue}]}, "Period": 60, "Stat": statistic}}],
        StartTime=datetime.fromtimestamp(start, UTC), EndTime=datetime.fromtimestamp(end, UTC), ScanBy="TimestampAscending",
    )["MetricDataResults"][0]
    return [(t.timestamp(), v) for t, v in zip(got["Timestamps"], got["Values"], strict=True)]


@pytest.fixture
def sqs(aws: Any) -> Any:
    return aws("sqs")


def test_request_counters_and_sizes(sqs: Any, stat: Any, minute: Any) -> None:
    url = sqs.create_queue(QueueName="m-q")["QueueUrl"]
    minute()
    sqs.send_message(QueueUrl=url, MessageBody="hello")  # 5 bytes
    sqs.send_message(QueueUrl=url, MessageBody="x" * 100,
                     MessageAttributes={"k": {"DataType": "String", "StringValue": "vv"}})
    batch = sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "a", "MessageBody": "abc"},
        {"Id": "b", "MessageBody": "late", "DelaySeconds": 901},  # fails on its own: not counted
    ])
    assert len(batch["Successful"]) == 1 and len(batch["Failed"]) == 1
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert len(got) == 3
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])
    deleted = sqs.delete_message_batch(QueueUrl=url, Entries=[
        {"Id": "1", "ReceiptHandle": got[1]["ReceiptHandle"]},
        {"Id": "2", "ReceiptHandle": "not-a-handle"},
    ])
    assert len(deleted["Successful"]) == 1
    q = {"QueueName": "m-q"}
    assert stat(NS, "NumberOfMessagesSent", q) == (3.0, "Count")
    assert stat(NS, "NumberOfMessagesReceived", q) == (3.0, "Count")
    assert stat(NS, "NumberOfEmptyReceives", q) == (2.0, "Count")
    assert stat(NS, "NumberOfMessagesDeleted", q) == (2.0, "Count")
    assert stat(NS, "SentMessageSize", q, "SampleCount") == (3.0, "Bytes")
    assert stat(NS, "SentMessageSize", q, "Minimum") == (3.0, "Bytes")
    # the body and the attribute (name, type and value) count, as for the size limit
    assert stat(NS, "SentMessageSize", q, "Maximum") == (100.0 + 1 + 6 + 2, "Bytes")


def test_queue_gauges_sampled_each_minute(sqs: Any, cw: Any, fogbank: Any, minute: Any) -> None:
    url = sqs.create_queue(QueueName="m-depth", Attributes={"VisibilityTimeout": "300"})["QueueUrl"]
    start = math.floor(minute() / 60) * 60 - 60
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=str(i))
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=600)
    sqs.receive_message(QueueUrl=url)  # one in flight for 300 s
    fogbank.advance(60)  # the next minute boundary samples the queue
    boundary = start + 120

    def latest(name: str) -> float | None:
        got = [v for t, v in points(cw, name, "m-depth", "Maximum", start, start + 600) if t == boundary]
        return got[0] if got else None

    assert eventually(lambda: latest("ApproximateNumberOfMessagesVisible"), 2.0) == 2.0
    assert latest("ApproximateNumberOfMessagesNotVisible") == 1.0
    assert latest("ApproximateNumberOfMessagesDelayed") == 1.0
    assert 50.0 <= latest("ApproximateAgeOfOldestMessage") <= 55.0  # sent 5 s into the minute before
    assert latest("NumberOfMessagesSent") == 0.0  # quiet minutes report zero
    listed = cw.list_metrics(Namespace=NS, MetricName="ApproximateAgeOfOldestMessage")["Metrics"]
    assert listed[0]["Dimensions"] == [{"Name": "QueueName", "Value": "m-depth"}]


def test_clock_jump_backfills_each_minute(sqs: Any, cw: Any, fogbank: Any, minute: Any) -> None:
    url = sqs.create_queue(QueueName="m-jump")["QueueUrl"]
    start = math.floor(minute() / 60) * 60 - 60
    sqs.send_message(QueueUrl=url, MessageBody="d", DelaySeconds=150)
    fogbank.advance(300)
    end = start + 360

    def visible() -> list[tuple[float, float]]:
        return points(cw, "ApproximateNumberOfMessagesVisible", "m-jump", "Maximum", start + 60, end)

    expected = [(start + 60 * k, 0.0 if k < 4 else 1.0) for k in range(1, 6)]  # visible from start + 215
    assert eventually(visible, expected) == expected
    # the delayed message shows as delayed until its delay has passed
    delayed = points(cw, "ApproximateNumberOfMessagesDelayed", "m-jump", "Maximum", start + 60, end)
    # the first minute's sample may predate the send or not, as the sampler's timing falls: skip it
    assert [v for _, v in delayed][1:] == [1.0, 1.0, 0.0, 0.0]


def test_alarm_on_queue_depth(sqs: Any, cw: Any, fogbank: Any, minute: Any) -> None:
    url = sqs.create_queue(QueueName="m-alarm")["QueueUrl"]
    minute()
    cw.put_metric_alarm(AlarmName="backlog", Namespace=NS, MetricName="ApproximateNumberOfMessagesVisible",
                        Dimensions=[{"Name": "QueueName", "Value": "m-alarm"}], Statistic="Maximum", Period=60,
                        EvaluationPeriods=2, Threshold=5.0, ComparisonOperator="GreaterThanThreshold")
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "m"} for i in range(10)])
    now = fogbank.advance(180)
    last = math.floor(now / 60) * 60
    # wait until the sampler has written the last minute, then the alarm evaluates it
    assert eventually(lambda: [v for t, v in points(cw, "ApproximateNumberOfMessagesVisible", "m-alarm", "Maximum",
                                                      last - 60, last + 60) if t == last], [10.0]) == [10.0]
    fogbank.advance(60)
    assert cw.describe_alarms(AlarmNames=["backlog"])["MetricAlarms"][0]["StateValue"] == "ALARM"

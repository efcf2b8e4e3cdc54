"""Bodies that botocore gzips (operations with the requestcompression trait) are accepted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def test_large_put_metric_data_is_gzipped_and_accepted(aws) -> None:
    cw = aws("cloudwatch")
    seen: list[str] = []
    cw.meta.events.register("before-send.cloudwatch.PutMetricData",
                            lambda request, **_: seen.append(str(request.headers.get("Content-Encoding", b""), "ascii")))
    now = datetime.now(UTC).replace(microsecond=0)
    data = [{"MetricName": "Big", "Value": float(i), "Timestamp": now, "Unit": "Count"} for i in range(1000)]
    cw.put_metric_data(Namespace="Fogbank/Test", MetricData=data)
    assert seen == ["gzip"], "botocore should have compressed this request"
    stats = cw.get_metric_statistics(Namespace="Fogbank/Test", MetricName="Big", StartTime=now - timedelta(hours=1),
                                     EndTime=now + timedelta(hours=1), Period=7200, Statistics=["SampleCount", "Sum"])
    assert stats["Datapoints"][0]["SampleCount"] == 1000
    assert stats["Datapoints"][0]["Sum"] == sum(range(1000))

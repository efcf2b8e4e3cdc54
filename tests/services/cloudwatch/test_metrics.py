"""PutMetricData, GetMetricStatistics and ListMetrics through boto3 (CBOR), with their errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

DIMS = [{"Name": "Service", "Value": "api"}]


def at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def stats(cw: Any, now: float, **kwargs: Any) -> list[dict[str, Any]]:
    args = {"Namespace": "App", "MetricName": "Latency", "Dimensions": DIMS, "StartTime": at(now - 600),
            "EndTime": at(now + 600), "Period": 60, **kwargs}
    if "ExtendedStatistics" not in args and "Statistics" not in args:
        args["Statistics"] = ["SampleCount", "Sum", "Average", "Minimum", "Maximum"]
    return sorted(cw.get_metric_statistics(**args)["Datapoints"], key=lambda p: p["Timestamp"])


def error(exc: pytest.ExceptionInfo) -> tuple[str, int]:
    return exc.value.response["Error"]["Code"], exc.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_values_counts_and_statistic_sets_aggregate(cw: Any, minute: Any) -> None:
    now = minute()
    cw.put_metric_data(Namespace="App", MetricData=[
        {"MetricName": "Latency", "Dimensions": DIMS, "Value": 10, "Unit": "Milliseconds", "Timestamp": at(now)},
        {"MetricName": "Latency", "Dimensions": DIMS, "Values": [1, 2, 3], "Counts": [1, 1, 2], "Unit": "Milliseconds", "Timestamp": at(now)},
    ])
    (point,) = stats(cw, now)
    assert point["SampleCount"] == 5 and point["Sum"] == 19 and point["Minimum"] == 1 and point["Maximum"] == 10
    assert point["Average"] == pytest.approx(3.8) and point["Unit"] == "Milliseconds"
    (point,) = stats(cw, now, ExtendedStatistics=["p50", "p100", "p0"])
    assert point["ExtendedStatistics"] == {"p50": 3.0, "p100": 10.0, "p0": 1.0}
    cw.put_metric_data(Namespace="App", MetricData=[{"MetricName": "Latency", "Dimensions": DIMS, "Timestamp": at(now),
                                                      "StatisticValues": {"SampleCount": 5, "Sum": 100, "Minimum": 0, "Maximum": 50}}])
    (point,) = stats(cw, now)
    assert point["SampleCount"] == 10 and point["Sum"] == 119 and point["Minimum"] == 0 and point["Maximum"] == 50


def test_periods_and_dimension_sets_are_separate_metrics(cw: Any, minute: Any) -> None:
    now = minute()
    for offset, value in ((-120, 1.0), (-60, 2.0), (0, 4.0)):
        cw.put_metric_data(Namespace="App", MetricData=[{"MetricName": "Latency", "Dimensions": DIMS, "Value": value, "Timestamp": at(now + offset)}])
    cw.put_metric_data(Namespace="App", MetricData=[{"MetricName": "Latency", "Value": 100.0, "Timestamp": at(now)}])
    points = stats(cw, now, Statistics=["Sum"])
    assert [p["Sum"] for p in points] == [1.0, 2.0, 4.0]
    assert [p["Timestamp"].timestamp() % 60 for p in points] == [0, 0, 0]
    wide = stats(cw, now, Statistics=["Sum"], Period=300, StartTime=at(now - now % 300 - 600))
    assert sum(p["Sum"] for p in wide) == 7.0
    # the metric without dimensions is another metric
    alone = cw.get_metric_statistics(Namespace="App", MetricName="Latency", StartTime=at(now - 600), EndTime=at(now + 60), Period=60, Statistics=["Sum"])
    assert [p["Sum"] for p in alone["Datapoints"]] == [100.0]


def test_high_resolution_data_is_kept_per_second_then_rolled_up(cw: Any, fogbank: Any, minute: Any) -> None:
    now = minute()
    cw.put_metric_data(Namespace="App", MetricData=[
        {"MetricName": "Latency", "Dimensions": DIMS, "Value": float(i), "StorageResolution": 1, "Timestamp": at(now + i)}
        for i in range(10)
    ])
    per_second = stats(cw, now + 30, Period=1, Statistics=["Sum"], StartTime=at(now), EndTime=at(now + 10))
    assert [p["Sum"] for p in per_second] == [float(i) for i in range(10)]
    # ``now`` is 5 s past a minute: 10-second periods split the points 5 + 5
    ten = stats(cw, now + 30, Period=10, Statistics=["Sum"], StartTime=at(now - 5), EndTime=at(now + 20))
    assert [p["Sum"] for p in ten] == [0.0 + 1 + 2 + 3 + 4, 5.0 + 6 + 7 + 8 + 9]
    later = fogbank.advance(3 * 3600 + 120)
    rolled = stats(cw, later, Period=1, Statistics=["Sum", "SampleCount"], StartTime=at(now - 5), EndTime=at(now + 60))
    assert [(p["Sum"], p["SampleCount"]) for p in rolled] == [(45.0, 10.0)]
    assert rolled[0]["Timestamp"].timestamp() % 60 == 0


def test_list_metrics_filters_and_recently_active(cw: Any, fogbank: Any) -> None:
    cw.put_metric_data(Namespace="App", MetricData=[
        {"MetricName": "Latency", "Dimensions": DIMS, "Value": 1},
        {"MetricName": "Errors", "Dimensions": [{"Name": "Service", "Value": "web"}, {"Name": "Stage", "Value": "prod"}], "Value": 1},
    ])
    cw.put_metric_data(Namespace="Other", MetricData=[{"MetricName": "Latency", "Value": 1}])
    assert len(cw.list_metrics()["Metrics"]) == 3
    assert {m["Namespace"] for m in cw.list_metrics(MetricName="Latency")["Metrics"]} == {"App", "Other"}
    only = cw.list_metrics(Namespace="App", Dimensions=[{"Name": "Stage"}])["Metrics"]
    assert [m["MetricName"] for m in only] == ["Errors"]
    assert cw.list_metrics(Dimensions=[{"Name": "Service", "Value": "nope"}])["Metrics"] == []
    assert len(cw.list_metrics(RecentlyActive="PT3H")["Metrics"]) == 3
    fogbank.advance(3 * 3600 + 1)
    cw.put_metric_data(Namespace="Other", MetricData=[{"MetricName": "Latency", "Value": 1}])
    recent = cw.list_metrics(RecentlyActive="PT3H")["Metrics"]
    assert [(m["Namespace"], m["MetricName"]) for m in recent] == [("Other", "Latency")]
    assert len(cw.list_metrics()["Metrics"]) == 3


def test_list_metrics_pages_of_500(cw: Any) -> None:
    for chunk in range(0, 520, 20):
        cw.put_metric_data(Namespace="Many", MetricData=[
            {"MetricName": "M", "Dimensions": [{"Name": "N", "Value": f"{i:04d}"}], "Value": 1} for i in range(chunk, chunk + 20)
        ])
    first = cw.list_metrics(Namespace="Many")
    assert len(first["Metrics"]) == 500 and first["NextToken"]
    second = cw.list_metrics(Namespace="Many", NextToken=first["NextToken"])
    assert len(second["Metrics"]) == 20 and "NextToken" not in second
    seen = {m["Dimensions"][0]["Value"] for m in first["Metrics"] + second["Metrics"]}
    assert len(seen) == 520
    with pytest.raises(ClientError) as exc:
        cw.list_metrics(NextToken="garbage!")
    assert error(exc) == ("InvalidNextToken", 400)


@pytest.mark.parametrize(("datum", "code"), [
    ({"MetricName": "x", "Value": 1, "StatisticValues": {"SampleCount": 1, "Sum": 1, "Minimum": 1, "Maximum": 1}}, "InvalidParameterCombination"),
    ({"MetricName": "x", "Values": [1, 2], "Counts": [1]}, "InvalidParameterValue"),
    ({"MetricName": "x", "Value": 1, "StorageResolution": 5}, "InvalidParameterValue"),
    ({"MetricName": "x", "Value": 1, "Timestamp": -15 * 86400}, "InvalidParameterValue"),
    ({"MetricName": "x", "Value": 1, "Timestamp": 3 * 3600}, "InvalidParameterValue"),
    ({"MetricName": "x"}, "MissingParameter"),
    ({"MetricName": "x", "Value": 1, "Dimensions": [{"Name": "a", "Value": "1"}, {"Name": "a", "Value": "2"}]}, "InvalidParameterValue"),
])
def test_bad_data_is_refused_and_nothing_is_stored(cw: Any, fogbank: Any, datum: dict[str, Any], code: str) -> None:
    if "Timestamp" in datum:  # seconds from fogbank's now
        datum = {**datum, "Timestamp": at(fogbank.advance(0) + datum["Timestamp"])}
    with pytest.raises(ClientError) as exc:
        cw.put_metric_data(Namespace="App", MetricData=[{"MetricName": "ok", "Value": 1}, datum])
    assert error(exc) == (code, 400)
    assert cw.list_metrics()["Metrics"] == []


def test_aws_namespaces_are_reserved(cw: Any) -> None:
    with pytest.raises(ClientError) as exc:
        cw.put_metric_data(Namespace="AWS/EC2", MetricData=[{"MetricName": "CPUUtilization", "Value": 1}])
    assert error(exc) == ("InvalidParameterValue", 400)
    assert "AWS/EC2" in exc.value.response["Error"]["Message"]


def test_at_most_1000_metrics_per_call_with_entity_data_counted(cw: Any) -> None:
    entity = {"Entity": {"KeyAttributes": {"Type": "Service", "Name": "checkout", "Environment": "prod"}},
              "MetricData": [{"MetricName": "Entity", "Value": 2}]}
    too_many = [{"MetricName": "x", "Value": 1}] * 1000
    with pytest.raises(ClientError) as exc:
        cw.put_metric_data(Namespace="App", MetricData=too_many, EntityMetricData=[entity])
    assert error(exc) == ("InvalidParameterValue", 400)
    assert exc.value.response["Error"]["Message"] == "The collection MetricData must not have a size greater than 1000."
    assert cw.list_metrics()["Metrics"] == []
    cw.put_metric_data(Namespace="App", EntityMetricData=[entity])
    assert [m["MetricName"] for m in cw.list_metrics(Namespace="App")["Metrics"]] == ["Entity"]


def test_too_many_dimensions(cw: Any) -> None:
    dims = [{"Name": f"d{i}", "Value": "v"} for i in range(31)]
    with pytest.raises(ClientError) as exc:
        cw.put_metric_data(Namespace="App", MetricData=[{"MetricName": "x", "Value": 1, "Dimensions": dims}])
    assert error(exc)[1] == 400
    cw.put_metric_data(Namespace="App", MetricData=[{"MetricName": "x", "Value": 1, "Dimensions": dims[:30]}])
    assert len(cw.list_metrics()["Metrics"][0]["Dimensions"]) == 30


def test_statistics_request_errors(cw: Any) -> None:
    now = datetime.now(UTC)
    base = {"Namespace": "App", "MetricName": "x", "StartTime": now - timedelta(hours=1), "EndTime": now}
    cases = [
        ({"Period": 60}, "MissingParameter"),
        ({"Period": 60, "Statistics": ["Sum"], "ExtendedStatistics": ["p99"]}, "InvalidParameterCombination"),
        ({"Period": 45, "Statistics": ["Sum"]}, "InvalidParameterValue"),
        ({"Period": 60, "ExtendedStatistics": ["p101"]}, "InvalidParameterValue"),
        ({"Period": 1, "Statistics": ["Sum"]}, "InvalidParameterCombination"),
        ({"Period": 60, "Statistics": ["Sum"], "StartTime": now, "EndTime": now - timedelta(hours=1)}, "InvalidParameterValue"),
    ]
    for extra, code in cases:
        with pytest.raises(ClientError) as exc:
            cw.get_metric_statistics(**{**base, **extra})
        assert error(exc) == (code, 400), extra

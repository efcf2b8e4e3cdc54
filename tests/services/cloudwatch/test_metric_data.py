"""GetMetricData: MetricStat queries, metric math, SEARCH, labels, ScanBy and pagination."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError


def at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def stat(name: str, stat_: str = "Sum", dims: list[dict[str, str]] | None = None, period: int = 60) -> dict[str, Any]:
    return {"Metric": {"Namespace": "App", "MetricName": name, "Dimensions": dims or []}, "Period": period, "Stat": stat_}


@pytest.fixture
def seeded(cw: Any, minute: Any) -> float:
    """Five minutes of Requests (10, 20, 30, 40, 50) and Errors (1, -, 3, -, 5); returns the first minute."""
    now = minute()
    first = now - now % 60 - 300
    for i in range(5):
        data = [{"MetricName": "Requests", "Value": 10.0 * (i + 1), "Timestamp": at(first + 60 * i + 1)}]
        if i % 2 == 0:
            data.append({"MetricName": "Errors", "Value": float(i + 1), "Timestamp": at(first + 60 * i + 1)})
        cw.put_metric_data(Namespace="App", MetricData=data)
    return first


def query(cw: Any, first: float, queries: list[dict[str, Any]], **kwargs: Any) -> dict[str, Any]:
    answer = cw.get_metric_data(MetricDataQueries=queries, StartTime=at(first), EndTime=at(first + 300),
                                ScanBy=kwargs.pop("ScanBy", "TimestampAscending"), **kwargs)
    return answer


def values(answer: dict[str, Any]) -> dict[str, list[float]]:
    return {r["Id"]: r["Values"] for r in answer["MetricDataResults"]}


def test_metric_stat_and_arithmetic(cw: Any, seeded: float) -> None:
    answer = query(cw, seeded, [
        {"Id": "r", "MetricStat": stat("Requests")},
        {"Id": "e", "MetricStat": stat("Errors"), "ReturnData": False},
        {"Id": "rate", "Expression": "100 * e / r", "Label": "Error rate"},
        {"Id": "filled", "Expression": "FILL(e, 0)"},
        {"Id": "total", "Expression": "SUM(METRICS())"},
        {"Id": "diff", "Expression": "DIFF(r)"},
        {"Id": "persec", "Expression": "RATE(r)"},
        {"Id": "big", "Expression": "IF(r > 25, r, 0)"},
        {"Id": "per", "Expression": "PERIOD(r)"},
        {"Id": "neg", "Expression": "ABS(e - 10)"},
        {"Id": "avg", "Expression": "AVG(r) + MAX(r) - MIN(r) + STDDEV(r) * 0"},
    ])
    got = values(answer)
    assert got["r"] == [10.0, 20.0, 30.0, 40.0, 50.0]
    assert "e" not in got
    assert got["rate"] == [10.0, 10.0, 10.0]
    assert got["filled"] == [1.0, 0.0, 3.0, 0.0, 5.0]
    assert got["total"] == [11.0, 20.0, 33.0, 40.0, 55.0]
    assert got["diff"] == [10.0, 10.0, 10.0, 10.0]
    assert got["persec"] == pytest.approx([10 / 60] * 4)
    assert got["big"] == [0.0, 0.0, 30.0, 40.0, 50.0]
    assert got["per"] == [60.0] * 5
    assert got["neg"] == [9.0, 7.0, 5.0]
    assert got["avg"] == [70.0] * 5
    labels = {r["Id"]: r["Label"] for r in answer["MetricDataResults"]}
    assert labels["r"] == "Requests" and labels["rate"] == "Error rate"
    assert all(r["StatusCode"] == "Complete" for r in answer["MetricDataResults"])


def test_search_first_last_and_scan_order(cw: Any, minute: Any) -> None:
    now = minute()
    for host, value in (("a", 1.0), ("b", 2.0), ("c", 3.0)):
        cw.put_metric_data(Namespace="Fleet", MetricData=[{"MetricName": "CPU", "Dimensions": [{"Name": "Host", "Value": host}], "Value": value, "Timestamp": at(now)}])
    cw.put_metric_data(Namespace="Fleet", MetricData=[{"MetricName": "CPU", "Value": 99.0, "Timestamp": at(now)}])
    start, end = now - now % 60 - 60, now - now % 60 + 60
    answer = cw.get_metric_data(StartTime=at(start), EndTime=at(end), MetricDataQueries=[
        {"Id": "s", "Expression": "SEARCH('{Fleet,Host} MetricName=\"CPU\"', 'Average', 60)"},
        {"Id": "sum", "Expression": "SUM(SEARCH('{Fleet,Host} CPU', 'Average', 60))"},
        {"Id": "last", "Expression": "LAST(SORT(SEARCH('{Fleet,Host} CPU', 'Average', 60), MAX, ASC))"},
        {"Id": "notb", "Expression": "SEARCH('Fleet NOT Host=\"b\" Host', 'Sum')"},
    ])
    results = answer["MetricDataResults"]
    searched = sorted((r["Label"], r["Values"]) for r in results if r["Id"] == "s")
    assert searched == [("CPU a", [1.0]), ("CPU b", [2.0]), ("CPU c", [3.0])]
    assert values(answer)["sum"] == [6.0]
    assert [r["Label"] for r in results if r["Id"] == "last"] == ["CPU c"]
    assert sorted(r["Label"] for r in results if r["Id"] == "notb") == ["CPU a", "CPU c"]


def test_scan_by_and_max_datapoints_pages(cw: Any, seeded: float) -> None:
    queries = [{"Id": "r", "MetricStat": stat("Requests")}, {"Id": "d", "Expression": "r * 2"}]
    newest_first = query(cw, seeded, queries, ScanBy="TimestampDescending")
    assert values(newest_first)["r"] == [50.0, 40.0, 30.0, 20.0, 10.0]
    seen: dict[str, list[float]] = {"r": [], "d": []}
    token = None
    pages = 0
    while True:
        kwargs = {"MaxDatapoints": 3, **({"NextToken": token} if token else {})}
        page = query(cw, seeded, queries, **kwargs)
        pages += 1
        for r in page["MetricDataResults"]:
            seen[r["Id"]].extend(r["Values"])
        token = page.get("NextToken")
        if not token:
            break
    assert pages == 4
    assert seen == {"r": [10.0, 20.0, 30.0, 40.0, 50.0], "d": [20.0, 40.0, 60.0, 80.0, 100.0]}


@pytest.mark.parametrize(("queries", "code"), [
    ([{"Id": "e", "Expression": "r +"}], "ValidationError"),
    ([{"Id": "e", "Expression": "FOO(1)"}], "ValidationError"),
    ([{"Id": "e", "Expression": "ghost * 2"}], "ValidationError"),
    ([{"Id": "a", "Expression": "b + 1"}, {"Id": "b", "Expression": "a + 1"}], "ValidationError"),
    ([{"Id": "Bad", "MetricStat": stat("Requests")}], "InvalidParameterValue"),
    ([{"Id": "r", "MetricStat": stat("Requests")}, {"Id": "r", "MetricStat": stat("Errors")}], "InvalidParameterValue"),
    ([{"Id": "r", "MetricStat": stat("Requests", period=45)}], "InvalidParameterValue"),
    ([{"Id": "r", "MetricStat": stat("Requests", stat_="Median")}], "InvalidParameterValue"),
    ([{"Id": "r", "MetricStat": stat("Requests"), "Expression": "1"}], "InvalidParameterCombination"),
    ([{"Id": "r", "MetricStat": stat("Requests"), "ReturnData": False}], "InvalidParameterValue"),
])
def test_bad_queries(cw: Any, seeded: float, queries: list[dict[str, Any]], code: str) -> None:
    with pytest.raises(ClientError) as exc:
        query(cw, seeded, queries)
    assert exc.value.response["Error"]["Code"] == code
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400

"""Logs Insights through boto3: StartQuery runs at once, GetQueryResults, StopQuery, DescribeQueries."""

from __future__ import annotations

import json
from typing import Any

from tests.services.logs.helpers import error_of, now_ms, put, stream


def _rows(result: dict) -> list[dict[str, str]]:
    return [{c["field"]: c["value"] for c in row} for row in result["results"]]


def _query(logs: Any, query: str, now: int, **kwargs: Any) -> dict:
    qid = logs.start_query(logGroupName="g", startTime=now // 1000 - 3600, endTime=now // 1000, queryString=query,
                           **kwargs)["queryId"]
    return logs.get_query_results(queryId=qid)


def test_insights_queries(logs: Any, fogbank: Any) -> None:
    stream(logs, "g", "a")
    stream(logs, "g", "b")
    now = now_ms(fogbank)
    put(logs, [json.dumps({"level": "ERROR" if i % 2 else "INFO", "latency": i * 10}) for i in range(6)],
        now - 600_000, name="a", step=60_000)
    put(logs, ["GET /home 200 12", "GET /login 500 40"], now - 30_000, name="b", step=1000)
    result = _query(logs, "fields @timestamp, @message | sort @timestamp desc | limit 3", now)
    assert result["status"] == "Complete"
    assert result["statistics"]["recordsScanned"] == 8.0 and result["statistics"]["bytesScanned"] > 0
    rows = _rows(result)
    assert [r["@message"] for r in rows] == ["GET /login 500 40", "GET /home 200 12", '{"level": "ERROR", "latency": 50}']
    assert all("@ptr" in r for r in rows)
    result = _query(logs, 'filter level = "ERROR" and latency > 10 | stats count(*) as n, avg(latency) as mean, '
                          'max(latency) by level', now)
    assert _rows(result) == [{"level": "ERROR", "n": "2", "mean": "40", "max(latency)": "50"}]
    assert result["statistics"]["recordsMatched"] == 2.0
    rows = _rows(_query(logs, "stats count(*) by bin(5m)", now))
    assert sum(int(r["count(*)"]) for r in rows) == 8 and all(r["bin(5m)"].endswith(":00.000") for r in rows)
    rows = _rows(_query(logs, 'parse @message "GET * * *" as path, status, ms | filter status >= 500 '
                              "| display path, ms", now))
    assert rows == [{"path": "/login", "ms": "40", "@ptr": rows[0]["@ptr"]}]
    rows = _rows(_query(logs, r"parse @message /GET (?<path>\S+) (?<code>\d+)/ | filter code in [200] | fields path",
                        now))
    assert [r["path"] for r in rows] == ["/home"]
    rows = _rows(_query(logs, "filter @message like /login/ or latency = 30 | sort latency asc | fields latency", now))
    assert len(rows) == 2
    assert len(_query(logs, "fields @message", now, limit=2)["results"]) == 2
    listed = logs.describe_queries(logGroupName="g")["queries"]
    assert len(listed) == 7 and all(q["status"] == "Complete" for q in listed)


def test_insights_errors(logs: Any, fogbank: Any) -> None:
    stream(logs)
    now = now_ms(fogbank)
    for bad in ("stats latency", "filter (a = 1", "limit x", "frobnicate", 'parse @message "abc" as a'):
        code, status, _ = error_of(logs.start_query, logGroupName="g", startTime=0, endTime=now // 1000, queryString=bad)
        assert (code, status) == ("MalformedQueryException", 400), bad
    code, _, _ = error_of(logs.start_query, logGroupName="nope", startTime=0, endTime=1, queryString="fields @message")
    assert code == "ResourceNotFoundException"
    code, _, _ = error_of(logs.start_query, logGroupName="g", startTime=10, endTime=1, queryString="fields @message")
    assert code == "InvalidParameterException"
    code, _, _ = error_of(logs.get_query_results, queryId="00000000-0000-0000-0000-000000000000")
    assert code == "ResourceNotFoundException"
    qid = logs.start_query(logGroupName="g", startTime=0, endTime=now // 1000, queryString="fields @message")["queryId"]
    assert logs.stop_query(queryId=qid)["success"] is False
    assert logs.describe_queries()["queries"][0]["queryId"] == qid

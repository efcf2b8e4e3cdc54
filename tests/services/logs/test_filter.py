"""FilterLogEvents across streams with filter patterns, time ranges and pagination."""

from __future__ import annotations

import json
from typing import Any

from tests.services.logs.helpers import error_of, now_ms, put, stream


def _setup(logs: Any, now: int) -> None:
    stream(logs, "g", "web-1")
    stream(logs, "g", "web-2")
    stream(logs, "g", "worker")
    put(logs, ["INFO start", "ERROR disk full", json.dumps({"level": "ERROR", "latency": 150})], now - 9000,
        name="web-1", step=1000)
    put(logs, ["ERROR timeout", "WARN slow", json.dumps({"level": "INFO", "latency": 300})], now - 8500,
        name="web-2", step=1000)
    put(logs, ['10.0.0.1 - bob [10/Oct/2000:13:25:15 -0700] "GET /x HTTP/1.0" 503 2048',
               '10.0.0.2 - amy [10/Oct/2000:13:25:16 -0700] "GET /y HTTP/1.0" 200 12'], now - 5000,
        name="worker", step=1000)


def _messages(result: dict) -> list[str]:
    return [e["message"] for e in result["events"]]


def test_filter_patterns_across_streams(logs: Any, fogbank: Any) -> None:
    now = now_ms(fogbank)
    _setup(logs, now)
    everything = logs.filter_log_events(logGroupName="g")
    assert len(everything["events"]) == 8 and everything["searchedLogStreams"] == []
    stamps = [e["timestamp"] for e in everything["events"]]
    assert stamps == sorted(stamps)
    assert _messages(logs.filter_log_events(logGroupName="g", filterPattern="ERROR")) == [
        "ERROR timeout", "ERROR disk full", '{"level": "ERROR", "latency": 150}']
    assert _messages(logs.filter_log_events(logGroupName="g", filterPattern="ERROR -disk -latency")) == ["ERROR timeout"]
    assert _messages(logs.filter_log_events(logGroupName="g", filterPattern="?WARN ?start")) == ["INFO start", "WARN slow"]
    assert _messages(logs.filter_log_events(logGroupName="g", filterPattern='"disk full"')) == ["ERROR disk full"]
    assert _messages(logs.filter_log_events(logGroupName="g", filterPattern='{ $.level = "ERROR" && $.latency > 100 }')) == [
        '{"level": "ERROR", "latency": 150}']
    assert _messages(logs.filter_log_events(logGroupName="g", filterPattern="{ $.latency >= 200 || $.level = ERR* }")) == [
        '{"level": "ERROR", "latency": 150}', '{"level": "INFO", "latency": 300}']
    spaced = logs.filter_log_events(logGroupName="g", filterPattern="[ip, user, name, ts, request, status=5*, bytes>1000]")
    assert [e["logStreamName"] for e in spaced["events"]] == ["worker"] and "503" in spaced["events"][0]["message"]
    assert _messages(logs.filter_log_events(logGroupName="g", filterPattern="[ip, ..., status=200, size]")) == [
        '10.0.0.2 - amy [10/Oct/2000:13:25:16 -0700] "GET /y HTTP/1.0" 200 12']
    only = logs.filter_log_events(logGroupName="g", logStreamNamePrefix="web-", filterPattern="ERROR")
    assert {e["logStreamName"] for e in only["events"]} == {"web-1", "web-2"}
    named = logs.filter_log_events(logGroupName="g", logStreamNames=["web-2"])
    assert _messages(named)[0] == "ERROR timeout" and len(named["events"]) == 3
    window = logs.filter_log_events(logGroupName="g", startTime=now - 8000, endTime=now - 7001)
    assert _messages(window) == ["ERROR disk full", "WARN slow"]
    assert len({e["eventId"] for e in everything["events"]}) == 8


def test_filter_paginates(logs: Any, fogbank: Any) -> None:
    now = now_ms(fogbank)
    _setup(logs, now)
    first = logs.filter_log_events(logGroupName="g", limit=3)
    assert len(first["events"]) == 3 and first["nextToken"]
    seen = _messages(first)
    token = first["nextToken"]
    while token:
        page = logs.filter_log_events(logGroupName="g", limit=3, nextToken=token)
        seen += _messages(page)
        token = page.get("nextToken")
    assert seen == _messages(logs.filter_log_events(logGroupName="g"))
    pages = logs.get_paginator("filter_log_events").paginate(logGroupName="g", filterPattern="ERROR",
                                                              PaginationConfig={"PageSize": 1})
    assert sum(len(p["events"]) for p in pages) == 3


def test_filter_errors(logs: Any, fogbank: Any) -> None:
    now = now_ms(fogbank)
    _setup(logs, now)
    for bad in ("{ $.level = }", "[a, b", "{ $.latency > fast }", 'ab"c'):
        code, status, _ = error_of(logs.filter_log_events, logGroupName="g", filterPattern=bad)
        assert (code, status) == ("InvalidParameterException", 400), bad
    code, _, msg = error_of(logs.filter_log_events, logGroupName="nope")
    assert (code, msg) == ("ResourceNotFoundException", "The specified log group does not exist.")
    code, _, _ = error_of(logs.filter_log_events, logGroupName="g", logStreamNames=["a"], logStreamNamePrefix="a")
    assert code == "InvalidParameterException"
    code, _, _ = error_of(logs.filter_log_events, logGroupName="g", nextToken="garbage")
    assert code == "InvalidParameterException"


def test_test_metric_filter(logs: Any) -> None:
    result = logs.test_metric_filter(
        filterPattern="[ip, user, name, ts, request, status=4*, bytes]",
        logEventMessages=['1.2.3.4 - a [t] "GET /" 404 10', '1.2.3.4 - a [t] "GET /" 200 10', "garbage"])
    assert result["matches"] == [{"eventNumber": 1, "eventMessage": '1.2.3.4 - a [t] "GET /" 404 10',
                                  "extractedValues": {"$ip": "1.2.3.4", "$user": "-", "$name": "a", "$ts": "t",
                                                      "$request": "GET /", "$status": "404", "$bytes": "10"}}]
    code, _, _ = error_of(logs.test_metric_filter, filterPattern="{ $.x = ", logEventMessages=["a"])
    assert code == "InvalidParameterException"

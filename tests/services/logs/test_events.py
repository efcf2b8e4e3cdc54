"""PutLogEvents' batch rules and GetLogEvents' tokens."""

from __future__ import annotations

from typing import Any

from tests.services.logs.helpers import error_of, now_ms, put, stream

HOUR = 3_600_000
DAY = 24 * HOUR


def test_put_and_get_from_head_and_tail(logs: Any, fogbank: Any) -> None:
    stream(logs)
    now = now_ms(fogbank)
    result = put(logs, [f"m{i}" for i in range(10)], now - 10_000, step=1000)
    assert result["nextSequenceToken"] and "rejectedLogEventsInfo" not in result
    tail = logs.get_log_events(logGroupName="g", logStreamName="s", limit=3)
    assert [e["message"] for e in tail["events"]] == ["m7", "m8", "m9"]
    assert all(e["ingestionTime"] >= now for e in tail["events"])
    head = logs.get_log_events(logGroupName="g", logStreamName="s", limit=4, startFromHead=True)
    assert [e["message"] for e in head["events"]] == ["m0", "m1", "m2", "m3"]
    nxt = logs.get_log_events(logGroupName="g", logStreamName="s", limit=4, nextToken=head["nextForwardToken"])
    assert [e["message"] for e in nxt["events"]] == ["m4", "m5", "m6", "m7"]
    back = logs.get_log_events(logGroupName="g", logStreamName="s", limit=2, nextToken=nxt["nextBackwardToken"])
    assert [e["message"] for e in back["events"]] == ["m2", "m3"]
    # at the end the forward token comes back unchanged, as on AWS
    end = logs.get_log_events(logGroupName="g", logStreamName="s", nextToken=tail["nextForwardToken"])
    assert end["events"] == [] and end["nextForwardToken"] == tail["nextForwardToken"]
    start = logs.get_log_events(logGroupName="g", logStreamName="s", nextToken=head["nextBackwardToken"])
    assert start["events"] == [] and start["nextBackwardToken"] == head["nextBackwardToken"]
    window = logs.get_log_events(logGroupName="g", logStreamName="s", startTime=now - 8000, endTime=now - 5000,
                                 startFromHead=True)
    assert [e["message"] for e in window["events"]] == ["m2", "m3", "m4"]
    by_arn = logs.get_log_events(logGroupIdentifier=logs.describe_log_groups()["logGroups"][0]["logGroupArn"],
                                 logStreamName="s", limit=1)
    assert by_arn["events"][0]["message"] == "m9"


def test_walking_forward_with_the_paginator_sees_every_event_once(logs: Any, fogbank: Any) -> None:
    stream(logs)
    now = now_ms(fogbank)
    put(logs, [f"e{i}" for i in range(25)], now - 100_000)
    seen: list[str] = []
    token = None
    for _ in range(20):
        kwargs = {"nextToken": token} if token else {"startFromHead": True}
        page = logs.get_log_events(logGroupName="g", logStreamName="s", limit=7, **kwargs)
        if page["nextForwardToken"] == token:
            break
        seen += [e["message"] for e in page["events"]]
        token = page["nextForwardToken"]
    assert seen == [f"e{i}" for i in range(25)]


def test_rejected_events_too_old_expired_and_too_new(logs: Any, fogbank: Any) -> None:
    stream(logs)
    now = now_ms(fogbank)
    events = [{"timestamp": now - 15 * DAY, "message": "old"},
              {"timestamp": now - 1000, "message": "ok"},
              {"timestamp": now + 3 * HOUR, "message": "future"}]
    result = logs.put_log_events(logGroupName="g", logStreamName="s", logEvents=events)
    assert result["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 1, "tooNewLogEventStartIndex": 2}
    assert [e["message"] for e in logs.get_log_events(logGroupName="g", logStreamName="s")["events"]] == ["ok"]
    logs.put_retention_policy(logGroupName="g", retentionInDays=1)
    result = logs.put_log_events(logGroupName="g", logStreamName="s", logEvents=[
        {"timestamp": now - 2 * DAY, "message": "expired"}, {"timestamp": now, "message": "fine"}])
    assert result["rejectedLogEventsInfo"] == {"expiredLogEventEndIndex": 1}


def test_batch_rules(logs: Any, fogbank: Any) -> None:
    stream(logs)
    now = now_ms(fogbank)
    code, status, msg = error_of(logs.put_log_events, logGroupName="g", logStreamName="s", logEvents=[
        {"timestamp": now, "message": "b"}, {"timestamp": now - 1, "message": "a"}])
    assert (code, status) == ("InvalidParameterException", 400) and "chronological" in msg
    code, _, msg = error_of(logs.put_log_events, logGroupName="g", logStreamName="s", logEvents=[
        {"timestamp": now - 2 * DAY, "message": "a"}, {"timestamp": now, "message": "b"}])
    assert code == "InvalidParameterException" and "24 hours" in msg
    big = "x" * (1_048_576 - 26 * 2)
    code, _, msg = error_of(logs.put_log_events, logGroupName="g", logStreamName="s", logEvents=[
        {"timestamp": now, "message": big}, {"timestamp": now, "message": "y"}])
    assert code == "InvalidParameterException" and "1048576" in msg
    # exactly at the limit is accepted
    logs.put_log_events(logGroupName="g", logStreamName="s", logEvents=[
        {"timestamp": now, "message": big[:-1]}, {"timestamp": now, "message": "y"}])
    code, _, msg = error_of(logs.put_log_events, logGroupName="g", logStreamName="nope",
                            logEvents=[{"timestamp": now, "message": "a"}])
    assert (code, msg) == ("ResourceNotFoundException", "The specified log stream does not exist.")
    code, _, msg = error_of(logs.put_log_events, logGroupName="nope", logStreamName="s",
                            logEvents=[{"timestamp": now, "message": "a"}])
    assert (code, msg) == ("ResourceNotFoundException", "The specified log group does not exist.")
    # a stale sequence token is accepted and ignored
    logs.put_log_events(logGroupName="g", logStreamName="s", sequenceToken="1", logEvents=[
        {"timestamp": now, "message": "z"}])
    # a response carries at most 1 MB: the tail is the two small events
    assert [e["message"] for e in logs.get_log_events(logGroupName="g", logStreamName="s")["events"]] == ["y", "z"]
    assert logs.describe_log_streams(logGroupName="g")["logStreams"][0]["storedBytes"] == len(big) + 1


def test_get_errors(logs: Any) -> None:
    stream(logs)
    code, _, _ = error_of(logs.get_log_events, logGroupName="g", logStreamName="s", nextToken="x/1")
    assert code == "InvalidParameterException"
    code, _, msg = error_of(logs.get_log_events, logGroupName="g", logStreamName="zz")
    assert (code, msg) == ("ResourceNotFoundException", "The specified log stream does not exist.")

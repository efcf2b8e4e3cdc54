"""Log groups and streams: create, describe, delete, retention, tags, and their failure paths."""

from __future__ import annotations

from typing import Any

from tests.services.logs.helpers import error_of, now_ms, put, stream


def test_create_describe_delete_group(logs: Any) -> None:
    logs.create_log_group(logGroupName="/app/one", kmsKeyId="arn:aws:kms:us-east-1:000000000000:key/k",
                          tags={"team": "a"}, logGroupClass="INFREQUENT_ACCESS")
    logs.create_log_group(logGroupName="/app/two")
    logs.create_log_group(logGroupName="/other")
    found = logs.describe_log_groups(logGroupNamePrefix="/app/")["logGroups"]
    assert [g["logGroupName"] for g in found] == ["/app/one", "/app/two"]
    one = found[0]
    assert one["arn"].endswith(":log-group:/app/one:*") and one["logGroupArn"].endswith(":log-group:/app/one")
    assert one["kmsKeyId"].endswith("key/k") and one["logGroupClass"] == "INFREQUENT_ACCESS"
    assert one["storedBytes"] == 0 and one["metricFilterCount"] == 0 and "retentionInDays" not in one
    assert [g["logGroupName"] for g in logs.describe_log_groups(logGroupNamePattern="OTH")["logGroups"]] == ["/other"]
    logs.delete_log_group(logGroupName="/app/one")
    assert [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]] == ["/app/two", "/other"]


def test_group_errors(logs: Any) -> None:
    logs.create_log_group(logGroupName="g")
    code, status, msg = error_of(logs.create_log_group, logGroupName="g")
    assert (code, status) == ("ResourceAlreadyExistsException", 400)
    code, status, msg = error_of(logs.delete_log_group, logGroupName="nope")
    assert (code, status, msg) == ("ResourceNotFoundException", 400, "The specified log group does not exist.")
    code, status, msg = error_of(logs.create_log_group, logGroupName="bad name!")
    # AWS answers InvalidParameterException; the shared model validator still says ValidationException
    assert code in ("InvalidParameterException", "ValidationException") and status == 400
    assert msg.endswith("Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+")
    code, _, _ = error_of(logs.describe_log_groups, logGroupNamePrefix="a", logGroupNamePattern="b")
    assert code == "InvalidParameterException"
    code, _, _ = error_of(logs.create_log_group, logGroupName="h", tags={f"k{i}": "v" for i in range(51)})
    assert code in ("InvalidParameterException", "ValidationException")
    assert [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]] == ["g"]


def test_describe_groups_paginates(logs: Any) -> None:
    for i in range(7):
        logs.create_log_group(logGroupName=f"g{i}")
    first = logs.describe_log_groups(limit=3)
    assert len(first["logGroups"]) == 3 and first["nextToken"]
    names = [g["logGroupName"] for g in first["logGroups"]]
    token = first["nextToken"]
    while token:
        page = logs.describe_log_groups(limit=3, nextToken=token)
        names += [g["logGroupName"] for g in page["logGroups"]]
        token = page.get("nextToken")
    assert names == [f"g{i}" for i in range(7)]
    paginator = logs.get_paginator("describe_log_groups")
    assert sum(len(p["logGroups"]) for p in paginator.paginate(PaginationConfig={"PageSize": 2})) == 7
    code, _, _ = error_of(logs.describe_log_groups, nextToken="!!garbage")
    assert code == "InvalidParameterException"


def test_streams_describe_order_and_errors(logs: Any, fogbank: Any) -> None:
    now = now_ms(fogbank)
    for name in ("b", "a", "c"):
        stream(logs, "g", name)
    put(logs, ["x"], now - 3000, name="b")
    put(logs, ["y", "yy"], now - 1000, name="a")
    put(logs, ["z"], now - 2000, name="c")
    by_name = logs.describe_log_streams(logGroupName="g")["logStreams"]
    assert [s["logStreamName"] for s in by_name] == ["a", "b", "c"]
    a = by_name[0]
    assert a["firstEventTimestamp"] == now - 1000 and a["lastEventTimestamp"] == now - 999
    assert a["storedBytes"] == 3 and a["arn"].endswith(":log-group:g:log-stream:a")
    by_time = logs.describe_log_streams(logGroupName="g", orderBy="LastEventTime", descending=True)["logStreams"]
    assert [s["logStreamName"] for s in by_time] == ["a", "c", "b"]
    page = logs.describe_log_streams(logGroupName="g", limit=2)
    rest = logs.describe_log_streams(logGroupName="g", limit=2, nextToken=page["nextToken"])
    assert [s["logStreamName"] for s in rest["logStreams"]] == ["c"] and "nextToken" not in rest
    assert [s["logStreamName"] for s in logs.describe_log_streams(logGroupName="g", logStreamNamePrefix="b")["logStreams"]] == ["b"]
    code, _, _ = error_of(logs.describe_log_streams, logGroupName="g", logStreamNamePrefix="a", orderBy="LastEventTime")
    assert code == "InvalidParameterException"
    code, _, msg = error_of(logs.create_log_stream, logGroupName="g", logStreamName="a")
    assert code == "ResourceAlreadyExistsException"
    code, _, msg = error_of(logs.create_log_stream, logGroupName="none", logStreamName="a")
    assert (code, msg) == ("ResourceNotFoundException", "The specified log group does not exist.")
    code, _, _ = error_of(logs.create_log_stream, logGroupName="g", logStreamName="a:b")
    assert code in ("InvalidParameterException", "ValidationException")
    code, _, msg = error_of(logs.delete_log_stream, logGroupName="g", logStreamName="zz")
    assert (code, msg) == ("ResourceNotFoundException", "The specified log stream does not exist.")
    logs.delete_log_stream(logGroupName="g", logStreamName="a")
    assert len(logs.describe_log_streams(logGroupName="g")["logStreams"]) == 2
    group = logs.describe_log_groups()["logGroups"][0]
    assert group["storedBytes"] == 2


def test_retention_values_and_expiry(logs: Any, fogbank: Any) -> None:
    stream(logs)
    code, _, msg = error_of(logs.put_retention_policy, logGroupName="g", retentionInDays=2)
    assert code == "InvalidParameterException" and "enum value set" in msg
    code, _, _ = error_of(logs.put_retention_policy, logGroupName="nope", retentionInDays=1)
    assert code == "ResourceNotFoundException"
    now = now_ms(fogbank)
    put(logs, ["old"], now - 36 * 3600 * 1000)
    put(logs, ["new"], now - 1000)
    logs.put_retention_policy(logGroupName="g", retentionInDays=1)
    assert logs.describe_log_groups()["logGroups"][0]["retentionInDays"] == 1
    messages = [e["message"] for e in logs.get_log_events(logGroupName="g", logStreamName="s")["events"]]
    assert messages == ["new"]
    fogbank.advance(86400 + 10)
    assert logs.get_log_events(logGroupName="g", logStreamName="s")["events"] == []
    s = logs.describe_log_streams(logGroupName="g")["logStreams"][0]
    assert s["storedBytes"] == 0 and "firstEventTimestamp" not in s
    logs.delete_retention_policy(logGroupName="g")
    assert "retentionInDays" not in logs.describe_log_groups()["logGroups"][0]


def test_tags_new_and_legacy(logs: Any) -> None:
    logs.create_log_group(logGroupName="g", tags={"a": "1"})
    arn = logs.describe_log_groups()["logGroups"][0]["logGroupArn"]
    logs.tag_resource(resourceArn=arn, tags={"b": "2"})
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"a": "1", "b": "2"}
    logs.untag_resource(resourceArn=arn, tagKeys=["a"])
    logs.tag_log_group(logGroupName="g", tags={"c": "3"})
    assert logs.list_tags_log_group(logGroupName="g")["tags"] == {"b": "2", "c": "3"}
    logs.untag_log_group(logGroupName="g", tags=["b"])
    assert logs.list_tags_for_resource(resourceArn=arn + ":*")["tags"] == {"c": "3"}
    code, _, _ = error_of(logs.tag_resource, resourceArn=arn, tags={f"k{i}": "v" for i in range(50)})
    assert code == "TooManyTagsException"
    code, _, _ = error_of(logs.list_tags_for_resource, resourceArn=arn.replace(":g", ":zz"))
    assert code == "ResourceNotFoundException"
    assert logs.list_tags_log_group(logGroupName="g")["tags"] == {"c": "3"}

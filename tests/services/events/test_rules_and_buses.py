"""Rules, targets, buses, permissions and tags through boto3, with their failure paths."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _error(call: Any, **kwargs: Any) -> tuple[str, int, str]:
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    err = info.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"], err["Error"]["Message"]


def test_rule_lifecycle(aws: Any) -> None:
    events = aws("events")
    pattern = json.dumps({"source": ["a"]})
    arn = events.put_rule(Name="r1", EventPattern=pattern, Description="d", Tags=[{"Key": "k", "Value": "v"}])["RuleArn"]
    assert arn == "arn:aws:events:us-east-1:000000000000:rule/r1"
    rule = events.describe_rule(Name="r1")
    assert (rule["EventPattern"], rule["State"], rule["Description"], rule["EventBusName"]) == (pattern, "ENABLED", "d", "default")
    events.disable_rule(Name="r1")
    assert events.describe_rule(Name="r1")["State"] == "DISABLED"
    events.enable_rule(Name="r1")
    assert events.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "k", "Value": "v"}]
    events.put_targets(Rule="r1", Targets=[{"Id": "t1", "Arn": "arn:aws:sqs:us-east-1:000000000000:q"}])
    assert _error(events.delete_rule, Name="r1") == ("ValidationException", 400, "Rule can't be deleted since it has targets.")
    assert events.list_rule_names_by_target(TargetArn="arn:aws:sqs:us-east-1:000000000000:q")["RuleNames"] == ["r1"]
    events.remove_targets(Rule="r1", Ids=["t1"])
    assert events.list_targets_by_rule(Rule="r1")["Targets"] == []
    events.delete_rule(Name="r1")
    assert _error(events.describe_rule, Name="r1") == (
        "ResourceNotFoundException", 400, "Rule r1 does not exist on EventBus default.")


def test_list_rules_prefix_and_pages(aws: Any) -> None:
    events = aws("events")
    for name in ("a1", "a2", "a3", "b1"):
        events.put_rule(Name=name, EventPattern='{"source": ["x"]}')
    page = events.list_rules(NamePrefix="a", Limit=2)
    assert [r["Name"] for r in page["Rules"]] == ["a1", "a2"]
    rest = events.list_rules(NamePrefix="a", Limit=2, NextToken=page["NextToken"])
    assert [r["Name"] for r in rest["Rules"]] == ["a3"] and "NextToken" not in rest
    assert len(events.list_rules()["Rules"]) == 4


def test_put_rule_errors(aws: Any) -> None:
    events = aws("events")
    code, status, message = _error(events.put_rule, Name="bad", EventPattern='{"source": "x"}')
    assert (code, status) == ("InvalidEventPatternException", 400) and message.startswith("Event pattern is not valid.")
    assert _error(events.put_rule, Name="none")[0] == "ValidationException"
    assert _error(events.put_rule, Name="s", ScheduleExpression="rate(1 minutes)")[0] == "ValidationException"
    assert _error(events.put_rule, Name="s", ScheduleExpression="cron(0 12 * * * *)")[0] == "ValidationException"
    assert _error(events.put_rule, Name="r", EventPattern="{}", EventBusName="nope")[0] == "ResourceNotFoundException"
    assert events.list_rules()["Rules"] == []
    assert _error(events.put_targets, Rule="ghost", Targets=[{"Id": "t", "Arn": "arn:aws:sqs:us-east-1:0:q"}]) == (
        "ResourceNotFoundException", 400, "Rule ghost does not exist on EventBus default.")


def test_targets_limits_and_per_entry_failures(aws: Any) -> None:
    events = aws("events")
    events.put_rule(Name="r", EventPattern='{"source": ["x"]}')
    out = events.put_targets(Rule="r", Targets=[
        {"Id": "ok", "Arn": "arn:aws:sqs:us-east-1:000000000000:q"},
        {"Id": "bad", "Arn": "not-an-arn"},
    ])
    assert out["FailedEntryCount"] == 1 and out["FailedEntries"][0]["TargetId"] == "bad"
    assert [t["Id"] for t in events.list_targets_by_rule(Rule="r")["Targets"]] == ["ok"]
    assert _error(events.put_targets, Rule="r", Targets=[
        {"Id": "two", "Arn": "arn:aws:sqs:us-east-1:000000000000:q", "Input": "{}", "InputPath": "$.detail"}])[0] == "ValidationException"
    many = [{"Id": f"t{i}", "Arn": f"arn:aws:sqs:us-east-1:000000000000:q{i}"} for i in range(5)]
    assert _error(events.put_targets, Rule="r", Targets=many)[0] == "LimitExceededException"
    assert [t["Id"] for t in events.list_targets_by_rule(Rule="r")["Targets"]] == ["ok"]


def test_custom_buses_and_permissions(aws: Any) -> None:
    events = aws("events")
    arn = events.create_event_bus(Name="orders", Tags=[{"Key": "team", "Value": "x"}])["EventBusArn"]
    assert arn == "arn:aws:events:us-east-1:000000000000:event-bus/orders"
    assert _error(events.create_event_bus, Name="orders")[0] == "ResourceAlreadyExistsException"
    names = [b["Name"] for b in events.list_event_buses()["EventBuses"]]
    assert names == ["default", "orders"]
    assert [b["Name"] for b in events.list_event_buses(NamePrefix="ord")["EventBuses"]] == ["orders"]
    events.put_permission(EventBusName="orders", Action="events:PutEvents", Principal="111122223333", StatementId="s1")
    policy = json.loads(events.describe_event_bus(Name="orders")["Policy"])
    assert policy["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    assert policy["Statement"][0]["Resource"] == arn
    assert _error(events.remove_permission, EventBusName="orders", StatementId="nope")[0] == "ResourceNotFoundException"
    events.remove_permission(EventBusName="orders", StatementId="s1")
    assert "Policy" not in events.describe_event_bus(Name="orders")
    events.put_rule(Name="r", EventBusName="orders", EventPattern='{"source": ["x"]}')
    assert events.describe_rule(Name="r", EventBusName="orders")["Arn"].endswith(":rule/orders/r")
    assert _error(events.put_rule, Name="s", EventBusName="orders", ScheduleExpression="rate(5 minutes)")[0] == "ValidationException"
    assert _error(events.delete_event_bus, Name="default")[0] == "ValidationException"
    assert events.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "team", "Value": "x"}]
    events.untag_resource(ResourceARN=arn, TagKeys=["team"])
    assert events.list_tags_for_resource(ResourceARN=arn)["Tags"] == []
    events.delete_rule(Name="r", EventBusName="orders")
    events.delete_event_bus(Name="orders")
    assert _error(events.describe_event_bus, Name="orders") == ("ResourceNotFoundException", 400, "Event bus orders does not exist.")


def test_test_event_pattern(aws: Any) -> None:
    events = aws("events")
    event = json.dumps({"id": "1", "account": "1", "source": "a.b", "time": "2020-01-01T00:00:00Z", "region": "us-east-1",
                        "detail-type": "t", "resources": [], "detail": {"ip": "10.0.0.7", "tags": ["x", "y"]}})
    assert events.test_event_pattern(EventPattern='{"detail": {"ip": [{"cidr": "10.0.0.0/24"}]}}', Event=event)["Result"]
    assert events.test_event_pattern(EventPattern='{"detail": {"tags": ["y"]}}', Event=event)["Result"]
    assert not events.test_event_pattern(EventPattern='{"source": [{"anything-but": {"prefix": "a."}}]}', Event=event)["Result"]
    assert _error(events.test_event_pattern, EventPattern='{"source": [{"bogus": 1}]}', Event=event)[0] == "InvalidEventPatternException"
    assert _error(events.test_event_pattern, EventPattern='{"source": ["a"]}', Event='{"source": "a"}')[0] == "ValidationException"

"""PutEvents routed through rules to SQS targets, with input shaping, and its failure paths."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _queue(aws: Any, name: str, **attributes: str) -> tuple[Any, str, str]:
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return sqs, url, arn


def _bodies(sqs: Any, url: str) -> list[str]:
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return [m["Body"] for m in messages]


def test_matching_event_reaches_sqs_in_the_aws_envelope(aws: Any) -> None:
    events = aws("events")
    sqs, url, arn = _queue(aws, "orders")
    events.put_rule(Name="orders", EventPattern=json.dumps({"source": ["shop"], "detail": {"total": [{"numeric": [">", 10]}]}}))
    events.put_targets(Rule="orders", Targets=[{"Id": "q", "Arn": arn}])
    out = events.put_events(Entries=[
        {"Source": "shop", "DetailType": "Order", "Detail": json.dumps({"total": 12}), "Resources": ["r1"]},
        {"Source": "shop", "DetailType": "Order", "Detail": json.dumps({"total": 5})},
        {"Source": "other", "DetailType": "Order", "Detail": json.dumps({"total": 50})},
    ])
    assert out["FailedEntryCount"] == 0 and len(out["Entries"]) == 3
    [body] = _bodies(sqs, url)
    event = json.loads(body)
    assert list(event) == ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"]
    assert event["id"] == out["Entries"][0]["EventId"]
    assert (event["version"], event["source"], event["detail-type"]) == ("0", "shop", "Order")
    assert event["region"] == "us-east-1" and event["resources"] == ["r1"] and event["detail"] == {"total": 12}
    assert event["account"] == "000000000000"


def test_input_transformer_and_input_path(aws: Any) -> None:
    events = aws("events")
    sqs, url, arn = _queue(aws, "shaped")
    events.put_rule(Name="r", EventPattern=json.dumps({"source": [{"prefix": "app."}]}))
    events.put_targets(Rule="r", Targets=[
        {"Id": "t", "Arn": arn, "InputTransformer": {
            "InputPathsMap": {"who": "$.detail.user", "n": "$.detail.count", "first": "$.resources[0]"},
            "InputTemplate": '{"message": "<who> did <n> things", "count": <n>, "user": <who>, "rule": "<aws.events.rule-name>", "r": "<first>"}',
        }},
    ])
    events.put_events(Entries=[{"Source": "app.web", "DetailType": "x", "Resources": ["res"],
                                "Detail": json.dumps({"user": "ana", "count": 3})}])
    [body] = _bodies(sqs, url)
    assert json.loads(body) == {"message": "ana did 3 things", "count": 3, "user": "ana", "rule": "r", "r": "res"}
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": arn, "InputPath": "$.detail.user"}])
    events.put_events(Entries=[{"Source": "app.web", "DetailType": "x", "Detail": json.dumps({"user": "bo"})}])
    assert _bodies(sqs, url) == ['"bo"']
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": arn, "Input": '{"fixed": true}'}])
    events.put_events(Entries=[{"Source": "app.web", "DetailType": "x", "Detail": "{}"}])
    assert _bodies(sqs, url) == ['{"fixed": true}']


def test_fifo_queue_target_uses_the_message_group(aws: Any) -> None:
    events = aws("events")
    sqs, url, arn = _queue(aws, "f.fifo", FifoQueue="true")
    events.put_rule(Name="r", EventPattern=json.dumps({"source": ["s"]}))
    with pytest.raises(ClientError) as info:
        events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": arn}])
    assert info.value.response["Error"]["Code"] == "ValidationException"
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": arn, "SqsParameters": {"MessageGroupId": "g1"}}])
    events.put_events(Entries=[{"Source": "s", "DetailType": "x", "Detail": "{}"}])
    [message] = sqs.receive_message(QueueUrl=url, AttributeNames=["MessageGroupId"])["Messages"]
    assert message["Attributes"]["MessageGroupId"] == "g1"


def test_put_events_per_entry_errors(aws: Any) -> None:
    events = aws("events")
    out = events.put_events(Entries=[
        {"Source": "s", "DetailType": "x", "Detail": "not json"},
        {"Source": "s", "DetailType": "x", "Detail": "{}", "EventBusName": "nope"},
        {"Source": "s", "DetailType": "x"},
        {"Source": "s", "DetailType": "x", "Detail": "{}"},
    ])
    assert out["FailedEntryCount"] == 3
    codes = [e.get("ErrorCode") for e in out["Entries"]]
    assert codes == ["MalformedDetail", "ResourceNotFoundException", "InvalidArgument", None]
    assert "EventId" in out["Entries"][3]
    with pytest.raises(ClientError) as info:
        events.put_events(Entries=[{"Source": "s", "DetailType": "x", "Detail": "{}"}] * 11)
    assert info.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as info:
        events.put_events(Entries=[{"Source": "s", "DetailType": "x", "Detail": json.dumps({"a": "x" * 200_000})}] * 2)
    assert info.value.response["Error"]["Code"] == "ValidationException"
    assert "over the limit" in info.value.response["Error"]["Message"]


def test_failed_delivery_goes_to_the_dead_letter_queue(aws: Any) -> None:
    events = aws("events")
    sqs, dlq_url, dlq_arn = _queue(aws, "dlq")
    events.put_rule(Name="r", EventPattern=json.dumps({"source": ["s"]}))
    gone = "arn:aws:sqs:us-east-1:000000000000:missing"
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": gone, "DeadLetterConfig": {"Arn": dlq_arn},
                                           "RetryPolicy": {"MaximumRetryAttempts": 0}}])
    out = events.put_events(Entries=[{"Source": "s", "DetailType": "x", "Detail": "{}"}])
    assert out["FailedEntryCount"] == 0
    [message] = sqs.receive_message(QueueUrl=dlq_url, MessageAttributeNames=["All"])["Messages"]
    assert json.loads(message["Body"])["id"] == out["Entries"][0]["EventId"]
    attributes = message["MessageAttributes"]
    assert attributes["TARGET_ARN"]["StringValue"] == gone
    assert attributes["RULE_ARN"]["StringValue"].endswith(":rule/r")
    assert attributes["ERROR_CODE"]["StringValue"]


def test_events_forwarded_to_another_bus(aws: Any) -> None:
    events = aws("events")
    sqs, url, arn = _queue(aws, "fwd")
    bus_arn = events.create_event_bus(Name="inner")["EventBusArn"]
    events.put_rule(Name="out", EventPattern=json.dumps({"source": ["s"]}))
    events.put_targets(Rule="out", Targets=[{"Id": "b", "Arn": bus_arn}])
    events.put_rule(Name="in", EventBusName="inner", EventPattern=json.dumps({"detail-type": ["x"]}))
    events.put_targets(Rule="in", EventBusName="inner", Targets=[{"Id": "q", "Arn": arn}])
    events.put_events(Entries=[{"Source": "s", "DetailType": "x", "Detail": '{"k": 1}'}])
    [body] = _bodies(sqs, url)
    assert json.loads(body)["detail"] == {"k": 1}


def test_unreachable_targets_do_not_fail_put_events_or_other_targets(aws: Any) -> None:
    events = aws("events")
    sqs, url, arn = _queue(aws, "still")
    events.put_rule(Name="r", EventPattern=json.dumps({"source": ["s"]}))
    events.put_targets(Rule="r", Targets=[
        {"Id": "sns", "Arn": "arn:aws:sns:us-east-1:000000000000:topic-that-is-not-there"},
        {"Id": "fn", "Arn": "arn:aws:lambda:us-east-1:000000000000:function:ghost"},
        {"Id": "q", "Arn": arn},
    ])
    out = events.put_events(Entries=[{"Source": "s", "DetailType": "x", "Detail": "{}"}])
    assert out["FailedEntryCount"] == 0
    assert len(_bodies(sqs, url)) == 1


def test_disabled_rule_delivers_nothing(aws: Any) -> None:
    events = aws("events")
    sqs, url, arn = _queue(aws, "quiet")
    events.put_rule(Name="r", EventPattern=json.dumps({"source": ["s"]}), State="DISABLED")
    events.put_targets(Rule="r", Targets=[{"Id": "q", "Arn": arn}])
    events.put_events(Entries=[{"Source": "s", "DetailType": "x", "Detail": "{}"}])
    assert _bodies(sqs, url) == []

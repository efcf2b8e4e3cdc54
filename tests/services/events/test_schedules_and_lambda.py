"""Scheduled rules firing on fogbank's clock, and Lambda and CloudWatch Logs targets."""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import Callable
from typing import Any


def _queue(aws: Any, name: str) -> tuple[Any, str, str]:
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return sqs, url, arn


def _wait_for(check: Callable[[], Any], seconds: float = 20.0) -> Any:
    """Poll ``check`` until it gives something truthy (the work happens in the server)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("nothing arrived")


def _receive(sqs: Any, url: str) -> list[dict[str, Any]]:
    return sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])


def test_rate_rule_fires_when_the_clock_moves(aws: Any, fogbank: Any) -> None:
    events = aws("events")
    sqs, url, arn = _queue(aws, "ticks")
    rule_arn = events.put_rule(Name="tick", ScheduleExpression="rate(5 minutes)")["RuleArn"]
    events.put_targets(Rule="tick", Targets=[{"Id": "q", "Arn": arn}])
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None
    fogbank.advance(301)
    [message] = _wait_for(lambda: _receive(sqs, url))
    event = json.loads(message["Body"])
    assert (event["source"], event["detail-type"], event["detail"]) == ("aws.events", "Scheduled Event", {})
    assert event["resources"] == [rule_arn]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    events.disable_rule(Name="tick")
    fogbank.advance(600)
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None


def test_cron_rule_fires_at_its_minute(aws: Any, fogbank: Any) -> None:
    events = aws("events")
    sqs, url, arn = _queue(aws, "cron")
    events.put_rule(Name="c", ScheduleExpression="cron(0/10 * * * ? *)")
    events.put_targets(Rule="c", Targets=[{"Id": "q", "Arn": arn, "Input": '"ping"'}])
    fogbank.advance(11 * 60)
    [message] = _wait_for(lambda: _receive(sqs, url))
    assert message["Body"] == '"ping"'


HANDLER = """
import json, boto3
def handler(event, context):
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName="seen")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(event))
"""


def _zip(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", source)
    return buffer.getvalue()


def test_lambda_target_gets_the_event(aws: Any) -> None:
    events, lam = aws("events"), aws("lambda", read_timeout=60)
    sqs, url, _ = _queue(aws, "seen")
    function = lam.create_function(FunctionName="fn", Runtime="python3.11", Role="arn:aws:iam::000000000000:role/r",
                                   Handler="app.handler", Code={"ZipFile": _zip(HANDLER)})["FunctionArn"]
    events.put_rule(Name="r", EventPattern='{"detail-type": [{"equals-ignore-case": "ORDER"}]}')
    events.put_targets(Rule="r", Targets=[{"Id": "fn", "Arn": function}])
    out = events.put_events(Entries=[{"Source": "s", "DetailType": "order", "Detail": '{"n": 7}'}])
    [message] = _wait_for(lambda: _receive(sqs, url), seconds=30)
    event = json.loads(message["Body"])
    assert event["id"] == out["Entries"][0]["EventId"] and event["detail"] == {"n": 7}


def test_logs_target_writes_the_event(aws: Any) -> None:
    events, logs = aws("events"), aws("logs")
    logs.create_log_group(logGroupName="/aws/events/audit")
    events.put_rule(Name="r", EventPattern='{"source": ["s"]}')
    events.put_targets(Rule="r", Targets=[{"Id": "l", "Arn": "arn:aws:logs:us-east-1:000000000000:log-group:/aws/events/audit"}])
    out = events.put_events(Entries=[{"Source": "s", "DetailType": "x", "Detail": '{"a": 1}'}])
    found = logs.filter_log_events(logGroupName="/aws/events/audit")["events"]
    assert [json.loads(e["message"])["id"] for e in found] == [out["Entries"][0]["EventId"]]

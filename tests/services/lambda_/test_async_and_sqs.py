"""Event invocations (retries on the clock, DLQ, destinations) and SQS event source mappings."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from tests.services.lambda_.helpers import create, error_of

RECORDER = """
import json, os, boto3
def handler(event, context):
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName="seen")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(event))
    if isinstance(event, dict) and event.get("fail"):
        raise RuntimeError("failing on purpose")
    if isinstance(event, dict) and "Records" in event:
        bad = [r["messageId"] for r in event["Records"] if r["body"].startswith("bad")]
        return {"batchItemFailures": [{"itemIdentifier": i} for i in bad]}
    return {"ok": True}
"""


def wait_for(check: Callable[[], Any], seconds: float = 20.0) -> Any:
    """Poll ``check`` until it returns something truthy (real work in another process)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def drain(sqs: Any, url: str, expect: int) -> list[dict[str, Any]]:
    """Receive until ``expect`` messages arrived (deleting them)."""
    got: list[dict[str, Any]] = []

    def more() -> bool:
        answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1, MessageAttributeNames=["All"])
        for message in answer.get("Messages", []):
            got.append(message)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return len(got) >= expect

    wait_for(more)
    return got


def in_queue(sqs: Any, url: str) -> tuple[int, int]:
    """(visible, in flight) messages of a queue."""
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return int(attrs[names[0]]), int(attrs[names[1]])


def test_event_invocation_retries_then_dead_letters(lam: Any, aws: Any, fogbank: Any) -> None:
    sqs = aws("sqs")
    seen = sqs.create_queue(QueueName="seen")["QueueUrl"]
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    create(lam, "rec", {"app.py": RECORDER}, DeadLetterConfig={"TargetArn": dlq_arn})
    response = lam.invoke(FunctionName="rec", InvocationType="Event", Payload=json.dumps({"fail": 1, "n": 1}).encode())
    assert response["StatusCode"] == 202
    request_id = response["ResponseMetadata"]["RequestId"]
    assert len(drain(sqs, seen, 1)) == 1  # the first attempt
    fogbank.advance(61)
    assert len(drain(sqs, seen, 1)) == 1  # retry 1 after a minute
    fogbank.advance(121)
    assert len(drain(sqs, seen, 1)) == 1  # retry 2 after two more
    [dead] = drain(sqs, dlq, 1)
    assert json.loads(dead["Body"]) == {"fail": 1, "n": 1}
    attributes = dead["MessageAttributes"]
    assert attributes["RequestID"]["StringValue"] == request_id
    assert attributes["ErrorCode"]["StringValue"] == "200"
    assert attributes["ErrorMessage"]["StringValue"] == "failing on purpose"


def test_event_invocation_destinations(lam: Any, aws: Any, fogbank: Any) -> None:
    sqs = aws("sqs")
    sqs.create_queue(QueueName="seen")
    ok_url = sqs.create_queue(QueueName="ok")["QueueUrl"]
    bad_url = sqs.create_queue(QueueName="bad")["QueueUrl"]
    arn = lambda url: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]  # noqa: E731
    create(lam, "dest", {"app.py": RECORDER})
    config = lam.put_function_event_invoke_config(
        FunctionName="dest", MaximumRetryAttempts=0,
        DestinationConfig={"OnSuccess": {"Destination": arn(ok_url)}, "OnFailure": {"Destination": arn(bad_url)}})
    assert config["MaximumRetryAttempts"] == 0 and config["MaximumEventAgeInSeconds"] == 21600
    lam.invoke(FunctionName="dest", InvocationType="Event", Payload=b'{"n": 1}')
    lam.invoke(FunctionName="dest", InvocationType="Event", Payload=b'{"fail": true}')
    [good] = drain(sqs, ok_url, 1)
    doc = json.loads(good["Body"])
    assert doc["requestContext"]["condition"] == "Success"
    assert doc["requestContext"]["functionArn"].endswith(":function:dest:$LATEST")
    assert doc["requestPayload"] == {"n": 1} and doc["responsePayload"] == {"ok": True}
    [bad] = drain(sqs, bad_url, 1)
    doc = json.loads(bad["Body"])
    assert doc["requestContext"]["condition"] == "RetriesExhausted"
    assert doc["requestContext"]["approximateInvokeCount"] == 1
    assert doc["responseContext"]["functionError"] == "Unhandled"
    assert doc["responsePayload"]["errorMessage"] == "failing on purpose"
    code, status, _ = error_of(lam.put_function_event_invoke_config, FunctionName="dest", MaximumRetryAttempts=5)
    assert status == 400
    code, status, _ = error_of(lam.invoke, FunctionName="dest", InvocationType="Event", Payload=b'"' + b"x" * (1024 * 1024 + 1) + b'"')
    assert (code, status) == ("RequestTooLargeException", 413)


def test_sqs_mapping_batches_deletes_and_reports_partial_failures(lam: Any, aws: Any, fogbank: Any) -> None:
    sqs = aws("sqs")
    seen = sqs.create_queue(QueueName="seen")["QueueUrl"]
    source = sqs.create_queue(QueueName="source", Attributes={"VisibilityTimeout": "120"})["QueueUrl"]
    source_arn = sqs.get_queue_attributes(QueueUrl=source, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    create(lam, "consumer", {"app.py": RECORDER})
    mapping = lam.create_event_source_mapping(
        EventSourceArn=source_arn, FunctionName="consumer", BatchSize=5, MaximumBatchingWindowInSeconds=30,
        FunctionResponseTypes=["ReportBatchItemFailures"])
    assert mapping["State"] == "Creating" and mapping["BatchSize"] == 5
    assert lam.get_event_source_mapping(UUID=mapping["UUID"])["State"] == "Enabled"
    for body in ("good-1", "bad-2", "good-3"):
        sqs.send_message(QueueUrl=source, MessageBody=body)
    # the poller holds all three in flight, but the batch must wait for its window
    wait_for(lambda: in_queue(sqs, source) == (0, 3))
    assert sqs.receive_message(QueueUrl=seen, WaitTimeSeconds=0).get("Messages") is None
    fogbank.advance(31)  # the batching window ends: one batch with all three
    [batch] = drain(sqs, seen, 1)
    records = json.loads(batch["Body"])["Records"]
    assert sorted(r["body"] for r in records) == ["bad-2", "good-1", "good-3"]
    assert records[0]["eventSource"] == "aws:sqs" and records[0]["eventSourceARN"] == source_arn
    assert records[0]["attributes"]["ApproximateReceiveCount"] == "1"
    # good messages are deleted once the invocation has returned, which is after its record
    # reached "seen": wait for that (as against AWS), or a receive could race the deletes
    wait_for(lambda: in_queue(sqs, source) == (0, 1))
    # the failed one comes back after its visibility timeout
    lam.update_event_source_mapping(UUID=mapping["UUID"], Enabled=False)
    fogbank.advance(121)
    left = sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    assert [m["Body"] for m in left] == ["bad-2"]


def test_mapping_errors(lam: Any, aws: Any) -> None:
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    create(lam, "f", {"app.py": RECORDER})
    code, status, _ = error_of(lam.create_event_source_mapping, EventSourceArn=arn, FunctionName="f", BatchSize=11)
    assert (code, status) == ("InvalidParameterValueException", 400)
    code, status, _ = error_of(lam.create_event_source_mapping, EventSourceArn=arn, FunctionName="missing")
    assert (code, status) == ("ResourceNotFoundException", 404)
    made = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="f", Enabled=False)
    code, status, _ = error_of(lam.create_event_source_mapping, EventSourceArn=arn, FunctionName="f")
    assert (code, status) == ("ResourceConflictException", 409)
    assert [m["UUID"] for m in lam.list_event_source_mappings(FunctionName="f")["EventSourceMappings"]] == [made["UUID"]]
    lam.delete_event_source_mapping(UUID=made["UUID"])
    code, status, _ = error_of(lam.get_event_source_mapping, UUID=made["UUID"])
    assert (code, status) == ("ResourceNotFoundException", 404)

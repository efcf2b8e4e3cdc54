"""Disabling an SQS event source mapping stops polling but lets the batches in flight finish."""

from __future__ import annotations

import json
from typing import Any

from tests.services.lambda_.helpers import create
from tests.services.lambda_.test_async_and_sqs import drain, in_queue, wait_for

# reports its batch, then holds the invocation open until the test says "go"
GATED = """
import json, boto3
def handler(event, context):
    sqs = boto3.client("sqs")
    seen = sqs.get_queue_url(QueueName="seen")["QueueUrl"]
    go = sqs.get_queue_url(QueueName="go")["QueueUrl"]
    sqs.send_message(QueueUrl=seen, MessageBody=json.dumps(event))
    while not sqs.receive_message(QueueUrl=go, WaitTimeSeconds=20).get("Messages"):
        pass
    bad = [r["messageId"] for r in event["Records"] if r["body"].startswith("bad")]
    return {"batchItemFailures": [{"itemIdentifier": i} for i in bad]}
"""


def test_disable_lets_the_batch_in_flight_delete_its_messages(lam: Any, aws: Any, fogbank: Any) -> None:
    sqs = aws("sqs")
    seen = sqs.create_queue(QueueName="seen")["QueueUrl"]
    go = sqs.create_queue(QueueName="go")["QueueUrl"]
    source = sqs.create_queue(QueueName="source", Attributes={"VisibilityTimeout": "120"})["QueueUrl"]
    source_arn = sqs.get_queue_attributes(QueueUrl=source, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    for body in ("good-1", "bad-2", "good-3"):
        sqs.send_message(QueueUrl=source, MessageBody=body)
    create(lam, "gated", {"app.py": GATED}, Timeout=60)
    mapping = lam.create_event_source_mapping(
        EventSourceArn=source_arn, FunctionName="gated", BatchSize=5,
        FunctionResponseTypes=["ReportBatchItemFailures"])
    [batch] = drain(sqs, seen, 1)
    assert sorted(r["body"] for r in json.loads(batch["Body"])["Records"]) == ["bad-2", "good-1", "good-3"]
    # the function is still running when the mapping is disabled
    lam.update_event_source_mapping(UUID=mapping["UUID"], Enabled=False)
    sqs.send_message(QueueUrl=source, MessageBody="late")
    sqs.send_message(QueueUrl=go, MessageBody="go")
    # the finished batch deletes its good messages; the failed one stays in flight
    assert wait_for(lambda: in_queue(sqs, source) == (1, 1), seconds=15)
    fogbank.advance(121)
    left = sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10, AttributeNames=["All"]).get("Messages", [])
    assert sorted(m["Body"] for m in left) == ["bad-2", "late"]
    # nothing polled the queue after the mapping was disabled
    assert {m["Body"]: m["Attributes"]["ApproximateReceiveCount"] for m in left} == {"bad-2": "2", "late": "1"}

"""SQS event source mappings run at most ScalingConfig.MaximumConcurrency batches at once."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.services.lambda_.helpers import create, error_of
from tests.services.lambda_.test_async_and_sqs import drain, wait_for

# records the batch it got, then holds its execution until the test opens the gate
GATED = """
import json, boto3
sqs = boto3.client("sqs")
def handler(event, context):
    seen = sqs.get_queue_url(QueueName="seen")["QueueUrl"]
    gate = sqs.get_queue_url(QueueName="gate")["QueueUrl"]
    sqs.send_message(QueueUrl=seen, MessageBody=json.dumps([r["body"] for r in event["Records"]]))
    while True:
        got = sqs.receive_message(QueueUrl=gate, WaitTimeSeconds=20).get("Messages")
        if got:
            sqs.delete_message(QueueUrl=gate, ReceiptHandle=got[0]["ReceiptHandle"])
            return {}
"""


def _counts(sqs: Any, url: str) -> tuple[int, int]:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return int(attrs[names[0]]), int(attrs[names[1]])


def test_maximum_concurrency_caps_batches_in_flight(lam: Any, aws: Any) -> None:
    sqs = aws("sqs")
    seen = sqs.create_queue(QueueName="seen")["QueueUrl"]
    gate = sqs.create_queue(QueueName="gate")["QueueUrl"]
    source = sqs.create_queue(QueueName="work", Attributes={"VisibilityTimeout": "300"})["QueueUrl"]
    source_arn = sqs.get_queue_attributes(QueueUrl=source, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    create(lam, "gated", {"app.py": GATED}, Timeout=120)
    mapping = lam.create_event_source_mapping(EventSourceArn=source_arn, FunctionName="gated", BatchSize=1,
                                              ScalingConfig={"MaximumConcurrency": 2})
    assert mapping["ScalingConfig"] == {"MaximumConcurrency": 2}
    for n in range(5):
        sqs.send_message(QueueUrl=source, MessageBody=f"m{n}")
    started = [json.loads(m["Body"])[0] for m in drain(sqs, seen, 2)]
    time.sleep(0.5)  # a negative check: an uncapped poller would take the other three by now
    assert sqs.receive_message(QueueUrl=seen, WaitTimeSeconds=0).get("Messages") is None
    assert _counts(sqs, source) == (3, 2)  # the rest stay visible for other consumers
    for _ in range(2):
        sqs.send_message(QueueUrl=gate, MessageBody="go")
    started += [json.loads(m["Body"])[0] for m in drain(sqs, seen, 2)]
    for _ in range(3):
        sqs.send_message(QueueUrl=gate, MessageBody="go")
    started += [json.loads(m["Body"])[0] for m in drain(sqs, seen, 1)]
    assert sorted(started) == ["m0", "m1", "m2", "m3", "m4"]
    wait_for(lambda: _counts(sqs, source) == (0, 0))  # every batch succeeded and was deleted
    # raising the cap takes effect on the running poller
    updated = lam.update_event_source_mapping(UUID=mapping["UUID"], ScalingConfig={"MaximumConcurrency": 1000})
    assert updated["ScalingConfig"] == {"MaximumConcurrency": 1000}


def test_maximum_concurrency_limits(lam: Any, aws: Any) -> None:
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="limits")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    create(lam, "f", {"app.py": GATED})
    raw = aws("lambda", parameter_validation=False)
    for bad in (1, 1001):
        code, status, message = error_of(raw.create_event_source_mapping, EventSourceArn=arn, FunctionName="f",
                                         ScalingConfig={"MaximumConcurrency": bad})
        assert (code, status) == ("ValidationException", 400)
        assert f"Value '{bad}' at 'scalingConfig.maximumConcurrency' failed to satisfy constraint" in message
    assert lam.list_event_source_mappings(FunctionName="f")["EventSourceMappings"] == []
    made = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="f", Enabled=False,
                                           ScalingConfig={"MaximumConcurrency": 2})
    code, status, _ = error_of(raw.update_event_source_mapping, UUID=made["UUID"], ScalingConfig={"MaximumConcurrency": 1})
    assert (code, status) == ("ValidationException", 400)
    assert lam.get_event_source_mapping(UUID=made["UUID"])["ScalingConfig"] == {"MaximumConcurrency": 2}

"""Dead-letter queues through boto3: redrive after maxReceiveCount, RedriveAllowPolicy,
ListDeadLetterSourceQueues and message move tasks back to the source."""

from __future__ import annotations

import json
from typing import Any

from .helpers import counts, error_of


def _arn(sqs: Any, url: str) -> str:
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def _with_dlq(sqs: Any, count: int = 2) -> tuple[str, str]:
    dlq = sqs.create_queue(QueueName="dead")["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": _arn(sqs, dlq), "maxReceiveCount": str(count)})
    src = sqs.create_queue(QueueName="source", Attributes={"RedrivePolicy": policy})["QueueUrl"]
    return src, dlq


def test_message_moves_after_max_receive_count(sqs: Any) -> None:
    src, dlq = _with_dlq(sqs, 2)
    stored = json.loads(sqs.get_queue_attributes(QueueUrl=src, AttributeNames=["RedrivePolicy"])["Attributes"]["RedrivePolicy"])
    assert stored == {"deadLetterTargetArn": _arn(sqs, dlq), "maxReceiveCount": 2}
    sent = sqs.send_message(QueueUrl=src, MessageBody="poison")
    for _ in range(2):
        assert len(sqs.receive_message(QueueUrl=src, VisibilityTimeout=0)["Messages"]) == 1
    assert "Messages" not in sqs.receive_message(QueueUrl=src, VisibilityTimeout=0)
    got = sqs.receive_message(QueueUrl=dlq, MessageSystemAttributeNames=["All"])["Messages"]
    assert [m["MessageId"] for m in got] == [sent["MessageId"]]
    assert got[0]["Attributes"]["DeadLetterQueueSourceArn"] == _arn(sqs, src)
    assert counts(sqs, src) == (0, 0, 0)


def test_redrive_policy_errors(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="src")["QueueUrl"]
    missing = json.dumps({"deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:nowhere", "maxReceiveCount": 3})
    assert error_of(sqs.set_queue_attributes, QueueUrl=url, Attributes={"RedrivePolicy": missing})[:2] == ("InvalidParameterValue", 400)
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    too_many = json.dumps({"deadLetterTargetArn": _arn(sqs, dlq), "maxReceiveCount": 1001})
    assert error_of(sqs.set_queue_attributes, QueueUrl=url, Attributes={"RedrivePolicy": too_many})[0] == "InvalidParameterValue"
    assert error_of(sqs.set_queue_attributes, QueueUrl=url, Attributes={"RedrivePolicy": "{not json"})[0] == "InvalidParameterValue"
    fifo_dlq = sqs.create_queue(QueueName="dlq.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    mixed = json.dumps({"deadLetterTargetArn": _arn(sqs, fifo_dlq), "maxReceiveCount": 3})
    assert error_of(sqs.set_queue_attributes, QueueUrl=url, Attributes={"RedrivePolicy": mixed})[0] == "InvalidParameterValue"
    assert "RedrivePolicy" not in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]


def test_redrive_allow_policy(sqs: Any) -> None:
    dlq = sqs.create_queue(QueueName="guarded", Attributes={"RedriveAllowPolicy": json.dumps({"redrivePermission": "denyAll"})})["QueueUrl"]
    src = sqs.create_queue(QueueName="src")["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": _arn(sqs, dlq), "maxReceiveCount": 3})
    assert error_of(sqs.set_queue_attributes, QueueUrl=src, Attributes={"RedrivePolicy": policy})[0] == "InvalidParameterValue"
    sqs.set_queue_attributes(QueueUrl=dlq, Attributes={
        "RedriveAllowPolicy": json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [_arn(sqs, src)]})})
    sqs.set_queue_attributes(QueueUrl=src, Attributes={"RedrivePolicy": policy})
    other = sqs.create_queue(QueueName="other")["QueueUrl"]
    assert error_of(sqs.set_queue_attributes, QueueUrl=other, Attributes={"RedrivePolicy": policy})[0] == "InvalidParameterValue"
    bad = json.dumps({"redrivePermission": "byQueue"})
    assert error_of(sqs.set_queue_attributes, QueueUrl=dlq, Attributes={"RedriveAllowPolicy": bad})[0] == "InvalidParameterValue"


def test_list_dead_letter_source_queues(sqs: Any) -> None:
    src, dlq = _with_dlq(sqs)
    sqs.create_queue(QueueName="unrelated")
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [src]
    assert sqs.list_dead_letter_source_queues(QueueUrl=src)["queueUrls"] == []


def test_message_move_task_returns_messages_to_source(sqs: Any, fogbank: Any) -> None:
    src, dlq = _with_dlq(sqs, 1)
    for i in range(3):
        sqs.send_message(QueueUrl=src, MessageBody=str(i))
    for _ in range(2):
        sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10, VisibilityTimeout=0)
    assert counts(sqs, dlq) == (3, 0, 0)
    handle = sqs.start_message_move_task(SourceArn=_arn(sqs, dlq), MaxNumberOfMessagesPerSecond=1)["TaskHandle"]
    assert error_of(sqs.start_message_move_task, SourceArn=_arn(sqs, dlq))[0] == "AWS.SimpleQueueService.UnsupportedOperation"
    fogbank.advance(1)
    task = sqs.list_message_move_tasks(SourceArn=_arn(sqs, dlq))["Results"][0]
    assert task["Status"] == "RUNNING" and task["ApproximateNumberOfMessagesMoved"] == 1
    assert task["ApproximateNumberOfMessagesToMove"] == 3 and task["TaskHandle"] == handle
    fogbank.advance(5)
    task = sqs.list_message_move_tasks(SourceArn=_arn(sqs, dlq))["Results"][0]
    assert task["Status"] == "COMPLETED" and task["ApproximateNumberOfMessagesMoved"] == 3
    assert counts(sqs, dlq) == (0, 0, 0)
    assert sorted(m["Body"] for m in sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10)["Messages"]) == ["0", "1", "2"]
    assert error_of(sqs.cancel_message_move_task, TaskHandle=handle)[0] == "AWS.SimpleQueueService.UnsupportedOperation"


def test_cancel_message_move_task(sqs: Any, fogbank: Any) -> None:
    src, dlq = _with_dlq(sqs, 1)
    target = sqs.create_queue(QueueName="elsewhere")["QueueUrl"]
    for i in range(4):
        sqs.send_message(QueueUrl=src, MessageBody=str(i))
    for _ in range(2):
        sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10, VisibilityTimeout=0)
    handle = sqs.start_message_move_task(SourceArn=_arn(sqs, dlq), DestinationArn=_arn(sqs, target),
                                         MaxNumberOfMessagesPerSecond=1)["TaskHandle"]
    fogbank.advance(2)
    assert sqs.cancel_message_move_task(TaskHandle=handle)["ApproximateNumberOfMessagesMoved"] == 2
    fogbank.advance(10)
    assert counts(sqs, target)[0] == 2 and counts(sqs, dlq)[0] == 2
    assert sqs.list_message_move_tasks(SourceArn=_arn(sqs, dlq))["Results"][0]["Status"] == "CANCELLED"
    assert error_of(sqs.cancel_message_move_task, TaskHandle="bogus")[:2] == ("ResourceNotFoundException", 404)
    assert error_of(sqs.start_message_move_task, SourceArn=_arn(sqs, src))[0] == "InvalidParameterValue"

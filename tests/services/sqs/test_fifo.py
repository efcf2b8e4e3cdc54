"""FIFO queues through boto3: group order, group locks, deduplication, sequence numbers,
receive attempts and the FIFO-only parameters."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import counts, error_of


@pytest.fixture
def fifo(sqs: Any) -> str:
    return sqs.create_queue(QueueName="jobs.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]


def _bodies(result: dict[str, Any]) -> list[str]:
    return [m["Body"] for m in result.get("Messages", [])]


def test_order_within_group_and_group_lock(sqs: Any, fifo: str, fogbank: Any) -> None:
    for i in range(3):
        sqs.send_message(QueueUrl=fifo, MessageBody=f"a{i}", MessageGroupId="A", MessageDeduplicationId=f"a{i}")
        sqs.send_message(QueueUrl=fifo, MessageBody=f"b{i}", MessageGroupId="B", MessageDeduplicationId=f"b{i}")
    first = sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=2, VisibilityTimeout=30)
    assert _bodies(first) == ["a0", "a1"]
    # group A is locked while a0 and a1 are in flight: only B comes out
    assert _bodies(sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10, VisibilityTimeout=30)) == ["b0", "b1", "b2"]
    assert "Messages" not in sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10)
    sqs.delete_message(QueueUrl=fifo, ReceiptHandle=first["Messages"][0]["ReceiptHandle"])
    assert "Messages" not in sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10)  # a1 still in flight
    fogbank.advance(30)
    # a1's visibility ended: it comes back first, then a2, in order
    again = sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"])
    assert _bodies(again)[:2] == ["a1", "a2"]
    a1 = again["Messages"][0]["Attributes"]
    assert a1["ApproximateReceiveCount"] == "2"
    assert a1["MessageGroupId"] == "A" and a1["MessageDeduplicationId"] == "a1"
    assert len(a1["SequenceNumber"]) == 20


def test_sequence_numbers_grow(sqs: Any, fifo: str) -> None:
    numbers = [
        int(sqs.send_message(QueueUrl=fifo, MessageBody=str(i), MessageGroupId="g", MessageDeduplicationId=str(i))["SequenceNumber"])
        for i in range(5)
    ]
    assert numbers == sorted(numbers) and len(set(numbers)) == 5


def test_explicit_deduplication_window(sqs: Any, fifo: str, fogbank: Any) -> None:
    one = sqs.send_message(QueueUrl=fifo, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="same")
    two = sqs.send_message(QueueUrl=fifo, MessageBody="other body", MessageGroupId="g", MessageDeduplicationId="same")
    assert one["MessageId"] == two["MessageId"] and one["SequenceNumber"] == two["SequenceNumber"]
    assert counts(sqs, fifo) == (1, 0, 0)
    fogbank.advance(301)
    three = sqs.send_message(QueueUrl=fifo, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="same")
    assert three["MessageId"] != one["MessageId"]
    assert counts(sqs, fifo) == (2, 0, 0)


def test_content_based_deduplication(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="cbd.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
    a = sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="g")
    b = sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="h")
    c = sqs.send_message(QueueUrl=url, MessageBody="other body", MessageGroupId="g")
    assert a["MessageId"] == b["MessageId"] != c["MessageId"]
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["MessageDeduplicationId"])
    assert len(got["Messages"]) == 2
    assert len(got["Messages"][0]["Attributes"]["MessageDeduplicationId"]) == 64


def test_deduplication_scope_message_group(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="ht.fifo", Attributes={
        "FifoQueue": "true", "DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"})["QueueUrl"]
    a = sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d")
    b = sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="h", MessageDeduplicationId="d")
    assert a["MessageId"] != b["MessageId"]
    code, _, _ = error_of(sqs.create_queue, QueueName="bad.fifo", Attributes={
        "FifoQueue": "true", "DeduplicationScope": "queue", "FifoThroughputLimit": "perMessageGroupId"})
    assert code == "InvalidAttributeValue"


def test_fifo_parameter_errors(sqs: Any, fifo: str) -> None:
    code, _, message = error_of(sqs.send_message, QueueUrl=fifo, MessageBody="x", MessageDeduplicationId="d")
    assert code == "MissingParameter" and "MessageGroupId" in message
    code, _, message = error_of(sqs.send_message, QueueUrl=fifo, MessageBody="x", MessageGroupId="g")
    assert code == "InvalidParameterValue" and "ContentBasedDeduplication" in message
    assert error_of(sqs.send_message, QueueUrl=fifo, MessageBody="x", MessageGroupId="g",
                    MessageDeduplicationId="d", DelaySeconds=5)[0] == "InvalidParameterValue"
    assert counts(sqs, fifo) == (0, 0, 0)


def test_receive_request_attempt_id_returns_the_same_messages(sqs: Any, fifo: str) -> None:
    for i in range(3):
        sqs.send_message(QueueUrl=fifo, MessageBody=str(i), MessageGroupId="g", MessageDeduplicationId=str(i))
    first = sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=2, ReceiveRequestAttemptId="try-1")
    retry = sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=2, ReceiveRequestAttemptId="try-1")
    assert [m["ReceiptHandle"] for m in retry["Messages"]] == [m["ReceiptHandle"] for m in first["Messages"]]
    assert _bodies(retry) == ["0", "1"]


def test_fifo_delay_queue(sqs: Any, fogbank: Any) -> None:
    url = sqs.create_queue(QueueName="slow.fifo", Attributes={"FifoQueue": "true", "DelaySeconds": "10"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="1")
    assert counts(sqs, url) == (0, 0, 1)
    fogbank.advance(10)
    assert _bodies(sqs.receive_message(QueueUrl=url)) == ["x"]

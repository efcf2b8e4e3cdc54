"""SQS scenarios: sending, and the send / receive / delete cycle of a worker."""

from __future__ import annotations

from typing import Any

from bench.scenarios.base import Scenario, unique_name

BODY = "x" * 256


def _create_queue(client: Any) -> str:
    return str(client.create_queue(QueueName=unique_name("bench"))["QueueUrl"])


def _send(client: Any, queue_url: str, i: int) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody=BODY)


def _send_receive_delete(client: Any, queue_url: str, i: int) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody=BODY)
    # With several threads another one may hold the message just sent; any message will do.
    for message in client.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=1).get("Messages", []):
        client.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


SCENARIOS = (
    Scenario("sqs.send_message", "sqs", _create_queue, _send),
    Scenario("sqs.send_receive_delete", "sqs", _create_queue, _send_receive_delete, calls_per_op=3),
)

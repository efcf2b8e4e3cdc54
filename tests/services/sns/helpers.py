"""Shared steps of the SNS service tests: queues subscribed to topics and reading them back."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError


def error_of(call: Any, *args: Any, **kwargs: Any) -> tuple[str, int, str]:
    """(code, HTTP status, message) of the ClientError a call raises."""
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    err = info.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"], err["Error"].get("Message", "")


def queue(sqs: Any, name: str, **attributes: str) -> tuple[str, str]:
    """(url, arn) of a new queue."""
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def subscribed_queue(sns: Any, sqs: Any, topic_arn: str, name: str, **attributes: str) -> tuple[str, str]:
    """(queue url, subscription arn) of a queue subscribed to the topic."""
    url, arn = queue(sqs, name, **({"FifoQueue": "true"} if name.endswith(".fifo") else {}))
    sub = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn, Attributes=attributes,
                        ReturnSubscriptionArn=True)["SubscriptionArn"]
    return url, sub


def received(sqs: Any, url: str, most: int = 10) -> list[dict[str, Any]]:
    """The messages waiting in a queue (received once, with all attributes)."""
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=most, MessageAttributeNames=["All"],
                              AttributeNames=["All"])
    return got.get("Messages", [])


def bodies(sqs: Any, url: str) -> list[dict[str, Any]]:
    """The SNS envelopes waiting in a queue, parsed."""
    return [json.loads(m["Body"]) for m in received(sqs, url)]

"""FIFO topics to FIFO queues (groups, deduplication on fogbank's clock, sequence numbers) and
PublishBatch with its per-entry and whole-batch errors."""

from __future__ import annotations

import json
from typing import Any

from tests.services.sns.helpers import bodies, error_of, queue, received, subscribed_queue


def _fifo_topic(sns: Any, name: str = "orders.fifo", content: bool = False) -> str:
    attributes = {"FifoTopic": "true", "ContentBasedDeduplication": "true" if content else "false"}
    return sns.create_topic(Name=name, Attributes=attributes)["TopicArn"]


def test_fifo_topic_to_fifo_queue_keeps_groups_and_dedups_for_five_minutes(sns: Any, sqs: Any, fogbank: Any) -> None:
    topic = _fifo_topic(sns)
    url, _ = subscribed_queue(sns, sqs, topic, "orders.fifo", RawMessageDelivery="true")
    first = sns.publish(TopicArn=topic, Message="one", MessageGroupId="g", MessageDeduplicationId="d1")
    again = sns.publish(TopicArn=topic, Message="one again", MessageGroupId="g", MessageDeduplicationId="d1")
    second = sns.publish(TopicArn=topic, Message="two", MessageGroupId="g", MessageDeduplicationId="d2")
    assert again["MessageId"] == first["MessageId"]
    assert int(second["SequenceNumber"]) > int(first["SequenceNumber"])
    messages = received(sqs, url)
    assert [m["Body"] for m in messages] == ["one", "two"]
    assert {m["Attributes"]["MessageGroupId"] for m in messages} == {"g"}
    for m in messages:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    fogbank.advance(301)
    later = sns.publish(TopicArn=topic, Message="one later", MessageGroupId="g", MessageDeduplicationId="d1")
    assert later["MessageId"] != first["MessageId"]
    assert [m["Body"] for m in received(sqs, url)] == ["one later"]


def test_content_based_deduplication_and_envelope_sequence(sns: Any, sqs: Any) -> None:
    topic = _fifo_topic(sns, "content.fifo", content=True)
    url, _ = subscribed_queue(sns, sqs, topic, "content.fifo")
    a = sns.publish(TopicArn=topic, Message="same", MessageGroupId="g")
    b = sns.publish(TopicArn=topic, Message="same", MessageGroupId="g")
    assert a["MessageId"] == b["MessageId"]
    [doc] = bodies(sqs, url)
    assert doc["SequenceNumber"] == a["SequenceNumber"]
    assert doc["Message"] == "same"


def test_fifo_rules(sns: Any, sqs: Any) -> None:
    topic = _fifo_topic(sns)
    _, lam_like = queue(sqs, "plain")
    assert error_of(sns.publish, TopicArn=topic, Message="x", MessageDeduplicationId="d") == (
        "InvalidParameter", 400, "Invalid parameter: The MessageGroupId parameter is required for FIFO topics")
    code, _, message = error_of(sns.publish, TopicArn=topic, Message="x", MessageGroupId="g")
    assert code == "InvalidParameter" and "ContentBasedDeduplication" in message
    code, _, _ = error_of(sns.subscribe, TopicArn=topic, Protocol="lambda",
                          Endpoint="arn:aws:lambda:us-east-1:000000000000:function:f")
    assert code == "InvalidParameter"
    standard = sns.create_topic(Name="standard")["TopicArn"]
    _, fifo_queue = queue(sqs, "q.fifo", FifoQueue="true")
    assert error_of(sns.subscribe, TopicArn=standard, Protocol="sqs", Endpoint=fifo_queue)[0] == "InvalidParameter"


def test_publish_batch(sns: Any, sqs: Any) -> None:
    topic = sns.create_topic(Name="batch")["TopicArn"]
    url, _ = subscribed_queue(sns, sqs, topic, "batch-reader")
    answer = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": "a", "Message": "first"},
        {"Id": "b", "Message": ""},
        {"Id": "c", "Message": "third", "Subject": "S"},
    ])
    assert [s["Id"] for s in answer["Successful"]] == ["a", "c"]
    assert answer["Failed"] == [{"Id": "b", "Code": "InvalidParameter", "Message": "Invalid parameter: Empty message",
                                 "SenderFault": True}]
    assert sorted(d["Message"] for d in bodies(sqs, url)) == ["first", "third"]


def test_publish_batch_errors(sns: Any) -> None:
    topic = sns.create_topic(Name="batch-errors")["TopicArn"]
    entries = [{"Id": str(i), "Message": "m"} for i in range(11)]
    assert error_of(sns.publish_batch, TopicArn=topic, PublishBatchRequestEntries=entries)[:2] == (
        "TooManyEntriesInBatchRequest", 400)
    assert error_of(sns.publish_batch, TopicArn=topic, PublishBatchRequestEntries=[])[:2] == (
        "EmptyBatchRequest", 400)
    same = [{"Id": "x", "Message": "m"}, {"Id": "x", "Message": "n"}]
    assert error_of(sns.publish_batch, TopicArn=topic, PublishBatchRequestEntries=same)[:2] == (
        "BatchEntryIdsNotDistinct", 400)
    assert error_of(sns.publish_batch, TopicArn=topic, PublishBatchRequestEntries=[{"Id": "a b", "Message": "m"}])[
        :2] == ("InvalidBatchEntryId", 400)
    big = [{"Id": str(i), "Message": "x" * 100_000} for i in range(3)]
    assert error_of(sns.publish_batch, TopicArn=topic, PublishBatchRequestEntries=big)[:2] == (
        "BatchRequestTooLong", 400)


def test_fifo_publish_batch_keeps_order(sns: Any, sqs: Any) -> None:
    topic = _fifo_topic(sns, "b.fifo", content=True)
    url, _ = subscribed_queue(sns, sqs, topic, "b.fifo", RawMessageDelivery="true")
    entries = [{"Id": f"e{i}", "Message": json.dumps({"n": i}), "MessageGroupId": "g"} for i in range(5)]
    answer = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=entries)
    assert len(answer["Successful"]) == 5 and all("SequenceNumber" in s for s in answer["Successful"])
    assert [json.loads(m["Body"])["n"] for m in received(sqs, url)] == [0, 1, 2, 3, 4]

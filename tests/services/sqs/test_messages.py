"""Messages on standard queues through boto3: send, receive, delete, visibility, delays,
attributes and their MD5s, batches, retention and long polling (all on fogbank's clock)."""

from __future__ import annotations

import hashlib
import threading
from typing import Any

import pytest

from .helpers import counts, error_of


@pytest.fixture
def queue(sqs: Any) -> str:
    return sqs.create_queue(QueueName="work")["QueueUrl"]


def test_send_receive_delete(sqs: Any, queue: str) -> None:
    sent = sqs.send_message(QueueUrl=queue, MessageBody="hello")
    assert sent["MD5OfMessageBody"] == hashlib.md5(b"hello").hexdigest()
    got = sqs.receive_message(QueueUrl=queue, AttributeNames=["All"])["Messages"]
    assert [m["Body"] for m in got] == ["hello"]
    assert got[0]["MessageId"] == sent["MessageId"]
    attrs = got[0]["Attributes"]
    assert attrs["ApproximateReceiveCount"] == "1"
    assert attrs["SenderId"] == "000000000000"
    assert int(attrs["ApproximateFirstReceiveTimestamp"]) >= int(attrs["SentTimestamp"])
    assert counts(sqs, queue) == (0, 1, 0)
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=got[0]["ReceiptHandle"])
    assert counts(sqs, queue) == (0, 0, 0)
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)


def test_message_attributes_and_md5s(sqs: Any, queue: str) -> None:
    attributes = {
        "text": {"DataType": "String", "StringValue": "héllo"},
        "count": {"DataType": "Number", "StringValue": "42.5"},
        "blob": {"DataType": "Binary", "BinaryValue": b"\x00\xff\x10"},
        "custom": {"DataType": "String.json", "StringValue": "{}"},
    }
    system = {"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-5759e988-bd862e3fe1be46a994272793"}}
    sent = sqs.send_message(QueueUrl=queue, MessageBody="with attributes", MessageAttributes=attributes,
                            MessageSystemAttributes=system)
    # the digest of one String attribute computed by hand the way SQS documents it
    one = sqs.send_message(QueueUrl=queue, MessageBody="one", MessageAttributes={"a": {"DataType": "String", "StringValue": "b"}})
    manual = b"\x00\x00\x00\x01a" + b"\x00\x00\x00\x06String" + b"\x01" + b"\x00\x00\x00\x01b"
    assert one["MD5OfMessageAttributes"] == hashlib.md5(manual).hexdigest()
    assert "MD5OfMessageSystemAttributes" in sent
    got = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, MessageAttributeNames=["All"],
                              MessageSystemAttributeNames=["AWSTraceHeader"])["Messages"]
    first = next(m for m in got if m["Body"] == "with attributes")
    assert first["MessageAttributes"] == attributes
    assert first["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert first["Attributes"] == {"AWSTraceHeader": system["AWSTraceHeader"]["StringValue"]}


def test_attribute_name_filters(sqs: Any, queue: str) -> None:
    attributes = {n: {"DataType": "String", "StringValue": n} for n in ("order.id", "order.total", "other")}
    sqs.send_message(QueueUrl=queue, MessageBody="m", MessageAttributes=attributes)
    got = sqs.receive_message(QueueUrl=queue, MessageAttributeNames=["order.*"], VisibilityTimeout=0)["Messages"][0]
    assert set(got["MessageAttributes"]) == {"order.id", "order.total"}
    got = sqs.receive_message(QueueUrl=queue, MessageAttributeNames=["other"], VisibilityTimeout=0)["Messages"][0]
    assert set(got["MessageAttributes"]) == {"other"}
    got = sqs.receive_message(QueueUrl=queue)["Messages"][0]
    assert "MessageAttributes" not in got and "Attributes" not in got


def test_invalid_messages(sqs: Any, queue: str) -> None:
    assert error_of(sqs.send_message, QueueUrl=queue, MessageBody="bad \x01 char")[:2] == ("InvalidMessageContents", 400)
    assert error_of(sqs.send_message, QueueUrl=queue, MessageBody="x" * 1_048_577)[:2] == ("InvalidParameterValue", 400)
    sqs.send_message(QueueUrl=queue, MessageBody="x" * 1_048_576)
    bad_attributes = [
        {"AWS.reserved": {"DataType": "String", "StringValue": "x"}},
        {"a": {"DataType": "Text", "StringValue": "x"}},
        {"a": {"DataType": "Number", "StringValue": "abc"}},
        {"a": {"DataType": "String", "StringValue": ""}},
        {f"a{i}": {"DataType": "String", "StringValue": "x"} for i in range(11)},
    ]
    for attrs in bad_attributes:
        assert error_of(sqs.send_message, QueueUrl=queue, MessageBody="m", MessageAttributes=attrs)[0] == "InvalidParameterValue", attrs
    assert error_of(sqs.send_message, QueueUrl=queue, MessageBody="m", DelaySeconds=901)[0] == "InvalidParameterValue"
    assert error_of(sqs.send_message, QueueUrl=queue, MessageBody="m", MessageDeduplicationId="d")[0] == "InvalidParameterValue"
    assert counts(sqs, queue) == (1, 0, 0)


def test_smaller_maximum_message_size(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="small", Attributes={"MaximumMessageSize": "1024"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="x" * 1024)
    code, _, message = error_of(sqs.send_message, QueueUrl=url, MessageBody="x" * 1020,
                                MessageAttributes={"ab": {"DataType": "String", "StringValue": "x"}})
    assert code == "InvalidParameterValue" and "1024" in message


def test_visibility_timeout_and_receive_count(sqs: Any, queue: str, fogbank: Any) -> None:
    sqs.send_message(QueueUrl=queue, MessageBody="again")
    first = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=10)["Messages"][0]
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)
    fogbank.advance(10)
    second = sqs.receive_message(QueueUrl=queue, MessageSystemAttributeNames=["ApproximateReceiveCount"])["Messages"][0]
    assert second["Attributes"]["ApproximateReceiveCount"] == "2"
    assert second["ReceiptHandle"] != first["ReceiptHandle"]
    # the first receipt handle went stale: deleting with it leaves the message there
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=first["ReceiptHandle"])
    assert counts(sqs, queue) == (0, 1, 0)
    code, _, _ = error_of(sqs.change_message_visibility, QueueUrl=queue, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=5)
    assert code == "InvalidParameterValue"
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=second["ReceiptHandle"], VisibilityTimeout=0)
    assert counts(sqs, queue) == (1, 0, 0)
    code, status, _ = error_of(sqs.change_message_visibility, QueueUrl=queue, ReceiptHandle=second["ReceiptHandle"], VisibilityTimeout=5)
    assert (code, status) == ("AWS.SimpleQueueService.MessageNotInflight", 400)
    third = sqs.receive_message(QueueUrl=queue)["Messages"][0]
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=third["ReceiptHandle"])
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=third["ReceiptHandle"])  # deleting twice is fine
    assert counts(sqs, queue) == (0, 0, 0)


def test_visibility_limit_of_twelve_hours(sqs: Any, queue: str, fogbank: Any) -> None:
    sqs.send_message(QueueUrl=queue, MessageBody="long")
    handle = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=43_000)["Messages"][0]["ReceiptHandle"]
    fogbank.advance(40_000)
    code, _, message = error_of(sqs.change_message_visibility, QueueUrl=queue, ReceiptHandle=handle, VisibilityTimeout=3_300)
    assert code == "InvalidParameterValue" and "43200" in message
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=handle, VisibilityTimeout=3_100)
    assert error_of(sqs.receive_message, QueueUrl=queue, VisibilityTimeout=43_201)[0] == "InvalidParameterValue"


def test_bad_receipt_handles(sqs: Any, queue: str) -> None:
    code, status, _ = error_of(sqs.delete_message, QueueUrl=queue, ReceiptHandle="not-a-handle")
    assert (code, status) == ("ReceiptHandleIsInvalid", 404)
    other = sqs.create_queue(QueueName="other")["QueueUrl"]
    sqs.send_message(QueueUrl=other, MessageBody="x")
    handle = sqs.receive_message(QueueUrl=other)["Messages"][0]["ReceiptHandle"]
    assert error_of(sqs.delete_message, QueueUrl=queue, ReceiptHandle=handle)[0] == "ReceiptHandleIsInvalid"


def test_queue_and_message_delays(sqs: Any, fogbank: Any) -> None:
    url = sqs.create_queue(QueueName="delayed", Attributes={"DelaySeconds": "60"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="queue delay")
    sqs.send_message(QueueUrl=url, MessageBody="own delay", DelaySeconds=5)
    sqs.send_message(QueueUrl=url, MessageBody="no delay", DelaySeconds=0)
    assert counts(sqs, url) == (1, 0, 2)
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=600)["Messages"]] == ["no delay"]
    fogbank.advance(5)
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=600)["Messages"]] == ["own delay"]
    fogbank.advance(55)
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]] == ["queue delay"]


def test_retention_period(sqs: Any, fogbank: Any) -> None:
    url = sqs.create_queue(QueueName="short", Attributes={"MessageRetentionPeriod": "60"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="old")
    fogbank.advance(30)
    sqs.send_message(QueueUrl=url, MessageBody="young")
    fogbank.advance(31)
    assert counts(sqs, url) == (1, 0, 0)
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]] == ["young"]


def test_receive_limits(sqs: Any, queue: str) -> None:
    for n in (0, 11):
        assert error_of(sqs.receive_message, QueueUrl=queue, MaxNumberOfMessages=n)[:2] == ("InvalidParameterValue", 400)
    assert error_of(sqs.receive_message, QueueUrl=queue, WaitTimeSeconds=21)[0] == "InvalidParameterValue"
    for i in range(15):
        sqs.send_message(QueueUrl=queue, MessageBody=str(i))
    got = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    assert len(got) == 10
    assert counts(sqs, queue) == (5, 10, 0)


def test_batches(sqs: Any, queue: str) -> None:
    result = sqs.send_message_batch(QueueUrl=queue, Entries=[
        {"Id": "a", "MessageBody": "first"},
        {"Id": "b", "MessageBody": "bad \x02"},
        {"Id": "c", "MessageBody": "third", "DelaySeconds": 1000},
        {"Id": "d", "MessageBody": "fourth", "MessageAttributes": {"k": {"DataType": "String", "StringValue": "v"}}},
    ])
    assert sorted(e["Id"] for e in result["Successful"]) == ["a", "d"]
    failed = {e["Id"]: e for e in result["Failed"]}
    assert failed["b"]["Code"] == "InvalidMessageContents" and failed["b"]["SenderFault"] is True
    assert failed["c"]["Code"] == "InvalidParameterValue"
    assert "MD5OfMessageAttributes" in next(e for e in result["Successful"] if e["Id"] == "d")
    got = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    entries = [{"Id": f"e{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)]
    changed = sqs.change_message_visibility_batch(QueueUrl=queue, Entries=[
        {**entries[0], "VisibilityTimeout": 100}, {"Id": "bad", "ReceiptHandle": "junk", "VisibilityTimeout": 1}])
    assert [e["Id"] for e in changed["Successful"]] == ["e0"]
    assert changed["Failed"][0]["Code"] == "ReceiptHandleIsInvalid"
    deleted = sqs.delete_message_batch(QueueUrl=queue, Entries=[*entries, {"Id": "bad", "ReceiptHandle": "junk"}])
    assert sorted(e["Id"] for e in deleted["Successful"]) == ["e0", "e1"]
    assert deleted["Failed"][0]["Id"] == "bad"
    assert counts(sqs, queue) == (0, 0, 0)


def test_batch_request_errors(sqs: Any, queue: str) -> None:
    entries = [{"Id": str(i), "MessageBody": "x"} for i in range(11)]
    assert error_of(sqs.send_message_batch, QueueUrl=queue, Entries=entries)[0] == "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"
    assert error_of(sqs.send_message_batch, QueueUrl=queue, Entries=[])[0] == "AWS.SimpleQueueService.EmptyBatchRequest"
    dup = [{"Id": "same", "MessageBody": "x"}, {"Id": "same", "MessageBody": "y"}]
    assert error_of(sqs.send_message_batch, QueueUrl=queue, Entries=dup)[0] == "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"
    assert error_of(sqs.send_message_batch, QueueUrl=queue, Entries=[{"Id": "no spaces", "MessageBody": "x"}])[0] == (
        "AWS.SimpleQueueService.InvalidBatchEntryId")
    big = [{"Id": str(i), "MessageBody": "x" * 300_000} for i in range(4)]
    assert error_of(sqs.send_message_batch, QueueUrl=queue, Entries=big)[0] == "AWS.SimpleQueueService.BatchRequestTooLong"
    assert counts(sqs, queue) == (0, 0, 0)


def _in_thread(call: Any, **kwargs: Any) -> tuple[threading.Thread, dict[str, Any]]:
    box: dict[str, Any] = {}

    def run() -> None:
        box["result"] = call(**kwargs)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, box


def test_long_poll_wakes_on_send(aws: Any, sqs: Any, queue: str) -> None:
    poller = aws("sqs", read_timeout=60)
    thread, box = _in_thread(poller.receive_message, QueueUrl=queue, WaitTimeSeconds=20)
    thread.join(0.3)  # give the poll a moment to start waiting (the test passes either way)
    sqs.send_message(QueueUrl=queue, MessageBody="wake up")
    thread.join(10)
    assert not thread.is_alive()
    assert [m["Body"] for m in box["result"]["Messages"]] == ["wake up"]


def test_long_poll_ends_on_fogbank_clock(aws: Any, queue: str, fogbank: Any) -> None:
    poller = aws("sqs", read_timeout=60)
    thread, box = _in_thread(poller.receive_message, QueueUrl=queue, WaitTimeSeconds=20)
    for _ in range(200):
        if not thread.is_alive():
            break
        fogbank.advance(5)
        thread.join(0.05)
    assert not thread.is_alive()
    assert "Messages" not in box["result"]


def test_long_poll_wakes_when_delay_ends(aws: Any, sqs: Any, fogbank: Any) -> None:
    url = sqs.create_queue(QueueName="later", Attributes={"ReceiveMessageWaitTimeSeconds": "20"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="soon", DelaySeconds=8)
    poller = aws("sqs", read_timeout=60)
    thread, box = _in_thread(poller.receive_message, QueueUrl=url)
    thread.join(0.2)
    fogbank.advance(8)
    thread.join(10)
    assert not thread.is_alive()
    assert [m["Body"] for m in box["result"]["Messages"]] == ["soon"]


def test_deprecated_attribute_names_take_system_attributes(sqs: Any, queue: str) -> None:
    sqs.send_message(QueueUrl=queue, MessageBody="m")
    got = sqs.receive_message(QueueUrl=queue, AttributeNames=["ApproximateReceiveCount"])["Messages"][0]
    assert got["Attributes"] == {"ApproximateReceiveCount": "1"}


def test_visibility_limit_counts_from_the_latest_receive(sqs: Any, queue: str, fogbank: Any) -> None:
    sqs.send_message(QueueUrl=queue, MessageBody="slow consumer")
    handle = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=43_200)["Messages"][0]["ReceiptHandle"]
    # the full 12 hours is allowed right after a receive
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=handle, VisibilityTimeout=43_200)
    fogbank.advance(43_201)
    again = sqs.receive_message(QueueUrl=queue, AttributeNames=["ApproximateReceiveCount"])["Messages"][0]
    assert again["Attributes"]["ApproximateReceiveCount"] == "2"
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=again["ReceiptHandle"], VisibilityTimeout=3_600)
    fogbank.advance(3_000)
    assert sqs.receive_message(QueueUrl=queue).get("Messages", []) == []

"""SQS over the query protocol, as older SDKs speak it: raw form-encoded requests, XML answers."""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from typing import Any

NS = "{http://queue.amazonaws.com/doc/2012-11-05/}"
AUTH = "AWS4-HMAC-SHA256 Credential={key}/20240101/{region}/sqs/aws4_request, SignedHeaders=host, Signature=0"


def call(endpoint: str, params: dict[str, str], path: str = "/", key: str = "test", region: str = "us-east-1") -> tuple[int, ET.Element]:
    """POST a query request; returns the status and the parsed XML."""
    data = urllib.parse.urlencode({**params, "Version": "2012-11-05"}).encode()
    req = urllib.request.Request(endpoint + path, data=data, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", "Authorization": AUTH.format(key=key, region=region)})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, ET.fromstring(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, ET.fromstring(err.read())


def text(root: ET.Element, path: str) -> str | None:
    """The text of the first element at ``path`` (names without namespace), or None."""
    found = root.find(".//" + "/".join(NS + p for p in path.split("/")))
    return found.text if found is not None else None


def test_round_trip_over_query(fogbank: Any) -> None:
    status, root = call(fogbank.endpoint, {"Action": "CreateQueue", "QueueName": "legacy",
                                           "Attribute.1.Name": "VisibilityTimeout", "Attribute.1.Value": "40"})
    assert status == 200
    url = text(root, "QueueUrl")
    assert url == f"{fogbank.endpoint}/000000000000/legacy"
    status, root = call(fogbank.endpoint, {
        "Action": "SendMessage", "QueueUrl": url, "MessageBody": "hi",
        "MessageAttribute.1.Name": "a", "MessageAttribute.1.Value.DataType": "String",
        "MessageAttribute.1.Value.StringValue": "v"})
    assert status == 200
    assert text(root, "MD5OfMessageBody") == hashlib.md5(b"hi").hexdigest()
    status, root = call(fogbank.endpoint, {"Action": "ReceiveMessage", "QueueUrl": url, "AttributeName.1": "All",
                                           "MessageAttributeName.1": "All"})
    assert status == 200
    assert text(root, "Message/Body") == "hi"
    assert text(root, "Message/MessageAttribute/Name") == "a"
    names = [e.text for e in root.iter(NS + "Name")]
    assert "ApproximateReceiveCount" in names
    handle = text(root, "Message/ReceiptHandle")
    status, root = call(fogbank.endpoint, {"Action": "GetQueueAttributes", "QueueUrl": url, "AttributeName.1": "All"})
    attrs = {a.find(NS + "Name").text: a.find(NS + "Value").text for a in root.iter(NS + "Attribute")}
    assert attrs["VisibilityTimeout"] == "40" and attrs["ApproximateNumberOfMessagesNotVisible"] == "1"
    assert call(fogbank.endpoint, {"Action": "DeleteMessage", "QueueUrl": url, "ReceiptHandle": handle})[0] == 200
    status, root = call(fogbank.endpoint, {"Action": "ListQueues"})
    assert [e.text for e in root.iter(NS + "QueueUrl")] == [url]


def test_errors_over_query(fogbank: Any) -> None:
    status, root = call(fogbank.endpoint, {"Action": "GetQueueUrl", "QueueName": "missing"})
    assert status == 400
    assert text(root, "Error/Code") == "AWS.SimpleQueueService.NonExistentQueue"
    assert text(root, "Error/Type") == "Sender"
    status, root = call(fogbank.endpoint, {"Action": "CreateQueue", "QueueName": "q", "Attribute.1.Name": "DelaySeconds",
                                           "Attribute.1.Value": "1000"})
    assert (status, text(root, "Error/Code")) == (400, "InvalidAttributeValue")
    url = text(call(fogbank.endpoint, {"Action": "CreateQueue", "QueueName": "q"})[1], "QueueUrl")
    status, root = call(fogbank.endpoint, {"Action": "SendMessageBatch", "QueueUrl": url})
    assert text(root, "Error/Code") in ("AWS.SimpleQueueService.EmptyBatchRequest", "MissingParameter")


def test_query_account_isolation(fogbank: Any) -> None:
    call(fogbank.endpoint, {"Action": "CreateQueue", "QueueName": "mine"}, key="111111111111")
    status, root = call(fogbank.endpoint, {"Action": "GetQueueUrl", "QueueName": "mine"}, key="222222222222")
    assert (status, text(root, "Error/Code")) == (400, "AWS.SimpleQueueService.NonExistentQueue")
    status, root = call(fogbank.endpoint, {"Action": "GetQueueUrl", "QueueName": "mine"}, key="111111111111", region="eu-west-1")
    assert status == 400


def test_queue_url_from_request_path(fogbank: Any) -> None:
    call(fogbank.endpoint, {"Action": "CreateQueue", "QueueName": "bypath"})
    status, root = call(fogbank.endpoint, {"Action": "SendMessage", "MessageBody": "x"}, path="/000000000000/bypath")
    assert status == 200 and text(root, "MessageId")

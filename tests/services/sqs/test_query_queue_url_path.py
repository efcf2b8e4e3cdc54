"""Older SDKs send query requests to the queue's own URL without a QueueUrl parameter."""

from __future__ import annotations

import urllib.request
from urllib.parse import urlencode, urlsplit


def post(url: str, params: dict[str, str]) -> tuple[int, str]:
    req = urllib.request.Request(url, data=urlencode(params).encode(), method="POST",
                                 headers={"Content-Type": "application/x-www-form-urlencoded",
                                          "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_send_and_receive_at_the_queue_url(aws, fogbank) -> None:
    sqs = aws("sqs")
    queue_url = sqs.create_queue(QueueName="old-sdk")["QueueUrl"]
    path = urlsplit(queue_url).path
    status, body = post(fogbank.endpoint + path, {"Action": "SendMessage", "Version": "2012-11-05", "MessageBody": "hi"})
    assert status == 200, body
    assert "<SendMessageResult>" in body and "<MD5OfMessageBody>49f68a5c8493ec2c0bf489821c21fc3b</MD5OfMessageBody>" in body
    messages = sqs.receive_message(QueueUrl=queue_url)["Messages"]
    assert [m["Body"] for m in messages] == ["hi"]


def test_missing_queue_at_that_path(fogbank) -> None:
    status, body = post(fogbank.endpoint + "/000000000000/nope", {"Action": "SendMessage", "Version": "2012-11-05", "MessageBody": "x"})
    assert status == 400
    assert "AWS.SimpleQueueService.NonExistentQueue" in body


def test_root_path_still_needs_the_parameter(fogbank) -> None:
    status, body = post(fogbank.endpoint + "/", {"Action": "SendMessage", "Version": "2012-11-05", "MessageBody": "x"})
    assert status == 400
    assert "QueueUrl" in body

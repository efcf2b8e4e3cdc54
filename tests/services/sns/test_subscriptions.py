"""Subscriptions: endpoint checks, idempotent Subscribe, listing, attributes, HTTP confirmation
on loopback and email subscriptions that stay pending."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.services.sns.helpers import error_of, queue


class _Recorder(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.posts.append(({k.lower(): v for k, v in self.headers.items()}, json.loads(body) if body.startswith(b"{") else body))  # type: ignore[attr-defined]
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[Any]:
    """A loopback HTTP server that records what it is sent."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.posts = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _wait_posts(server: Any, count: int) -> list[Any]:
    # delivery is a real POST from another thread of the server
    deadline = time.monotonic() + 10
    while len(server.posts) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(server.posts) >= count
    return server.posts


def test_sqs_subscription_is_confirmed_and_idempotent(sns: Any, sqs: Any) -> None:
    topic = sns.create_topic(Name="subs")["TopicArn"]
    _, arn = queue(sqs, "q")
    first = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)["SubscriptionArn"]
    assert first.startswith(topic + ":")
    assert sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)["SubscriptionArn"] == first
    attributes = sns.get_subscription_attributes(SubscriptionArn=first)["Attributes"]
    assert attributes["PendingConfirmation"] == "false"
    assert (attributes["Protocol"], attributes["Endpoint"], attributes["TopicArn"]) == ("sqs", arn, topic)
    assert attributes["RawMessageDelivery"] == "false"
    listed = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert listed == [{"SubscriptionArn": first, "Owner": "000000000000", "Protocol": "sqs", "Endpoint": arn,
                       "TopicArn": topic}]
    assert sns.list_subscriptions()["Subscriptions"] == listed
    code, _, message = error_of(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=arn,
                                Attributes={"RawMessageDelivery": "true"})
    assert message == "Invalid parameter: Attributes Reason: Subscription already exists with different attributes"


def test_subscribe_errors(sns: Any) -> None:
    topic = sns.create_topic(Name="subs-errors")["TopicArn"]
    cases = [
        ("sqs", "not-an-arn", "Invalid parameter: SQS endpoint ARN"),
        ("lambda", "arn:aws:sqs:us-east-1:000000000000:q", "Invalid parameter: Lambda endpoint ARN"),
        ("http", "https://127.0.0.1/x", "Invalid parameter: Endpoint must match the specified protocol"),
        ("email", "nobody", "Invalid parameter: Email address"),
        ("carrier-pigeon", "x", "Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon"),
    ]
    for protocol, target, message in cases:
        assert error_of(sns.subscribe, TopicArn=topic, Protocol=protocol, Endpoint=target) == (
            "InvalidParameter", 400, message)
    assert error_of(sns.subscribe, TopicArn=topic + "-missing", Protocol="email", Endpoint="a@b.c")[:2] == (
        "NotFound", 404)
    arn = topic + ":00000000-0000-0000-0000-000000000000"
    assert error_of(sns.get_subscription_attributes, SubscriptionArn=arn) == (
        "NotFound", 404, "Subscription does not exist")
    assert error_of(sns.unsubscribe, SubscriptionArn=arn)[0] == "NotFound"
    assert error_of(sns.unsubscribe, SubscriptionArn="nonsense")[:2] == ("InvalidParameter", 400)
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []


def test_email_subscription_stays_pending(sns: Any) -> None:
    topic = sns.create_topic(Name="mail")["TopicArn"]
    assert sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="me@example.com")["SubscriptionArn"] == (
        "pending confirmation")
    arn = sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="me@example.com",
                        ReturnSubscriptionArn=True)["SubscriptionArn"]
    assert sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]["PendingConfirmation"] == "true"
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"][0]["SubscriptionArn"] == (
        "PendingConfirmation")
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["SubscriptionsPending"] == "1"
    code, _, _ = error_of(sns.set_subscription_attributes, SubscriptionArn=arn, AttributeName="RawMessageDelivery",
                          AttributeValue="true")
    assert code == "InvalidParameter"


def test_http_subscription_confirms_with_the_token_and_then_receives(sns: Any, endpoint: Any) -> None:
    topic = sns.create_topic(Name="web")["TopicArn"]
    url = f"http://127.0.0.1:{endpoint.server_address[1]}/hook"
    assert sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=url)["SubscriptionArn"] == "pending confirmation"
    [(headers, doc)] = _wait_posts(endpoint, 1)
    assert headers["x-amz-sns-message-type"] == "SubscriptionConfirmation"
    assert headers["x-amz-sns-topic-arn"] == topic
    assert doc["Type"] == "SubscriptionConfirmation" and doc["TopicArn"] == topic
    assert "Token=" + doc["Token"] in doc["SubscribeURL"]
    sns.publish(TopicArn=topic, Message="before confirmation")
    assert error_of(sns.confirm_subscription, TopicArn=topic, Token="wrong")[:2] == ("InvalidParameter", 400)
    arn = sns.confirm_subscription(TopicArn=topic, Token=doc["Token"])["SubscriptionArn"]
    assert sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]["PendingConfirmation"] == "false"
    sns.publish(TopicArn=topic, Message="after", Subject="S")
    posts = _wait_posts(endpoint, 2)
    headers, doc = posts[1]
    assert headers["x-amz-sns-message-type"] == "Notification"
    assert headers["x-amz-sns-subscription-arn"] == arn
    assert headers["x-amz-sns-message-id"] == doc["MessageId"]
    assert (doc["Message"], doc["Subject"]) == ("after", "S")
    assert len(endpoint.posts) == 2


def test_subscription_attributes_set_and_cleared(sns: Any, sqs: Any) -> None:
    topic = sns.create_topic(Name="attrs")["TopicArn"]
    _, arn = queue(sqs, "q")
    _, dlq = queue(sqs, "dlq")
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)["SubscriptionArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq})
    sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="RedrivePolicy", AttributeValue=redrive)
    sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicy", AttributeValue='{"a": ["b"]}')
    sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicyScope",
                                    AttributeValue="MessageBody")
    attributes = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert (attributes["RedrivePolicy"], attributes["FilterPolicyScope"]) == (redrive, "MessageBody")
    sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicy", AttributeValue="")
    attributes = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert "FilterPolicy" not in attributes
    bad = [("RedrivePolicy", '{"deadLetterTargetArn": "nope"}'), ("RawMessageDelivery", "maybe"),
           ("FilterPolicyScope", "Everything"), ("Owner", "x")]
    for name, value in bad:
        assert error_of(sns.set_subscription_attributes, SubscriptionArn=sub, AttributeName=name,
                        AttributeValue=value)[:2] == ("InvalidParameter", 400), name


def test_deleting_a_topic_removes_its_subscriptions(sns: Any, sqs: Any) -> None:
    topic = sns.create_topic(Name="short-lived")["TopicArn"]
    _, arn = queue(sqs, "q")
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)["SubscriptionArn"]
    sns.delete_topic(TopicArn=topic)
    assert error_of(sns.get_subscription_attributes, SubscriptionArn=sub)[0] == "NotFound"
    assert sns.list_subscriptions()["Subscriptions"] == []

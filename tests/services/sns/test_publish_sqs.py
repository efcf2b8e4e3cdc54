"""Publishing to SQS subscribers: the JSON envelope, raw delivery, per-protocol messages,
filter policies on attributes and body, and Publish's errors."""

from __future__ import annotations

import json
from typing import Any

from tests.services.sns.helpers import bodies, error_of, queue, received, subscribed_queue


def test_envelope_as_aws_writes_it(sns: Any, sqs: Any) -> None:
    topic = sns.create_topic(Name="news")["TopicArn"]
    url, sub = subscribed_queue(sns, sqs, topic, "reader")
    answer = sns.publish(TopicArn=topic, Message="hello", Subject="Greeting",
                         MessageAttributes={"kind": {"DataType": "String", "StringValue": "greeting"},
                                            "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"}})
    [message] = received(sqs, url)
    assert message["Body"].startswith('{\n  "Type" : "Notification",\n  "MessageId" : ')
    doc = json.loads(message["Body"])
    assert list(doc) == ["Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion",
                         "Signature", "SigningCertURL", "UnsubscribeURL", "MessageAttributes"]
    assert doc["MessageId"] == answer["MessageId"]
    assert (doc["TopicArn"], doc["Subject"], doc["Message"]) == (topic, "Greeting", "hello")
    assert doc["SignatureVersion"] == "1"
    assert sub in doc["UnsubscribeURL"]
    assert doc["Timestamp"].endswith("Z") and len(doc["Timestamp"]) == 24
    assert doc["MessageAttributes"] == {"kind": {"Type": "String", "Value": "greeting"},
                                        "blob": {"Type": "Binary", "Value": "AAE="}}
    assert "MessageAttributes" not in message


def test_raw_delivery_moves_attributes_to_sqs(sns: Any, sqs: Any) -> None:
    topic = sns.create_topic(Name="raw")["TopicArn"]
    url, sub = subscribed_queue(sns, sqs, topic, "raw-reader", RawMessageDelivery="true")
    assert sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]["RawMessageDelivery"] == "true"
    sns.publish(TopicArn=topic, Message="just this",
                MessageAttributes={"n": {"DataType": "Number", "StringValue": "42"}})
    [message] = received(sqs, url)
    assert message["Body"] == "just this"
    assert message["MessageAttributes"] == {"n": {"DataType": "Number", "StringValue": "42"}}


def test_message_structure_json_picks_the_sqs_entry(sns: Any, sqs: Any) -> None:
    topic = sns.create_topic(Name="structured")["TopicArn"]
    url, _ = subscribed_queue(sns, sqs, topic, "structured-reader")
    sns.publish(TopicArn=topic, MessageStructure="json",
                Message=json.dumps({"default": "everyone", "sqs": "queues only"}))
    assert [d["Message"] for d in bodies(sqs, url)] == ["queues only"]
    code, status, message = error_of(sns.publish, TopicArn=topic, MessageStructure="json",
                                     Message=json.dumps({"sqs": "x"}))
    assert (code, status) == ("InvalidParameter", 400)
    assert message == "Invalid parameter: Message Structure - No default entry in JSON message body"
    code, _, message = error_of(sns.publish, TopicArn=topic, MessageStructure="json", Message="{not json")
    assert message == "Invalid parameter: Message Structure - JSON message body failed to parse"


def test_fan_out_to_several_queues_and_unsubscribe(sns: Any, sqs: Any) -> None:
    topic = sns.create_topic(Name="fan")["TopicArn"]
    first, sub = subscribed_queue(sns, sqs, topic, "one")
    second, _ = subscribed_queue(sns, sqs, topic, "two")
    sns.publish(TopicArn=topic, Message="both")
    assert [d["Message"] for d in bodies(sqs, first)] == ["both"]
    assert [d["Message"] for d in bodies(sqs, second)] == ["both"]
    sns.unsubscribe(SubscriptionArn=sub)
    sns.publish(TopicArn=topic, Message="second only")
    assert bodies(sqs, first) == []
    assert [d["Message"] for d in bodies(sqs, second)] == ["second only"]
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert (attributes["SubscriptionsConfirmed"], attributes["SubscriptionsDeleted"]) == ("1", "1")


def test_filter_policy_on_attributes(sns: Any, sqs: Any) -> None:
    topic = sns.create_topic(Name="filtered")["TopicArn"]
    policy = {"store": ["example_corp"], "price": [{"numeric": [">=", 100]}], "event": [{"anything-but": "test"}]}
    url, sub = subscribed_queue(sns, sqs, topic, "filtered-reader", FilterPolicy=json.dumps(policy))
    attributes = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert attributes["FilterPolicyScope"] == "MessageAttributes"

    def send(text: str, store: str, price: str, event: str) -> None:
        sns.publish(TopicArn=topic, Message=text, MessageAttributes={
            "store": {"DataType": "String", "StringValue": store},
            "price": {"DataType": "Number", "StringValue": price},
            "event": {"DataType": "String", "StringValue": event}})

    send("yes", "example_corp", "150", "order")
    send("cheap", "example_corp", "99.5", "order")
    send("other store", "other", "150", "order")
    send("test event", "example_corp", "150", "test")
    sns.publish(TopicArn=topic, Message="no attributes")
    assert [d["Message"] for d in bodies(sqs, url)] == ["yes"]


def test_filter_policy_on_body(sns: Any, sqs: Any) -> None:
    topic = sns.create_topic(Name="body")["TopicArn"]
    policy = {"order": {"status": [{"prefix": "ship"}], "total": [{"numeric": [">", 10, "<=", 20]}]}}
    url, sub = subscribed_queue(sns, sqs, topic, "body-reader", FilterPolicy=json.dumps(policy),
                                FilterPolicyScope="MessageBody")
    sns.publish(TopicArn=topic, Message=json.dumps({"order": {"status": "shipped", "total": 15}}))
    sns.publish(TopicArn=topic, Message=json.dumps({"order": {"status": "shipped", "total": 25}}))
    sns.publish(TopicArn=topic, Message=json.dumps({"order": {"status": "new", "total": 15}}))
    sns.publish(TopicArn=topic, Message="not json")
    assert [json.loads(d["Message"])["order"]["total"] for d in bodies(sqs, url)] == [15]


def test_bad_filter_policies_are_refused_and_the_old_one_kept(sns: Any, sqs: Any) -> None:
    topic = sns.create_topic(Name="refuse")["TopicArn"]
    _, sub = subscribed_queue(sns, sqs, topic, "q", FilterPolicy=json.dumps({"a": ["b"]}))
    for bad in ('{"a": "b"}', "[1]", "{nope", json.dumps({k: ["x"] for k in "abcdef"}),
                json.dumps({"a": [{"numeric": ["<", 5, ">", 1]}]}), json.dumps({"a": [{"wat": 1}]})):
        code, status, message = error_of(sns.set_subscription_attributes, SubscriptionArn=sub,
                                         AttributeName="FilterPolicy", AttributeValue=bad)
        assert (code, status) == ("InvalidParameter", 400), bad
        assert message.startswith("Invalid parameter: FilterPolicy: ")
    assert sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]["FilterPolicy"] == '{"a": ["b"]}'


def test_publish_errors(sns: Any, sqs: Any) -> None:
    topic = sns.create_topic(Name="errs")["TopicArn"]
    url, _ = subscribed_queue(sns, sqs, topic, "errs-reader")
    cases = [
        ({"Message": ""}, "InvalidParameter", "Invalid parameter: Empty message"),
        ({"Message": "x" * (256 * 1024 + 1)}, "InvalidParameter", "Invalid parameter: Message too long"),
        ({"Message": "x", "Subject": "line\nbreak"}, "InvalidParameter", "Invalid parameter: Subject"),
        ({"Message": "x", "MessageDeduplicationId": "d"}, "InvalidParameter", None),
        ({"Message": "x", "MessageAttributes": {"n": {"DataType": "Number", "StringValue": "abc"}}},
         "ParameterValueInvalid", None),
        ({"Message": "x", "MessageAttributes": {"n": {"DataType": "Date", "StringValue": "abc"}}},
         "ParameterValueInvalid", None),
    ]
    for params, code, message in cases:
        got_code, status, got_message = error_of(sns.publish, TopicArn=topic, **params)
        assert (got_code, status) == (code, 400), params
        if message:
            assert got_message == message
    sns.publish(TopicArn=topic, Message="x" * (256 * 1024))
    assert len(received(sqs, url)) == 1


def test_delivery_failure_goes_to_the_dead_letter_queue(sns: Any, sqs: Any) -> None:
    topic = sns.create_topic(Name="dlq-topic")["TopicArn"]
    target_url, target_arn = queue(sqs, "target")
    dlq_url, dlq_arn = queue(sqs, "sns-dlq")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=target_arn,
                  Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn})})
    sqs.delete_queue(QueueUrl=target_url)
    sns.publish(TopicArn=topic, Message="lost")
    assert [d["Message"] for d in bodies(sqs, dlq_url)] == ["lost"]

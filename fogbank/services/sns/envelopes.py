"""The documents SNS delivers: the JSON notification envelope (SQS, HTTP, email-json), the
SubscriptionConfirmation message, and the Lambda event record, each with AWS's field names."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from typing import Any
from urllib.parse import quote


def timestamp(now: float) -> str:
    """SNS's ISO-8601 timestamp with milliseconds, in UTC."""
    whole = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now))
    return f"{whole}.{int(now * 1000) % 1000:03d}Z"


def _service_url(region: str) -> str:
    return f"https://sns.{region}.amazonaws.com"


def cert_url(region: str) -> str:
    """Where SNS's signing certificate is published."""
    return f"{_service_url(region)}/SimpleNotificationService-0000000000000000000000.pem"


def unsubscribe_url(region: str, subscription_arn: str) -> str:
    """The link that ends a subscription."""
    return f"{_service_url(region)}/?Action=Unsubscribe&SubscriptionArn={quote(subscription_arn, safe=':')}"


def signature(fields: dict[str, Any]) -> str:
    """A stand-in signature over the signed fields (fogbank holds no SNS signing key)."""
    material = "\n".join(f"{k}\n{v}" for k, v in sorted(fields.items()) if v is not None)
    return base64.b64encode(hashlib.sha256(material.encode()).digest() * 8).decode()


def wire_attributes(attributes: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Message attributes as the envelope writes them: ``{name: {Type, Value}}``."""
    out: dict[str, dict[str, str]] = {}
    for name, attribute in attributes.items():
        kind = attribute["DataType"]
        if "BinaryValue" in attribute and attribute["BinaryValue"] is not None:
            value = attribute["BinaryValue"]
            value = value if isinstance(value, str) else base64.b64encode(value).decode()
        else:
            value = attribute.get("StringValue", "")
        out[name] = {"Type": kind, "Value": value}
    return out


def notification(message: dict[str, Any], subscription_arn: str, lambda_style: bool = False) -> dict[str, Any]:
    """The notification document for one subscriber.

    ``message`` holds: id, topic_arn, region, subject, body, timestamp (epoch), attributes and
    for FIFO topics sequence. Lambda's record spells two URLs differently and always carries
    Subject and MessageAttributes.
    """
    doc: dict[str, Any] = {
        "Type": "Notification",
        "MessageId": message["id"],
    }
    if message.get("sequence"):
        doc["SequenceNumber"] = message["sequence"]
    doc["TopicArn"] = message["topic_arn"]
    if message.get("subject") is not None or lambda_style:
        doc["Subject"] = message.get("subject")
    doc["Message"] = message["body"]
    doc["Timestamp"] = timestamp(message["timestamp"])
    doc["SignatureVersion"] = "1"
    doc["Signature"] = signature({k: doc[k] for k in ("Message", "MessageId", "Subject", "Timestamp",
                                                       "TopicArn", "Type") if k in doc})
    cert_key, unsub_key = ("SigningCertUrl", "UnsubscribeUrl") if lambda_style else ("SigningCertURL", "UnsubscribeURL")
    doc[cert_key] = cert_url(message["region"])
    doc[unsub_key] = unsubscribe_url(message["region"], subscription_arn)
    if message["attributes"] or lambda_style:
        doc["MessageAttributes"] = wire_attributes(message["attributes"])
    return doc


def lambda_event(message: dict[str, Any], subscription_arn: str) -> dict[str, Any]:
    """The event a Lambda subscriber is invoked with."""
    return {
        "Records": [{
            "EventSource": "aws:sns",
            "EventVersion": "1.0",
            "EventSubscriptionArn": subscription_arn,
            "Sns": notification(message, subscription_arn, lambda_style=True),
        }]
    }


def confirmation(topic_arn: str, region: str, token: str, subscribe_url: str, message_id: str,
                 now: float) -> dict[str, Any]:
    """The SubscriptionConfirmation message an HTTP(S) endpoint receives."""
    doc: dict[str, Any] = {
        "Type": "SubscriptionConfirmation",
        "MessageId": message_id,
        "Token": token,
        "TopicArn": topic_arn,
        "Message": (f"You have chosen to subscribe to the topic {topic_arn}.\n"
                    "To confirm the subscription, visit the SubscribeURL included in this message."),
        "SubscribeURL": subscribe_url,
        "Timestamp": timestamp(now),
        "SignatureVersion": "1",
    }
    doc["Signature"] = signature(doc)
    doc["SigningCertURL"] = cert_url(region)
    return doc


def dumps(doc: dict[str, Any]) -> str:
    """A document as SNS writes it (two-space indent, ``" : "`` between key and value)."""
    return json.dumps(doc, indent=2, separators=(",", " : "), ensure_ascii=False)

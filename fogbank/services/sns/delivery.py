"""Delivering one published message to one subscription: SQS queues through ``ctx.call``, Lambda
functions as Event invocations, HTTP(S) endpoints on loopback by POST; failures go to the
subscription's dead-letter queue when it has one."""

from __future__ import annotations

import http.client
import inspect
import ipaddress
import json
import logging
import ssl
from typing import Any
from urllib.parse import urlsplit

from fogbank.context import Ctx
from fogbank.errors import ServiceError
from fogbank.services.sns import envelopes

log = logging.getLogger(__name__)

HTTP_TIMEOUT = 15.0
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


def queue_url(arn: str) -> tuple[str, str]:
    """(region, QueueUrl) of an SQS queue ARN."""
    parts = arn.split(":")
    region, account, name = parts[3], parts[4], parts[5]
    return region, f"https://sqs.{region}.amazonaws.com/{account}/{name}"


def is_loopback(url: str) -> bool:
    """Whether an HTTP endpoint is on this machine (fogbank POSTs nowhere else)."""
    host = urlsplit(url).hostname or ""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def body_for(message: dict[str, Any], protocol: str) -> str:
    """The message text a protocol gets (``MessageStructure=json`` picks per protocol)."""
    per_protocol = message.get("per_protocol")
    if per_protocol:
        return per_protocol.get(protocol, per_protocol["default"])
    return message["body"]


def _sqs_attributes(attributes: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out = {}
    for name, attribute in attributes.items():
        kept = {"DataType": attribute["DataType"]}
        if attribute.get("BinaryValue") is not None:
            kept["BinaryValue"] = attribute["BinaryValue"]
        else:
            kept["StringValue"] = attribute.get("StringValue", "")
        out[name] = kept
    return out


def payload(message: dict[str, Any], sub: dict[str, Any], protocol: str) -> tuple[str, bool]:
    """(text, raw) a subscriber receives: the envelope, or the bare message when raw."""
    mine = dict(message, body=body_for(message, protocol))
    raw = sub["attributes"].get("RawMessageDelivery") == "true"
    if raw:
        return mine["body"], True
    return envelopes.dumps(envelopes.notification(mine, sub["arn"])), False


async def _send_to_queue(ctx: Ctx, arn: str, text: str, message: dict[str, Any], raw: bool) -> None:
    region, url = queue_url(arn)
    params: dict[str, Any] = {"QueueUrl": url, "MessageBody": text}
    if raw and message["attributes"]:
        params["MessageAttributes"] = _sqs_attributes(message["attributes"])
    if arn.endswith(".fifo") and message.get("group"):
        params["MessageGroupId"] = message["group"]
        params["MessageDeduplicationId"] = message["dedup"]
    result = ctx.derive(region=region).call("sqs", "SendMessage", params)
    if inspect.isawaitable(result):
        await result


async def to_sqs(ctx: Ctx, message: dict[str, Any], sub: dict[str, Any]) -> None:
    """Send the message to a subscribed queue."""
    text, raw = payload(message, sub, "sqs")
    await _send_to_queue(ctx, sub["endpoint"], text, message, raw)


async def to_lambda(ctx: Ctx, message: dict[str, Any], sub: dict[str, Any]) -> None:
    """Invoke a subscribed function with the SNS event, asynchronously as SNS does."""
    mine = dict(message, body=body_for(message, "lambda"))
    event = envelopes.lambda_event(mine, sub["arn"])
    region = sub["endpoint"].split(":")[3]
    params = {"FunctionName": sub["endpoint"], "InvocationType": "Event",
              "Payload": json.dumps(event).encode("utf-8")}
    result = ctx.derive(region=region).call("lambda", "Invoke", params)
    if inspect.isawaitable(result):
        await result


def post(url: str, text: str, headers: dict[str, str]) -> int:
    """POST a document to a loopback endpoint; returns the status (0 when unreachable)."""
    if not is_loopback(url):
        return 0
    parts = urlsplit(url)
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        # a local endpoint's certificate is usually self-signed; the host is this machine anyway
        connection = http.client.HTTPSConnection(parts.hostname or "", parts.port, timeout=HTTP_TIMEOUT,
                                                 context=ssl._create_unverified_context())
    else:
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=HTTP_TIMEOUT)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        # http.client keeps the header names' case (AWS sends them in lower case)
        connection.request("POST", path, body=text.encode("utf-8"),
                           headers={"Content-Type": "text/plain; charset=UTF-8", **headers})
        return connection.getresponse().status
    except OSError:
        return 0
    finally:
        connection.close()


def http_headers(kind: str, message_id: str, topic_arn: str, subscription_arn: str | None) -> dict[str, str]:
    """The x-amz-sns-* headers of a POST."""
    headers = {
        "x-amz-sns-message-type": kind,
        "x-amz-sns-message-id": message_id,
        "x-amz-sns-topic-arn": topic_arn,
        "User-Agent": "Amazon Simple Notification Service Agent",
    }
    if subscription_arn:
        headers["x-amz-sns-subscription-arn"] = subscription_arn
    if kind == "Notification":
        headers["x-amz-sns-rawdelivery"] = "false"
    return headers


def http_notification(message: dict[str, Any], sub: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """(body, headers) of a notification POST to an HTTP(S) subscriber."""
    text, raw = payload(message, sub, sub["protocol"])
    headers = http_headers("Notification", message["id"], message["topic_arn"], sub["arn"])
    headers["x-amz-sns-rawdelivery"] = "true" if raw else "false"
    return text, headers


async def dead_letter(ctx: Ctx, message: dict[str, Any], sub: dict[str, Any], error: Exception) -> None:
    """Send an undeliverable message to the subscription's dead-letter queue, if it has one."""
    policy = sub["attributes"].get("RedrivePolicy")
    if not policy:
        log.info("sns: delivery to %s failed: %s", sub["endpoint"], error)
        return
    target = json.loads(policy).get("deadLetterTargetArn", "")
    text, raw = payload(message, sub, sub["protocol"] if sub["protocol"] in ("sqs", "lambda") else "default")
    try:
        await _send_to_queue(ctx, target, text, message, raw)
    except ServiceError as exc:
        log.info("sns: dead-letter queue %s refused a message: %s", target, exc)

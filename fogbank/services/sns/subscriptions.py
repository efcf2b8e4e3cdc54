"""SNS subscriptions: endpoint checks per protocol, the attributes a subscription reports and
accepts, and the records in the store."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from fogbank.context import Ctx
from fogbank.services.sns import filters, store
from fogbank.services.sns.errors import invalid, subscription_not_found

PROTOCOLS = frozenset({"sqs", "lambda", "http", "https", "email", "email-json", "sms", "application", "firehose"})
CONFIRMED_AT_ONCE = frozenset({"sqs", "lambda", "sms", "application", "firehose"})
RAW_CAPABLE = frozenset({"sqs", "http", "https", "firehose"})
SETTABLE = frozenset({"DeliveryPolicy", "FilterPolicy", "FilterPolicyScope", "RawMessageDelivery",
                      "RedrivePolicy", "SubscriptionRoleArn", "ReplayPolicy"})
_SQS_ARN = re.compile(r"^arn:aws[\w-]*:sqs:[\w-]+:\d{12}:[\w-]{1,80}(\.fifo)?$")
_LAMBDA_ARN = re.compile(r"^arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:[\w-]{1,64}(:[\w$-]+)?$")
_FIREHOSE_ARN = re.compile(r"^arn:aws[\w-]*:firehose:[\w-]+:\d{12}:deliverystream/[\w.-]+$")


def check_endpoint(protocol: str, endpoint: str | None) -> str:
    """The endpoint if it fits the protocol; ``InvalidParameter`` otherwise."""
    if protocol not in PROTOCOLS:
        raise invalid(f"Amazon SNS does not support this protocol string: {protocol}")
    endpoint = endpoint or ""
    if protocol == "sqs" and not _SQS_ARN.match(endpoint):
        raise invalid("SQS endpoint ARN")
    if protocol == "lambda" and not _LAMBDA_ARN.match(endpoint):
        raise invalid("Lambda endpoint ARN")
    if protocol == "firehose" and not _FIREHOSE_ARN.match(endpoint):
        raise invalid("Firehose endpoint ARN")
    if protocol in ("http", "https") and not endpoint.lower().startswith(f"{protocol}://"):
        raise invalid("Endpoint must match the specified protocol")
    if protocol in ("email", "email-json") and not re.match(r"^[^@\s]+@[^@\s]+$", endpoint):
        raise invalid("Email address")
    if protocol == "sms" and not re.match(r"^\+?[0-9]{5,15}$", endpoint):
        raise invalid("SMS endpoint")
    if protocol == "application" and ":endpoint/" not in endpoint:
        raise invalid("Application endpoint ARN")
    return endpoint


def check_attribute(name: str, value: str, protocol: str, attributes: dict[str, str]) -> str:
    """A subscription attribute value as stored; ``InvalidParameter`` when refused."""
    if name not in SETTABLE:
        raise invalid("AttributeName")
    if name == "RawMessageDelivery":
        if value.lower() not in ("true", "false"):
            raise invalid("Attributes Reason: RawMessageDelivery: Invalid value [" + value + "]. Must be true or false.")
        if protocol not in RAW_CAPABLE:
            raise invalid(f"Attributes Reason: Delivery protocol [{protocol}] does not support raw message delivery.")
        return value.lower()
    if name == "FilterPolicyScope":
        if value not in ("MessageAttributes", "MessageBody"):
            raise invalid("Attributes Reason: FilterPolicyScope: Invalid value [" + value
                          + "]. Please use either MessageBody or MessageAttributes")
        if attributes.get("FilterPolicy"):
            _check_filter(attributes["FilterPolicy"], value)
        return value
    if name == "FilterPolicy":
        if value:
            _check_filter(value, attributes.get("FilterPolicyScope", "MessageAttributes"))
        return value
    if name == "RedrivePolicy" and value:
        try:
            policy = json.loads(value)
        except ValueError:
            raise invalid("RedrivePolicy: failed to parse JSON.") from None
        target = policy.get("deadLetterTargetArn") if isinstance(policy, dict) else None
        if not isinstance(target, str) or not _SQS_ARN.match(target):
            raise invalid("RedrivePolicy: deadLetterTargetArn is an invalid arn")
    if name == "DeliveryPolicy" and value:
        try:
            json.loads(value)
        except ValueError:
            raise invalid("DeliveryPolicy: failed to parse JSON.") from None
    return value


def _check_filter(text: str, scope: str) -> None:
    try:
        filters.parse(text, scope)
    except filters.PolicyError as exc:
        raise invalid(f"FilterPolicy: {exc}") from None


def sub_id_of(arn: str) -> tuple[str, str, str, str]:
    """(region, account, topic name, id) of a subscription ARN; ``InvalidParameter`` otherwise."""
    parts = arn.split(":") if isinstance(arn, str) else []
    if len(parts) != 7 or parts[0] != "arn" or parts[2] != "sns" or not re.match(r"^[0-9a-f-]{36}$", parts[6]):
        raise invalid("SubscriptionArn")
    return parts[3], parts[4], parts[5], parts[6]


def report(sub: dict[str, Any], owner: str) -> dict[str, str]:
    """The attributes GetSubscriptionAttributes answers with."""
    out = {
        "SubscriptionArn": sub["arn"],
        "TopicArn": sub["topic_arn"],
        "Owner": owner,
        "Protocol": sub["protocol"],
        "Endpoint": sub["endpoint"],
        "PendingConfirmation": "true" if sub["pending"] else "false",
        "ConfirmationWasAuthenticated": "true" if sub.get("authenticated") else "false",
        "SubscriptionPrincipal": sub.get("principal", ""),
    }
    if sub["protocol"] in RAW_CAPABLE:
        out["RawMessageDelivery"] = "false"
    attributes = dict(sub["attributes"])
    if attributes.get("FilterPolicy"):
        attributes.setdefault("FilterPolicyScope", "MessageAttributes")
    out.update({k: v for k, v in attributes.items() if v != ""})
    if sub["protocol"] in ("http", "https"):
        from fogbank.services.sns.topics import DEFAULT_DELIVERY

        out["EffectiveDeliveryPolicy"] = attributes.get("DeliveryPolicy") or json.dumps(DEFAULT_DELIVERY["http"])
    return out


def passes(sub: dict[str, Any], message: dict[str, Any], protocol_body: str) -> bool:
    """Whether a message gets past the subscription's filter policy."""
    text = sub["attributes"].get("FilterPolicy")
    if not text:
        return True
    scope = sub["attributes"].get("FilterPolicyScope", "MessageAttributes")
    policy = filters.parse(text, scope)
    if not policy:
        return True
    if scope == "MessageBody":
        return filters.matches_body(policy, protocol_body)
    return filters.matches_attributes(policy, message["attributes"])


class Subscriptions:
    """Reading and writing subscription records."""

    def of_topic(self, ctx: Ctx, account: str, region: str, topic: str) -> Iterator[dict[str, Any]]:
        """The subscriptions of a topic, in creation-key order."""
        for _, raw in ctx.store.scan(prefix=store.subs_prefix(account, region, topic)):
            yield store.load(raw)

    def get(self, ctx: Ctx, arn: str) -> dict[str, Any]:
        """The subscription an ARN names; ``NotFound`` otherwise."""
        region, account, _, sub_id = sub_id_of(arn)
        topic = ctx.store.get(store.sub_index_key(account, region, sub_id))
        raw = ctx.store.get(store.sub_key(account, region, store.load(topic), sub_id)) if topic else None
        if raw is None:
            raise subscription_not_found()
        return store.load(raw)

    def save(self, ctx: Ctx, sub: dict[str, Any]) -> None:
        """Write a subscription's record and its index entries."""
        region, account, topic, sub_id = sub_id_of(sub["arn"])
        with ctx.store.transaction() as txn:
            txn.put(store.sub_key(account, region, topic, sub_id), store.dump(sub))
            txn.put(store.sub_index_key(account, region, sub_id), store.dump(topic))
            if sub.get("token"):
                txn.put(store.token_key(account, region, sub["token"]), store.dump(sub_id))

    def delete(self, ctx: Ctx, sub: dict[str, Any]) -> None:
        """Remove a subscription and count it on its topic."""
        region, account, topic, sub_id = sub_id_of(sub["arn"])
        with ctx.store.transaction() as txn:
            txn.delete(store.sub_key(account, region, topic, sub_id))
            txn.delete(store.sub_index_key(account, region, sub_id))
            if sub.get("token"):
                txn.delete(store.token_key(account, region, sub["token"]))
            raw = txn.get(store.deleted_key(account, region, topic))
            txn.put(store.deleted_key(account, region, topic), store.dump((store.load(raw) if raw else 0) + 1))

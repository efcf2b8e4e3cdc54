"""Checking a Publish (or PublishBatch entry) as SNS does, and FIFO deduplication on the clock."""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from fogbank.context import Ctx
from fogbank.services.sns import store
from fogbank.services.sns.errors import InvalidParameterValueException, invalid

MAX_SIZE = 262144
DEDUP_WINDOW_MS = 5 * 60 * 1000
MAX_SUBJECT = 100
BATCH_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
_ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,256}$")
_GROUP_ID = re.compile(r"^[!-~]{1,128}$")


def size_of(request: dict[str, Any]) -> int:
    """The bytes a message counts against the 256 KB limit: body plus attribute names, types, values."""
    total = len(request.get("Message", "").encode("utf-8"))
    for name, attribute in (request.get("MessageAttributes") or {}).items():
        total += len(name.encode()) + len(attribute.get("DataType", "").encode())
        value = attribute.get("BinaryValue") if attribute.get("BinaryValue") is not None else attribute.get("StringValue")
        total += len(value) if isinstance(value, bytes) else len(str(value or "").encode("utf-8"))
    return total


def _check_attributes(attributes: dict[str, dict[str, Any]]) -> None:
    for name, attribute in attributes.items():
        if not _ATTRIBUTE_NAME.match(name) or name.startswith(("AWS.", "Amazon.")) or ".." in name \
                or name.startswith(".") or name.endswith("."):
            raise InvalidParameterValueException(f"The message attribute name '{name}' is invalid.")
        kind = attribute.get("DataType", "")
        base = kind.split(".", 1)[0]
        if base not in ("String", "Number", "Binary"):
            raise InvalidParameterValueException(
                f"The message attribute '{name}' has an invalid message attribute type, the set of supported "
                "type prefixes is Binary, Number, and String.")
        has_string = attribute.get("StringValue") is not None
        has_binary = attribute.get("BinaryValue") is not None
        if base == "Binary" and not has_binary or base != "Binary" and not has_string:
            raise InvalidParameterValueException(
                f"The message attribute '{name}' must contain non-empty message attribute value for message "
                f"attribute type '{base}'.")
        if base == "Number":
            try:
                number = Decimal(attribute["StringValue"])
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite():
                raise InvalidParameterValueException(
                    f"An error occurred while trying to parse the value '{attribute['StringValue']}' of the "
                    f"message attribute '{name}' as a number.")
        if kind == "String.Array":
            try:
                array = json.loads(attribute["StringValue"])
            except ValueError:
                array = None
            if not isinstance(array, list):
                raise InvalidParameterValueException(
                    f"The message attribute '{name}' with type 'String.Array' has an invalid value "
                    f"'{attribute['StringValue']}'. Must be a JSON array.")


def prepare(request: dict[str, Any], topic: dict[str, Any], arn: str) -> dict[str, Any]:
    """A checked message: body, subject, attributes, per-protocol bodies and FIFO ids."""
    body = request.get("Message")
    if body is None or body == "":
        raise invalid("Empty message")
    if size_of(request) > MAX_SIZE:
        raise invalid("Message too long")
    subject = request.get("Subject")
    if subject is not None and (not subject or len(subject) > MAX_SUBJECT
                                or any(not (32 <= ord(c) < 127) for c in subject)):
        raise invalid("Subject")
    per_protocol = None
    if request.get("MessageStructure") is not None:
        if request["MessageStructure"] != "json":
            raise invalid("MessageStructure")
        try:
            per_protocol = json.loads(body)
        except ValueError:
            raise invalid("Message Structure - JSON message body failed to parse") from None
        if not isinstance(per_protocol, dict) or "default" not in per_protocol:
            raise invalid("Message Structure - No default entry in JSON message body")
        if any(not isinstance(v, str) for v in per_protocol.values()):
            raise invalid("Message Structure - JSON message body values must be strings")
    attributes = dict(request.get("MessageAttributes") or {})
    _check_attributes(attributes)
    fifo = topic["attributes"].get("FifoTopic") == "true"
    group = request.get("MessageGroupId")
    dedup = request.get("MessageDeduplicationId")
    if fifo:
        if not group:
            raise invalid("The MessageGroupId parameter is required for FIFO topics")
        if not _GROUP_ID.match(group):
            raise invalid("MessageGroupId Reason: MessageGroupId can only contain alphanumeric and punctuation "
                          "characters, and be at most 128 characters long")
        if dedup is None:
            if topic["attributes"].get("ContentBasedDeduplication") != "true":
                raise invalid("The topic should either have ContentBasedDeduplication enabled or "
                              "MessageDeduplicationId provided explicitly")
            dedup = hashlib.sha256(body.encode("utf-8")).hexdigest()
        elif not _GROUP_ID.match(dedup):
            raise invalid("MessageDeduplicationId Reason: MessageDeduplicationId can only contain alphanumeric "
                          "and punctuation characters, and be at most 128 characters long")
    elif dedup is not None:
        raise invalid("MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that "
                      "is not valid for this topic type")
    return {
        "topic_arn": arn,
        "body": per_protocol["default"] if per_protocol else body,
        "per_protocol": per_protocol,
        "subject": subject,
        "attributes": attributes,
        "group": group if fifo else None,
        "dedup": dedup,
    }


def remember(ctx: Ctx, account: str, region: str, topic: str, message: dict[str, Any]) -> dict[str, Any] | None:
    """Record a FIFO message's deduplication id and give it a sequence number; for a duplicate
    within five minutes, the first message's answer instead."""
    now_ms = int(ctx.clock.now() * 1000)
    key = store.dedup_key(account, region, topic, message["dedup"])
    with ctx.store.transaction() as txn:
        raw = txn.get(key)
        if raw is not None:
            seen = store.load(raw)
            if now_ms - seen["ms"] < DEDUP_WINDOW_MS:
                return {"MessageId": seen["id"], "SequenceNumber": seen["seq"]}
        last = txn.get(store.seq_key(account, region, topic))
        number = (store.load(last) if last else 10000000000000000000) + 1
        sequence = f"{number:020d}"
        txn.put(store.seq_key(account, region, topic), store.dump(number))
        txn.put(key, store.dump({"ms": now_ms, "id": message["id"], "seq": sequence}))
    message["sequence"] = sequence
    return None

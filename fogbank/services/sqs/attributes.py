"""Queue attributes: names, defaults, ranges and the checks SQS makes on Create/SetQueueAttributes.

Values are kept as the strings SQS returns; ``check`` normalises what a caller sends (booleans
lower-cased, RedrivePolicy re-encoded with a numeric ``maxReceiveCount``).
"""

from __future__ import annotations

import json
from typing import Any

from fogbank.services.sqs.errors import InvalidAttributeName, InvalidAttributeValue, invalid_parameter

MAX_MESSAGE_SIZE = 1_048_576

INT_RANGES: dict[str, tuple[int, int]] = {
    "DelaySeconds": (0, 900),
    "MaximumMessageSize": (1024, MAX_MESSAGE_SIZE),
    "MessageRetentionPeriod": (60, 1_209_600),
    "ReceiveMessageWaitTimeSeconds": (0, 20),
    "VisibilityTimeout": (0, 43_200),
    "KmsDataKeyReusePeriodSeconds": (60, 86_400),
}

DEFAULTS: dict[str, str] = {
    "DelaySeconds": "0",
    "MaximumMessageSize": str(MAX_MESSAGE_SIZE),
    "MessageRetentionPeriod": "345600",
    "ReceiveMessageWaitTimeSeconds": "0",
    "VisibilityTimeout": "30",
    "SqsManagedSseEnabled": "true",
}

FIFO_DEFAULTS: dict[str, str] = {
    "FifoQueue": "true",
    "ContentBasedDeduplication": "false",
    "DeduplicationScope": "queue",
    "FifoThroughputLimit": "perQueue",
}

FIFO_ONLY = frozenset({"FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"})
BOOLEANS = frozenset({"FifoQueue", "ContentBasedDeduplication", "SqsManagedSseEnabled"})
JSON_VALUED = frozenset({"Policy", "RedrivePolicy", "RedriveAllowPolicy"})
SETTABLE = frozenset(INT_RANGES) | FIFO_ONLY | JSON_VALUED | {"KmsMasterKeyId", "SqsManagedSseEnabled"}
COMPUTED = (
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
    "QueueArn",
)
#: the order in which GetQueueAttributes(All) lists attributes
ALL_ORDER = (
    "QueueArn",
    *COMPUTED[:5],
    "VisibilityTimeout",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "DelaySeconds",
    "ReceiveMessageWaitTimeSeconds",
    "Policy",
    "RedrivePolicy",
    "RedriveAllowPolicy",
    "KmsMasterKeyId",
    "KmsDataKeyReusePeriodSeconds",
    "SqsManagedSseEnabled",
    "FifoQueue",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
)
KNOWN = frozenset(ALL_ORDER)
_ENUMS = {
    "DeduplicationScope": ("messageGroup", "queue"),
    "FifoThroughputLimit": ("perQueue", "perMessageGroupId"),
}
_REDRIVE_PERMISSIONS = ("allowAll", "denyAll", "byQueue")


def unknown(name: str) -> InvalidAttributeName:
    """The error for an attribute name SQS does not know."""
    return InvalidAttributeName(f"Unknown Attribute {name}.")


def _bad_value(name: str) -> InvalidAttributeValue:
    return InvalidAttributeValue(f"Invalid value for the parameter {name}.")


def check(attributes: dict[str, str], fifo: bool, creating: bool) -> dict[str, str]:
    """The attributes normalised, or AWS's error for the first one that is not acceptable."""
    out: dict[str, str] = {}
    for name, raw in attributes.items():
        if name not in SETTABLE:
            raise unknown(name)
        if name in FIFO_ONLY and not fifo:
            raise unknown(name)
        if name == "FifoQueue" and not creating:
            raise InvalidAttributeName(f"Unknown Attribute {name}.")
        value = str(raw)
        if name in INT_RANGES:
            low, high = INT_RANGES[name]
            try:
                number = int(value)
            except ValueError:
                raise _bad_value(name) from None
            if not low <= number <= high:
                raise _bad_value(name)
            value = str(number)
        elif name in BOOLEANS:
            if value.lower() not in ("true", "false"):
                raise _bad_value(name)
            value = value.lower()
        elif name in _ENUMS:
            if value not in _ENUMS[name]:
                raise _bad_value(name)
        elif name == "Policy" and value:
            try:
                if not isinstance(json.loads(value), dict):
                    raise ValueError
            except ValueError:
                raise _bad_value(name) from None
        elif name == "RedrivePolicy" and value:
            value = json.dumps(redrive_policy(value), separators=(",", ":"))
        elif name == "RedriveAllowPolicy" and value:
            value = json.dumps(redrive_allow_policy(value), separators=(",", ":"))
        out[name] = value
    if out.get("FifoThroughputLimit") == "perMessageGroupId" and out.get("DeduplicationScope") == "queue":
        raise InvalidAttributeValue(
            "Invalid value for the parameter FifoThroughputLimit. Reason: "
            "The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup."
        )
    return out


def redrive_policy(value: str) -> dict[str, Any]:
    """A RedrivePolicy's JSON checked: ``deadLetterTargetArn`` and ``maxReceiveCount`` 1-1000."""
    try:
        policy = json.loads(value)
    except ValueError:
        policy = None
    if not isinstance(policy, dict):
        raise invalid_parameter("RedrivePolicy", value, "Redrive policy is not a valid JSON map")
    arn = policy.get("deadLetterTargetArn")
    if not isinstance(arn, str) or not arn:
        raise invalid_parameter(
            "RedrivePolicy", value, "Redrive policy does not contain mandatory attribute: deadLetterTargetArn"
        )
    if "maxReceiveCount" not in policy:
        raise invalid_parameter(
            "RedrivePolicy", value, "Redrive policy does not contain mandatory attribute: maxReceiveCount"
        )
    count = policy["maxReceiveCount"]
    try:
        number = int(count)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 1000:
        raise invalid_parameter(
            "RedrivePolicy",
            value,
            f"Invalid value for maxReceiveCount: {count}, valid values are from 1 to 1000 both inclusive",
        )
    return {"deadLetterTargetArn": arn, "maxReceiveCount": number}


def redrive_allow_policy(value: str) -> dict[str, Any]:
    """A RedriveAllowPolicy's JSON checked: allowAll, denyAll, or byQueue with 1-10 source ARNs."""
    try:
        policy = json.loads(value)
    except ValueError:
        policy = None
    if not isinstance(policy, dict) or policy.get("redrivePermission") not in _REDRIVE_PERMISSIONS:
        raise invalid_parameter(
            "RedriveAllowPolicy",
            value,
            "Amazon SQS can't create the redrive allow policy, as it’s in an unsupported format",
        )
    out: dict[str, Any] = {"redrivePermission": policy["redrivePermission"]}
    sources = policy.get("sourceQueueArns")
    if policy["redrivePermission"] == "byQueue":
        if (
            not isinstance(sources, list)
            or not 1 <= len(sources) <= 10
            or not all(isinstance(s, str) for s in sources)
        ):
            raise invalid_parameter(
                "RedriveAllowPolicy",
                value,
                "Amazon SQS can't create the redrive allow policy. When you specify the byQueue permission type, "
                "you must also specify one or more sourceQueueArns values",
            )
        out["sourceQueueArns"] = sources
    elif sources:
        raise invalid_parameter(
            "RedriveAllowPolicy",
            value,
            "Amazon SQS can't create the redrive allow policy. To specify one or more source queues, "
            "you must set redrivePermission to byQueue",
        )
    return out


def allows_source(allow_policy: str | None, source_arn: str) -> bool:
    """Whether a dead-letter queue's RedriveAllowPolicy lets ``source_arn`` use it."""
    if not allow_policy:
        return True
    policy = json.loads(allow_policy)
    permission = policy.get("redrivePermission")
    if permission == "denyAll":
        return False
    if permission == "byQueue":
        return source_arn in policy.get("sourceQueueArns", [])
    return True

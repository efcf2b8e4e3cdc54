"""Checks on what a caller sends (body, message attributes, system attributes, FIFO ids) and
the message-attribute filters of ReceiveMessage. Pure functions: no store, no clock."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from fogbank.errors import ServiceError
from fogbank.services.sqs.errors import (
    InvalidMessageContents,
    invalid_parameter,
    invalid_value,
    missing_parameter,
)

MAX_ATTRIBUTES = 10
_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ATTRIBUTE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,256}")
_DATA_TYPE = re.compile(r"(String|Number|Binary)(\..{1,250})?", re.DOTALL)
_FIFO_ID = re.compile(r"[\x21-\x7e]{1,128}")
_BATCH_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")
SYSTEM_ATTRIBUTES = ("AWSTraceHeader",)


def check_body(body: str) -> None:
    """``InvalidMessageContents`` for characters XML 1.0 forbids; ``MissingParameter`` when empty."""
    if not body:
        raise missing_parameter("MessageBody")
    if _FORBIDDEN.search(body):
        raise InvalidMessageContents(
            "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | "
            "#xE000 to #xFFFD | #x10000 to #x10FFFF"
        )


def _check_number(name: str, text: str) -> None:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise invalid_value(f"Can't cast the value of message (user) attribute '{name}' to a number.")
    digits = number.as_tuple().digits
    significant = len(str(int("".join(map(str, digits))))) if digits else 0
    if significant > 38 or (number != 0 and not Decimal("-1e128") <= number <= Decimal("1e126")):
        raise invalid_value(
            f"Value {text} for parameter MessageAttributes.{name} is invalid. Reason: "
            "Number values can have up to 38 digits of precision, between -10^128 and 10^126."
        )


def check_attributes(attrs: dict[str, dict[str, Any]], system: bool = False) -> int:
    """Check message (or system) attributes; returns how many bytes they add to the message size."""
    kind = "system" if system else "user"
    if not system and len(attrs) > MAX_ATTRIBUTES:
        raise invalid_value(
            f"Number of message attributes [{len(attrs)}] exceeds the allowed maximum [{MAX_ATTRIBUTES}]."
        )
    size = 0
    for name, value in attrs.items():
        if system:
            if name not in SYSTEM_ATTRIBUTES:
                raise invalid_value(f"Message system attribute name '{name}' is invalid.")
        elif (
            not _ATTRIBUTE_NAME.fullmatch(name)
            or ".." in name
            or name.startswith(".")
            or name.endswith(".")
            or name.lower().startswith(("aws.", "amazon."))
        ):
            raise invalid_value(f"Message (user) attribute name '{name}' is invalid.")
        data_type = value.get("DataType")
        if not data_type:
            raise invalid_value(
                f"The message ({kind}) attribute '{name}' must contain a non-empty attribute type."
            )
        if not _DATA_TYPE.fullmatch(data_type) or len(data_type) > 256:
            raise invalid_value(
                f"The type of message ({kind}) attribute '{name}' is invalid. "
                "You must use only the following supported type prefixes: Binary, Number, String."
            )
        if value.get("StringListValues") or value.get("BinaryListValues"):
            raise ServiceError(
                "Message attribute list values in SendMessage operation are not supported.",
                code="AWS.SimpleQueueService.UnsupportedOperation",
            )
        if data_type.startswith("Binary"):
            data = value.get("BinaryValue")
            if not data:
                raise invalid_value(
                    f"The message ({kind}) attribute '{name}' must contain a non-empty message attribute value "
                    f"for message attribute type '{data_type}'."
                )
            size += len(data)
        else:
            text = value.get("StringValue")
            if text is None or text == "":
                raise invalid_value(
                    f"The message ({kind}) attribute '{name}' must contain a non-empty message attribute value "
                    f"for message attribute type '{data_type}'."
                )
            if _FORBIDDEN.search(text):
                raise InvalidMessageContents(f"Invalid characters found in the message attribute '{name}'.")
            if data_type.startswith("Number"):
                _check_number(name, text)
            size += len(text.encode("utf-8"))
        size += len(name.encode("utf-8")) + len(data_type.encode("utf-8"))
    return size


def check_fifo_id(parameter: str, value: str) -> None:
    """A MessageGroupId or MessageDeduplicationId of 1-128 printable ASCII characters."""
    if not _FIFO_ID.fullmatch(value):
        raise invalid_parameter(
            parameter,
            value,
            f"{parameter} can only include alphanumeric and punctuation characters. 1 to 128 in length",
        )


def check_batch_ids(entries: list[dict[str, Any]], entry_name: str) -> None:
    """The checks every batch operation makes on its entries before any of them runs."""
    from fogbank.services.sqs.errors import (
        BatchEntryIdsNotDistinct,
        EmptyBatchRequest,
        InvalidBatchEntryId,
        TooManyEntriesInBatchRequest,
    )

    if not entries:
        raise EmptyBatchRequest(f"There should be at least one {entry_name} in the request.")
    if len(entries) > 10:
        raise TooManyEntriesInBatchRequest(
            f"Maximum number of entries per request are 10. You have sent {len(entries)}."
        )
    seen: set[str] = set()
    for entry in entries:
        entry_id = entry.get("Id", "")
        if not _BATCH_ID.fullmatch(entry_id):
            raise InvalidBatchEntryId(
                "A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
                "It can be at most 80 letters long."
            )
        if entry_id in seen:
            raise BatchEntryIdsNotDistinct(f"Id {entry_id} repeated.")
        seen.add(entry_id)


def attribute_filter(names: list[str] | None) -> tuple[bool, frozenset[str], tuple[str, ...]]:
    """(all, exact names, prefixes) from ReceiveMessage's MessageAttributeNames."""
    if not names:
        return False, frozenset(), ()
    if "All" in names or ".*" in names:
        return True, frozenset(), ()
    prefixes = tuple(n[:-1] for n in names if n.endswith(".*"))
    return False, frozenset(n for n in names if not n.endswith(".*")), prefixes


def select_attributes(
    attrs: dict[str, Any], wanted: tuple[bool, frozenset[str], tuple[str, ...]]
) -> dict[str, Any]:
    """The message attributes a receive asked for."""
    everything, exact, prefixes = wanted
    if everything:
        return attrs
    if not exact and not prefixes:
        return {}
    return {k: v for k, v in attrs.items() if k in exact or (prefixes and k.startswith(prefixes))}

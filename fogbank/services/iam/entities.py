"""What users, groups and roles share: loading by name with AWS's NoSuchEntity, tags with
IAM's rules (50 per entity, keys unique regardless of case), and policy documents checked for
their use with AWS's MalformedPolicyDocument and size messages."""

from __future__ import annotations

import re
from typing import Any

from fogbank.auth.policy import MalformedPolicy, Policy, parse
from fogbank.context import Ctx
from fogbank.services.iam import store
from fogbank.services.iam.errors import (
    InvalidInputException,
    LimitExceededException,
    MalformedPolicyDocumentException,
    NoSuchEntityException,
)

MAX_TAGS = 50
_KIND_NAMES = {"user": "user", "group": "group", "role": "role", "profile": "Instance Profile"}
_WHITESPACE = re.compile(r"\s+")


def require(reader: Any, ctx: Ctx, kind: str, name: str) -> dict[str, Any]:
    """The ``kind`` record named ``name``, or AWS's NoSuchEntity for it."""
    record = store.load(reader, ctx.account, kind, name)
    if record is None:
        raise NoSuchEntityException(f"The {_KIND_NAMES.get(kind, kind)} with name {name} cannot be found.")
    return record


def merge_tags(record: dict[str, Any], tags: list[dict[str, str]], quota: str) -> None:
    """Add or replace ``tags`` on ``record`` (InvalidInput for duplicate keys, LimitExceeded past 50)."""
    lowered = [t["Key"].lower() for t in tags]
    if len(lowered) != len(set(lowered)):
        raise InvalidInputException("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
    current = {t["Key"].lower(): t for t in record.get("Tags") or []}
    for tag in tags:
        current[tag["Key"].lower()] = {"Key": tag["Key"], "Value": tag.get("Value", "")}
    if len(current) > MAX_TAGS:
        raise LimitExceededException(f"Cannot exceed quota for {quota}: {MAX_TAGS}.")
    record["Tags"] = list(current.values())


def drop_tags(record: dict[str, Any], keys: list[str]) -> None:
    """Remove the tags with these keys (regardless of case)."""
    gone = {k.lower() for k in keys}
    record["Tags"] = [t for t in record.get("Tags") or [] if t["Key"].lower() not in gone]


def policy_size(document: str) -> int:
    """A document's size as IAM counts it against quotas: without whitespace."""
    return len(_WHITESPACE.sub("", document))


def check_document(document: str, kind: str = "identity") -> Policy:
    """``document`` parsed for ``kind`` use, or AWS's MalformedPolicyDocument."""
    try:
        return parse(document, kind)
    except MalformedPolicy as exc:
        raise MalformedPolicyDocumentException(exc.message) from None


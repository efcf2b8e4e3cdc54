"""Parameter policies: Expiration, ExpirationNotification and NoChangeNotification.

They are checked and stored as written; an Expiration policy deletes the parameter when
fogbank's clock passes its timestamp (applied when the parameter is next touched or listed).
Notifications need EventBridge and are recorded only.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fogbank.services.ssm.errors import (
    IncompatiblePolicyException,
    InvalidPolicyAttributeException,
    InvalidPolicyTypeException,
    PoliciesLimitExceededException,
)

TYPES = ("Expiration", "ExpirationNotification", "NoChangeNotification")
MAX_POLICIES = 10
UNITS = ("Days", "Hours")


def _timestamp(text: Any) -> float:
    if not isinstance(text, str):
        raise ValueError(text)
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def parse(text: str, now: float) -> tuple[list[dict[str, Any]], float | None]:
    """The policies of a Policies string and the expiry time they set (or None)."""
    try:
        policies = json.loads(text)
    except ValueError as exc:
        raise InvalidPolicyTypeException("Invalid policy format. The policies must be a JSON array.") from exc
    if isinstance(policies, dict):
        policies = [policies]
    if not isinstance(policies, list):
        raise InvalidPolicyTypeException("Invalid policy format. The policies must be a JSON array.")
    if len(policies) > MAX_POLICIES:
        raise PoliciesLimitExceededException(f"You can specify at most {MAX_POLICIES} policies for a parameter.")
    expires: float | None = None
    seen: set[str] = set()
    for policy in policies:
        kind = policy.get("Type") if isinstance(policy, dict) else None
        if kind not in TYPES:
            raise InvalidPolicyTypeException(f"Invalid policy type: {kind}. Valid policy types are {', '.join(TYPES)}.")
        if kind in seen:
            raise IncompatiblePolicyException(f"A parameter can have only one {kind} policy.")
        seen.add(kind)
        attributes = policy.get("Attributes")
        if not isinstance(attributes, dict):
            raise InvalidPolicyAttributeException(f"The {kind} policy has no Attributes.")
        if kind == "Expiration":
            try:
                expires = _timestamp(attributes.get("Timestamp"))
            except (ValueError, TypeError) as exc:
                raise InvalidPolicyAttributeException(
                    "Invalid Timestamp attribute of the Expiration policy: use ISO 8601, e.g. 2030-12-02T21:34:33.000Z."
                ) from exc
            if expires <= now:
                raise InvalidPolicyAttributeException("The Expiration policy's Timestamp must be in the future.")
        else:
            key = "Before" if kind == "ExpirationNotification" else "After"
            amount = attributes.get(key)
            if not str(amount).isdigit() or attributes.get("Unit") not in UNITS:
                raise InvalidPolicyAttributeException(
                    f"The {kind} policy needs attributes {key} (a whole number) and Unit (Days or Hours)."
                )
    return policies, expires


def described(policies: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The Policies member of ParameterMetadata and ParameterHistory."""
    return [
        {"PolicyText": json.dumps(p, separators=(",", ":")), "PolicyType": p["Type"], "PolicyStatus": "Pending"}
        for p in policies
    ]

"""Opaque pagination tokens for the Describe/Filter operations (a JSON value, base64url)."""

from __future__ import annotations

import base64
import json
from typing import Any

from fogbank.services.logs.errors import invalid


def encode(value: Any) -> str:
    """A token that carries ``value`` to the next page."""
    raw = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(token: str | None) -> Any:
    """The value a token carries (None without a token); InvalidParameterException if forged."""
    if not token:
        return None
    try:
        padded = token + "=" * (-len(token) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()))
    except ValueError:
        raise invalid("The specified nextToken is invalid.") from None


def limit(value: int | None, default: int, maximum: int) -> int:
    """A page size: ``default`` when absent, checked against 1..``maximum``."""
    if value is None:
        return default
    if not 1 <= value <= maximum:
        raise invalid(
            f"1 validation error detected: Value '{value}' at 'limit' failed to satisfy constraint: "
            f"Member must have value less than or equal to {maximum}"
        )
    return value

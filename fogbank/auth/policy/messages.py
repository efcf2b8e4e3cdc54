"""Encoded authorization messages: the opaque text an AccessDenied carries about why a request
was denied, which STS DecodeAuthorizationMessage turns back into its JSON for the account."""

from __future__ import annotations

import base64
import json
import zlib
from typing import Any

_PREFIX = "fogbank-auth-1."


def encode_message(details: dict[str, Any]) -> str:
    """The encoded form of a denial's details (allowed, explicitDeny, matchedStatements, context)."""
    packed = zlib.compress(json.dumps(details, separators=(",", ":")).encode())
    return _PREFIX + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def decode_message(encoded: str) -> dict[str, Any] | None:
    """The details of an encoded message, or None when it is not one fogbank produced."""
    if not encoded.startswith(_PREFIX):
        return None
    body = encoded[len(_PREFIX):]
    try:
        raw = zlib.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        details = json.loads(raw)
    except (ValueError, zlib.error):
        return None
    return details if isinstance(details, dict) else None

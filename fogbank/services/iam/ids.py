"""Identifiers as AWS forms them: unique ids with their type prefixes (AIDA users, AROA roles,
AGPA groups, ANPA policies, AIPA instance profiles), access key ids that carry their account
(AKIA long-term, ASIA temporary), secrets, session tokens, and ARNs with paths."""

from __future__ import annotations

import base64
import secrets
import string

_ALPHABET = string.ascii_uppercase + string.digits
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

USER, ROLE, GROUP, POLICY, PROFILE = "AIDA", "AROA", "AGPA", "ANPA", "AIPA"
CERT, MFA_SERIAL, SSC = "ASCA", "", "ACCA"
LONG_TERM, TEMPORARY = "AKIA", "ASIA"


def unique_id(prefix: str) -> str:
    """A 21-character unique id such as ``AIDA...``."""
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(21 - len(prefix)))


def access_key_id(prefix: str, account: str) -> str:
    """A 20-character access key id whose bits carry ``account``, as AWS's do.

    The ten bytes after the prefix start with the account number shifted left by seven bits, so
    ``account_of_key`` (STS GetAccessKeyInfo) can read it back.
    """
    head = (int(account) << 7) | secrets.randbelow(128)
    raw = head.to_bytes(6, "big") + secrets.token_bytes(4)
    return prefix + base64.b32encode(raw).decode()


def account_of_key(key_id: str) -> str | None:
    """The account an access key id was issued for, or None if it is not one of that form."""
    body = key_id[4:]
    if len(key_id) != 20 or any(c not in _B32 for c in body):
        return None
    raw = base64.b32decode(body)
    return f"{(int.from_bytes(raw[:6], 'big') & 0x7FFFFFFFFF80) >> 7:012d}"


def secret_access_key() -> str:
    """A 40-character secret access key."""
    return base64.b64encode(secrets.token_bytes(30)).decode()


def session_token() -> str:
    """An opaque session token, about as long as AWS's."""
    return "FwoGZXIvYXdzE" + base64.b64encode(secrets.token_bytes(200)).decode()


def arn(account: str, kind: str, path: str, name: str) -> str:
    """``arn:aws:iam::ACCOUNT:kind/path/name``."""
    return f"arn:aws:iam::{account}:{kind}{path}{name}"

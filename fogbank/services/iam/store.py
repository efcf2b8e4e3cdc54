"""IAM's key layout in the store. IAM is global: every key starts with ("iam", account).

  (..., "user", lower(name))       -> user record (API fields, plus _inline, _attached, _groups)
  (..., "group", lower(name))      -> group record (plus _inline, _attached)
  (..., "role", lower(name))       -> role record (plus _inline, _attached)
  (..., "profile", lower(name))    -> instance profile record (Roles holds role names)
  (..., "policy", lower(name))     -> customer managed policy record (plus _versions)
  (..., "key", access_key_id)      -> access key (user, status, secret, last use)
  (..., "login", lower(user))      -> login profile
  (..., "mfa", serial)             -> MFA device (virtual: seed, enabled user)
  (..., "ssc", credential_id)      -> service-specific credential
  (..., "cert", lower(name))       -> server certificate
  (..., "oidc", arn) / ("saml", arn) -> identity providers
  (..., "account", "alias")        -> the account alias; (..., "account", "password-policy")
  (..., "generation")              -> a fresh random token written with every change of the
                                      account's IAM records: IAM enforcement caches each caller's
                                      parsed policies under it, so a change applies to the very
                                      next request

Names are case-insensitive in IAM, so keys use the lowercased name and records keep the name
as it was given. Access keys and sessions that callers use are also written under
("auth", "keys", access_key_id) for ``fogbank.auth.principals`` (see there for that record).
Values are JSON; timestamps are epoch seconds.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

SERVICE = "iam"
_SEPARATORS = (",", ":")

NAMED_KINDS = ("user", "group", "role", "profile", "policy", "login", "cert")


def key(account: str, kind: str, name: str) -> tuple[str, str, str, str]:
    """Where one record of ``kind`` lives (names of named kinds are lowercased)."""
    return (SERVICE, account, kind, name.lower() if kind in NAMED_KINDS else name)


def prefix(account: str, kind: str) -> tuple[str, str, str]:
    """The prefix of all records of ``kind``."""
    return (SERVICE, account, kind)


def encode(record: dict[str, Any]) -> bytes:
    """A record as stored."""
    return json.dumps(record, separators=_SEPARATORS).encode()


def decode(raw: bytes) -> dict[str, Any]:
    """A stored record."""
    return json.loads(raw)


def load(reader: Any, account: str, kind: str, name: str) -> dict[str, Any] | None:
    """The record of ``kind`` named ``name``, or None (``reader`` is a store or a transaction)."""
    raw = reader.get(key(account, kind, name))
    return None if raw is None else decode(raw)


def generation_key(account: str) -> tuple[str, str, str]:
    """Where the account's IAM generation token lives."""
    return (SERVICE, account, "generation")


def generation(reader: Any, account: str) -> bytes | None:
    """The account's current IAM generation token (None before its first IAM change)."""
    return reader.get(generation_key(account))


def _bump(writer: Any, account: str) -> None:
    # random rather than counted, so that a value never comes back after a reset
    writer.put(generation_key(account), os.urandom(12).hex().encode())


def save(writer: Any, account: str, kind: str, name: str, record: dict[str, Any]) -> None:
    """Write a record (and move the account's IAM generation on)."""
    writer.put(key(account, kind, name), encode(record))
    _bump(writer, account)


def remove(writer: Any, account: str, kind: str, name: str) -> None:
    """Delete a record (and move the account's IAM generation on)."""
    writer.delete(key(account, kind, name))
    _bump(writer, account)


def records(reader: Any, account: str, kind: str) -> Iterator[dict[str, Any]]:
    """Every record of ``kind``, in key order."""
    for _, raw in reader.scan(prefix=prefix(account, kind)):
        yield decode(raw)


def when(epoch: float) -> datetime:
    """A stored timestamp as boto3 returns it."""
    return datetime.fromtimestamp(epoch, UTC)


def public(record: dict[str, Any], drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """A record without its internal fields (``_...``), timestamps as datetimes, no empty tags."""
    out: dict[str, Any] = {}
    for name, value in record.items():
        if name.startswith("_") or name in drop or value is None:
            continue
        if name == "Tags" and not value:
            continue
        out[name] = when(value) if name.endswith("Date") and isinstance(value, int | float) else value
    return out

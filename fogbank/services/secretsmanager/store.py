"""Secrets Manager's key layout in the store. Every key starts with ("secretsmanager", account, region).

  (..., "secret", name)          -> the secret's metadata: ARN, description, KMS key, tags,
                                    dates, rotation settings, resource policy, deletion schedule,
                                    and its versions {version id: {stages, created, kms keys}}
                                    in creation order
  (..., "value", name, version)  -> one version's value: the base64 of its KMS ciphertext blob
                                    and whether it was a SecretBinary; never plaintext

Names sort as strings, so ListSecrets is one range scan of ("secret", ...). Values are JSON.
"""

from __future__ import annotations

import json
from typing import Any

SERVICE = "secretsmanager"

_SEPARATORS = (",", ":")


def secret_key(account: str, region: str, name: str) -> tuple:
    """Where a secret's metadata lives."""
    return (SERVICE, account, region, "secret", name)


def secrets_prefix(account: str, region: str) -> tuple:
    """The prefix of every secret of an account and Region."""
    return (SERVICE, account, region, "secret")


def value_key(account: str, region: str, name: str, version: str) -> tuple:
    """Where one version's encrypted value lives."""
    return (SERVICE, account, region, "value", name, version)


def values_prefix(account: str, region: str, name: str) -> tuple:
    """The prefix of a secret's stored values."""
    return (SERVICE, account, region, "value", name)


def dump(value: dict[str, Any]) -> bytes:
    """A record as stored."""
    return json.dumps(value, separators=_SEPARATORS).encode()


def load(raw: bytes | None) -> dict[str, Any] | None:
    """A stored record, or None."""
    return None if raw is None else json.loads(raw)

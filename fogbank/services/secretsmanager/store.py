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

# records are stored in the shared JSON form
from fogbank.store.records import dump as dump
from fogbank.store.records import load as load

SERVICE = "secretsmanager"



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

"""SSM Parameter Store's key layout in the store. Every key starts with ("ssm", account, region).

  (..., "param", name)            -> the parameter: its latest version in full (value, type,
                                     key id, tier, pattern, data type, policies, description)
                                     plus tags, labels {label: version}, the oldest kept version
                                     and the expiry time from an Expiration policy
  (..., "ver", name, version)     -> one version of the parameter (the same fields as above)

Names sort as strings, so a path's parameters are one range scan of ("param", path ...).
SecureString values are stored as the base64 of the KMS ciphertext blob, never in plaintext.
Values are JSON.
"""

from __future__ import annotations

# records are stored in the shared JSON form
from fogbank.store.records import dump as dump
from fogbank.store.records import load as load

SERVICE = "ssm"



def param_key(account: str, region: str, name: str) -> tuple:
    """Where a parameter's record lives."""
    return (SERVICE, account, region, "param", name)


def params_prefix(account: str, region: str) -> tuple:
    """The prefix of every parameter record of an account and Region."""
    return (SERVICE, account, region, "param")


def version_key(account: str, region: str, name: str, version: int) -> tuple:
    """Where one version of a parameter lives."""
    return (SERVICE, account, region, "ver", name, version)


def versions_prefix(account: str, region: str, name: str) -> tuple:
    """The prefix of a parameter's versions, oldest first."""
    return (SERVICE, account, region, "ver", name)

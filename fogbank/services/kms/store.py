"""KMS's key layout in the store. Every key starts with ("kms", account, region).

  (..., "key", key_id)                 -> key record (metadata, state, policy, tags, rotation
                                          settings and every version of its key material)
  (..., "alias", alias_name)           -> {"target": key_id, "created": t, "updated": t}
  (..., "grant", key_id, grant_id)     -> grant record
  (..., "import", key_id)              -> the pending import parameters of an EXTERNAL key
                                          (import token, RSA wrapping private key, valid-to)

Key material is kept in the key record, base64-encoded: raw secrets for symmetric and HMAC
keys, PKCS#8 DER private keys for RSA and ECC keys. That is fine for a local cloud and lets
ciphertexts survive restarts; it is of course not a hardware security module.

Multi-Region keys share their material: a replica record holds a copy taken when it was made,
and the primary's record (in its own Region, same account) adds every later rotation.
Values are JSON.
"""

from __future__ import annotations

import base64

# records are stored in the shared JSON form
from fogbank.store.records import dump as dump
from fogbank.store.records import load as load

SERVICE = "kms"



def key_key(account: str, region: str, key_id: str) -> tuple:
    """Where a key's record lives."""
    return (SERVICE, account, region, "key", key_id)


def keys_prefix(account: str, region: str) -> tuple:
    """The prefix of every key record of an account and Region."""
    return (SERVICE, account, region, "key")


def alias_key(account: str, region: str, name: str) -> tuple:
    """Where an alias lives."""
    return (SERVICE, account, region, "alias", name)


def aliases_prefix(account: str, region: str) -> tuple:
    """The prefix of every alias of an account and Region."""
    return (SERVICE, account, region, "alias")


def grant_key(account: str, region: str, key_id: str, grant_id: str) -> tuple:
    """Where a grant lives."""
    return (SERVICE, account, region, "grant", key_id, grant_id)


def grants_prefix(account: str, region: str, key_id: str | None = None) -> tuple:
    """The prefix of a key's grants (or of every grant of the account and Region)."""
    base = (SERVICE, account, region, "grant")
    return base if key_id is None else (*base, key_id)


def import_key(account: str, region: str, key_id: str) -> tuple:
    """Where a key's pending import parameters live."""
    return (SERVICE, account, region, "import", key_id)


def b64(data: bytes) -> str:
    """Bytes as they are kept inside a JSON record."""
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    """Bytes kept inside a JSON record."""
    return base64.b64decode(text)

"""Maps a request's access key to its account and principal.

An access key id of 12 digits is that account's root; keys that IAM or STS issued belong to
their identity (looked up in the store under ``("auth", "keys", access_key_id)``, written by
IAM and STS); every other key belongs to the configured default account's root.
"""

from __future__ import annotations

import json

from fogbank.config import Config
from fogbank.context import Principal
from fogbank.store.contract import Store

ISSUED_KEYS_PREFIX = ("auth", "keys")


def root_principal(access_key_id: str, account: str) -> Principal:
    """The account root user, as GetCallerIdentity reports it."""
    return Principal(
        access_key_id=access_key_id,
        account=account,
        arn=f"arn:aws:iam::{account}:root",
        user_id=account,
    )


def resolve(access_key_id: str, config: Config, store: Store) -> Principal:
    """The principal behind ``access_key_id`` (anonymous callers get the default account's root)."""
    if len(access_key_id) == 12 and access_key_id.isdigit():
        return root_principal(access_key_id, access_key_id)
    if access_key_id:
        raw = store.get((*ISSUED_KEYS_PREFIX, access_key_id))
        if raw is not None:
            data = json.loads(raw)
            return Principal(
                access_key_id=access_key_id,
                account=data["account"],
                arn=data["arn"],
                user_id=data["user_id"],
                session_token=data.get("session_token"),
            )
    return root_principal(access_key_id or "anonymous", config.default_account)

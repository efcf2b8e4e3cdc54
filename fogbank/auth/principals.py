"""Maps a request's access key to its account and principal, and keeps the keys IAM and STS issue.

An access key id of 12 digits is that account's root. Keys that IAM or STS issued are records
under ``("auth", "keys", access_key_id)``::

    {"account", "arn", "user_id", "secret", "kind": "user" | "root" | "assumed-role" | "federated-user",
     "status": "Active" | "Inactive" | "Deleted", "session_token"?, "expires"? (epoch seconds),
     "user_name"?, "role_name"?, "role_arn"?, "role_id"?, "session_name"?, "source_identity"?,
     "tags"? {key: value}, "transitive_tag_keys"?, "session_policies"? [documents],
     "policy_arns"? [arns], "mfa"? bool, "issued"? epoch seconds}

A session past its ``expires`` is refused with ExpiredToken; an inactive or deleted key with
InvalidClientTokenId. Every other key belongs to the configured default account's root (or is
refused with InvalidClientTokenId when ``config.strict_credentials`` is on).
"""

from __future__ import annotations

import json
import time
from typing import Any

from fogbank.config import Config
from fogbank.context import Ctx, Principal
from fogbank.errors import ServiceError
from fogbank.store.contract import Store

ISSUED_KEYS_PREFIX = ("auth", "keys")

# the code and status AWS answers an expired session with, per protocol family
_EXPIRED = {
    "query": ("ExpiredToken", 403),
    "ec2": ("RequestExpired", 400),
    "rest-xml": ("ExpiredToken", 400),
    "json": ("ExpiredTokenException", 400),
    "rest-json": ("ExpiredTokenException", 403),
    "smithy-rpc-v2-cbor": ("ExpiredTokenException", 400),
}
_INVALID = {
    "query": ("InvalidClientTokenId", 403),
    "ec2": ("AuthFailure", 401),
    "rest-xml": ("InvalidAccessKeyId", 403),
    "json": ("UnrecognizedClientException", 400),
    "rest-json": ("UnrecognizedClientException", 403),
    "smithy-rpc-v2-cbor": ("UnrecognizedClientException", 400),
}


def expired_token(protocol: str | None = None) -> ServiceError:
    """The error for a request signed with an expired session, in the protocol family's words."""
    code, status = _EXPIRED.get(protocol or "query", _EXPIRED["query"])
    # S3 words it its own way; every other service shares the STS wording
    message = ("The provided token has expired." if protocol == "rest-xml"
               else "The security token included in the request is expired")
    return ServiceError(message, code=code, status=status)


def invalid_token(protocol: str | None = None) -> ServiceError:
    """The error for a request signed with a key fogbank does not (or no longer) accept."""
    code, status = _INVALID.get(protocol or "query", _INVALID["query"])
    message = ("The AWS Access Key Id you provided does not exist in our records." if code == "InvalidAccessKeyId"
               else "The security token included in the request is invalid.")
    return ServiceError(message, code=code, status=status)


def key_of(access_key_id: str) -> tuple[str, str, str]:
    """Where the record of an issued key lives."""
    return (*ISSUED_KEYS_PREFIX, access_key_id)


def issue(writer: Any, access_key_id: str, record: dict[str, Any]) -> None:
    """Record a key (``writer`` is a store or a transaction) so later requests resolve to it."""
    writer.put(key_of(access_key_id), json.dumps(record, separators=(",", ":")).encode())


def lookup(reader: Any, access_key_id: str) -> dict[str, Any] | None:
    """The record of an issued key, or None."""
    raw = reader.get(key_of(access_key_id)) if access_key_id else None
    return None if raw is None else json.loads(raw)


def root_principal(access_key_id: str, account: str) -> Principal:
    """The account root user, as GetCallerIdentity reports it."""
    return Principal(
        access_key_id=access_key_id,
        account=account,
        arn=f"arn:aws:iam::{account}:root",
        user_id=account,
    )


def resolve(access_key_id: str, config: Config, store: Store, clock: Any = None,
            protocol: str | None = None, service: str | None = None, region: str | None = None,
            record: dict[str, Any] | None = None) -> Principal:
    """The principal behind ``access_key_id`` (anonymous callers get the default account's root).

    ``clock`` (fogbank's Clock) decides whether a session has expired; without it the machine's
    time is used. ``protocol`` picks the error codes of the caller's protocol family. With
    ``clock`` and ``service`` an IAM user's key also records its last use (IAM's
    GetAccessKeyLastUsed), at most once a minute per service and region. ``record``: the key's
    record when the caller has read it already.
    """
    if len(access_key_id) == 12 and access_key_id.isdigit():
        return root_principal(access_key_id, access_key_id)
    if access_key_id:
        data = record if record is not None else lookup(store, access_key_id)
        if data is not None:
            if data.get("status", "Active") != "Active":
                raise invalid_token(protocol)
            now = clock.now() if clock is not None else time.time()
            if data.get("expires") is not None and now >= data["expires"]:
                raise expired_token(protocol)
            if clock is not None and service and data.get("kind") == "user":
                _note_use(store, access_key_id, data, now, service, region or config.default_region)
            return Principal(
                access_key_id=access_key_id,
                account=data["account"],
                arn=data["arn"],
                user_id=data["user_id"],
                session_token=data.get("session_token"),
            )
        if getattr(config, "strict_credentials", False):
            raise invalid_token(protocol)
    return root_principal(access_key_id or "anonymous", config.default_account)


def forget(store: Store, which: Any) -> int:
    """Delete the issued-key records for which ``which(record)`` is true; returns how many."""
    doomed = [key for key, raw in store.scan(prefix=ISSUED_KEYS_PREFIX) if which(json.loads(raw))]
    with store.transaction() as txn:
        for key in doomed:
            txn.delete(key)
    return len(doomed)


LAST_USED_GRANULARITY = 60.0


def _note_use(store: Store, access_key_id: str, data: dict[str, Any], now: float, service: str, region: str) -> None:
    last = data.get("last_used") or {}
    if last.get("service") == service and last.get("region") == region \
            and now - last.get("date", 0) < LAST_USED_GRANULARITY:
        return
    data["last_used"] = {"date": now, "service": service, "region": region}
    issue(store, access_key_id, data)


def session_of(ctx: Ctx) -> dict[str, Any] | None:
    """The issued-key record of the caller, checked against fogbank's clock (ExpiredToken when over)."""
    principal = ctx.principal
    if principal is None:
        return None
    data = lookup(ctx.store, principal.access_key_id)
    if data is None:
        return None
    if data.get("expires") is not None and ctx.clock.now() >= data["expires"]:
        raise expired_token("query")
    return data

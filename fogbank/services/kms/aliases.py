"""KMS aliases: CreateAlias, UpdateAlias, DeleteAlias and ListAliases.

``alias/aws/<service>`` names are reserved for AWS managed keys, which ``keys.ensure_managed``
creates when a service (or a user) first names one.
"""

from __future__ import annotations

import re
from typing import Any

from fogbank.context import Ctx
from fogbank.errors import InvalidInput
from fogbank.services.kms import keys
from fogbank.services.kms import store as kstore
from fogbank.services.kms.errors import (
    AlreadyExistsException,
    InvalidAliasNameException,
    alias_not_found,
    invalid_state,
)
from fogbank.services.kms.lifecycle import live_keys, page

_ALIAS = re.compile(r"^alias/[a-zA-Z0-9/_-]+$")
RESERVED = "alias/aws/"


def _check_name(name: str) -> None:
    if not name.startswith("alias/"):
        # AWS answers a missing prefix as a validation error, not InvalidAliasNameException
        raise InvalidInput(
            "Alias must start with the prefix \"alias/\". Please see "
            "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html"
        )
    if name.lower().startswith(RESERVED):
        raise InvalidAliasNameException(f"Cannot create alias with prefix '{RESERVED}'")
    if not _ALIAS.match(name):
        raise InvalidInput(
            f"1 validation error detected: Value '{name}' at 'aliasName' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$"
        )


def _target(ctx: Ctx, target_key_id: str) -> dict[str, Any]:
    """The key an alias may point at: named by key id or key ARN, customer managed, not deleting."""
    kind, _, _, _ = keys.parse_key_id(ctx, target_key_id)
    if kind == "alias":
        raise InvalidInput("Aliases must refer to keys. Not aliases")
    record = keys.resolve(ctx, target_key_id)
    if record["state"] == "PendingDeletion":
        raise invalid_state(keys.arn(record), record["state"])
    return record


def create_alias(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Point a new alias at a key."""
    name = request["AliasName"]
    _check_name(name)
    record = _target(ctx, request["TargetKeyId"])
    now = ctx.clock.now()
    with ctx.store.transaction() as txn:
        key = kstore.alias_key(ctx.account, ctx.region, name)
        if txn.get(key) is not None:
            raise AlreadyExistsException(
                f"An alias with the name {keys.alias_arn(ctx.region, ctx.account, name)} already exists"
            )
        txn.put(key, kstore.dump({"target": record["id"], "created": now, "updated": now}))
    return {}


def update_alias(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Point an alias at another key of the same spec and usage."""
    name = request["AliasName"]
    _check_name(name)
    record = _target(ctx, request["TargetKeyId"])
    with ctx.store.transaction() as txn:
        key = kstore.alias_key(ctx.account, ctx.region, name)
        alias = kstore.load(txn.get(key))
        if alias is None:
            raise alias_not_found(keys.alias_arn(ctx.region, ctx.account, name))
        current = kstore.load(txn.get(kstore.key_key(ctx.account, ctx.region, alias["target"])))
        if current is not None and (current["spec"], current["usage"]) != (record["spec"], record["usage"]):
            raise InvalidInput(
                f"{keys.arn(record)} is not the same key spec and key usage as the alias's current key "
                f"{keys.arn(current)}."
            )
        alias.update(target=record["id"], updated=ctx.clock.now())
        txn.put(key, kstore.dump(alias))
    return {}


def delete_alias(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Remove an alias (the key stays)."""
    name = request["AliasName"]
    if not name.startswith("alias/"):
        raise InvalidInput(
            "Alias must start with the prefix \"alias/\". Please see "
            "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html"
        )
    if name.lower().startswith(RESERVED):
        raise InvalidAliasNameException(f"Cannot delete alias with prefix '{RESERVED}'")
    if not ctx.store.delete(kstore.alias_key(ctx.account, ctx.region, name)):
        raise alias_not_found(keys.alias_arn(ctx.region, ctx.account, name))
    return {}


def list_aliases(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """The aliases of the account and Region, or of one key."""
    live_keys(ctx)  # the clock may have deleted keys, and their aliases with them
    only: str | None = None
    if request.get("KeyId"):
        only = keys.resolve(ctx, request["KeyId"])["id"]
    entries = []
    for key, raw in ctx.store.scan(prefix=kstore.aliases_prefix(ctx.account, ctx.region)):
        alias = kstore.load(raw)
        if only is not None and alias["target"] != only:
            continue
        name = key[-1]
        entries.append(
            {
                "AliasName": name,
                "AliasArn": keys.alias_arn(ctx.region, ctx.account, name),
                "TargetKeyId": alias["target"],
                "CreationDate": keys.when(alias["created"]),
                "LastUpdatedDate": keys.when(alias["updated"]),
            }
        )
    chosen, extra = page(entries, request, lambda e: e["AliasName"])
    return {"Aliases": chosen, **extra}

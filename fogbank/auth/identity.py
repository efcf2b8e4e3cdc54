"""What IAM enforcement knows about a caller: the ARNs resource policies may name, the policies in
force (identity, permissions boundary, session) and the global condition keys of its requests.

For an IAM user or a role session these come from IAM's records, so they are cached under the
account's IAM generation (``fogbank.services.iam.store.generation``), a token IAM replaces with
every change: a request after any IAM write sees the change, and every other request costs one
store read instead of loading and parsing the caller's policies again. Only the time keys
(``aws:CurrentTime``, ``aws:EpochTime``, ``aws:MultiFactorAuthAge``) and the region are filled
in per request.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fogbank.auth import principals
from fogbank.auth.policy import PolicySet
from fogbank.auth.policy.cache import parsed

# an account's root user is limited by no identity policy: it is allowed whatever a resource
# policy does not explicitly deny (and, for KMS keys, what the key policy allows)
ROOT_POLICY = ("root", parsed('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}'))
_KINDS = {"root": "Account", "user": "User", "assumed-role": "AssumedRole", "federated-user": "FederatedUser"}


@dataclass(frozen=True)
class CallerFacts:
    """Everything about a caller that does not change between its requests."""

    kind: str
    account: str
    arn: str
    arns: tuple[str, ...]
    policies: PolicySet
    context: Mapping[str, Any]
    mfa_time: float | None = None

    def condition_keys(self) -> frozenset[str]:
        """Every condition key the caller's own policies test, lowercased."""
        return _keys_of(self.policies)


def _keys_of(policies: PolicySet) -> frozenset[str]:
    found: set[str] = set()
    for group in (policies.identity or (), policies.boundaries or (), policies.sessions or ()):
        for _, policy in group:
            found |= policy.condition_keys
    return frozenset(found)


def _static_context(record: dict[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    kind = record.get("kind") or "root"
    context: dict[str, Any] = {
        "aws:PrincipalArn": record.get("role_arn") if kind == "assumed-role" else record["arn"],
        "aws:PrincipalAccount": record["account"],
        "aws:PrincipalType": _KINDS.get(kind, "Account"),
        "aws:userid": record["user_id"],
        "aws:PrincipalIsAWSService": "false",
    }
    if kind == "user":
        context["aws:username"] = record.get("user_name") or record["arn"].rsplit("/", 1)[1]
    if record.get("issued") is not None:
        context["aws:MultiFactorAuthPresent"] = "true" if record.get("mfa") else "false"
        context["aws:TokenIssueTime"] = datetime.fromtimestamp(record["issued"], UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if record.get("source_identity"):
        context["aws:SourceIdentity"] = record["source_identity"]
    for key, value in tags.items():
        context[f"aws:PrincipalTag/{key}"] = value
    return context


def _arns(record: dict[str, Any]) -> tuple[str, ...]:
    return (record["arn"],) + ((record["role_arn"],) if record.get("role_arn") else ())


@functools.lru_cache(maxsize=64)
def _root(account: str, user_id: str) -> CallerFacts:
    record = {"kind": "root", "account": account, "arn": f"arn:aws:iam::{account}:root", "user_id": user_id}
    return CallerFacts("root", account, record["arn"], (record["arn"],), PolicySet(identity=[ROOT_POLICY]),
                       _static_context(record, {}))


@functools.lru_cache(maxsize=512)
def _issued(store: Any, account: str, generation: bytes | None, access_key_id: str) -> CallerFacts | None:
    """The facts of an issued key's caller at one IAM generation (pure given the generation)."""
    from fogbank.services.iam import directory

    record = principals.lookup(store, access_key_id)
    if record is None:
        return None
    policies = directory.policies_of(store, record) or PolicySet(identity=[ROOT_POLICY])
    kind = record.get("kind") or "root"
    return CallerFacts(kind, record["account"], record["arn"], _arns(record), policies,
                       _static_context(record, directory.principal_tags_of(store, record)),
                       record.get("mfa_time") if record.get("mfa") else None)


def facts(store: Any, record: dict[str, Any] | None, access_key_id: str, account: str, user_id: str) -> CallerFacts:
    """The facts of the caller behind ``access_key_id`` (``record``: its issued-key record, None
    for an account's root)."""
    if record is None or record.get("kind") in ("root", None):
        return _root(account, user_id)
    from fogbank.services.iam import store as iam_store

    found = _issued(store, record["account"], iam_store.generation(store, record["account"]), access_key_id)
    if found is None:  # the key went away between authentication and now
        return CallerFacts(record.get("kind", "user"), record["account"], record["arn"], _arns(record),
                           PolicySet(identity=[]), _static_context(record, {}))
    return found


def request_context(caller: CallerFacts, now: float, region: str) -> dict[str, Any]:
    """The global condition keys of one request by ``caller`` at ``now`` in ``region``."""
    context = dict(caller.context)
    context["aws:CurrentTime"] = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    context["aws:EpochTime"] = str(int(now))
    context["aws:RequestedRegion"] = region
    if caller.mfa_time is not None:
        context["aws:MultiFactorAuthAge"] = str(int(now - caller.mfa_time))
    return context


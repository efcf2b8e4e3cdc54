"""What IAM enforcement reads about a resource: its resource policy (S3 bucket policy, SQS queue
policy, KMS key policy, Lambda function policy, IAM role trust policy), its tags for
``aws:ResourceTag/*`` and a KMS key's grants.

Policies and tags are read straight from each service's records through the small read functions
the services offer for this (one store read; parsing is cached by the document's text), never
through ``ctx.call``. Tags of DynamoDB tables and SSM parameters are fetched only when a policy in
force tests ``aws:ResourceTag/*``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from fogbank.auth.actions import Target
from fogbank.auth.policy import Policy
from fogbank.auth.policy.cache import parsed_or_none
from fogbank.context import Ctx
from fogbank.errors import ServiceError

Facts = tuple[str | None, dict[str, str] | None]


def _arn_parts(arn: str) -> list[str]:
    parts = arn.split(":", 6)
    return parts if len(parts) >= 6 else []


def _region_of(ctx: Ctx, name: str) -> str:
    parts = name.split(":")
    return parts[3] if len(parts) > 3 and parts[3] else ctx.region


def _facts(ctx: Ctx, kind: str, name: str, owner: str | None) -> Facts:
    """(policy text, tags) of the resource a target's policy entry names."""
    account = owner or ctx.account
    if kind == "s3":
        from fogbank.services.s3 import buckets

        try:
            return buckets.load(ctx, name).cfg("policy"), None
        except ServiceError:
            return None, None
    if kind == "iam-trust":
        from fogbank.services.iam import directory

        role = directory.role_by_arn(ctx, name)
        return (role["AssumeRolePolicyDocument"], {t["Key"]: t["Value"] for t in role.get("Tags") or []}) \
            if role else (None, None)
    if kind == "sqs":
        from fogbank.auth.actions.sqs import queue_arn
        from fogbank.services.sqs import queues

        parts = _arn_parts(queue_arn(ctx, name)[0])
        found = queues.access_facts(ctx.store, parts[4], parts[3], parts[5]) if parts else None
        return found or (None, None)
    if kind == "kms":
        from fogbank.services.kms import keys

        parts = _arn_parts(name)
        if not parts or not parts[5].startswith("key/"):
            return None, None
        found = keys.access_facts(ctx.store, parts[4], parts[3], parts[5][4:])
        return found or (None, None)
    if kind == "lambda":
        from fogbank.services.lambda_ import policies

        parts = name.split(":")
        if len(parts) < 7:
            return None, None
        qualifier = parts[7] if len(parts) > 7 else None
        found = policies.access_facts(ctx.store, parts[4] or account, parts[3] or ctx.region, parts[6], qualifier)
        return found or (None, None)
    return None, None


def resource_policy(ctx: Ctx, target: Target) -> tuple[list[tuple[str, Policy]], dict[str, str] | None]:
    """The resource policy that applies to ``target`` ([] when it has none) and the resource's
    tags when reading the policy gave them (None otherwise)."""
    if target.policy is None:
        return [], None
    kind, name = target.policy
    text, tags = _facts(ctx, kind, name, target.owner)
    if not text:
        return [], tags
    policy = parsed_or_none(text if isinstance(text, str) else json.dumps(text), "trust" if kind == "iam-trust" else "resource")
    return ([(f"{kind}-policy", policy)] if policy is not None else []), tags


def fetched_tags(ctx: Ctx, target: Target) -> dict[str, str]:
    """Tags of a resource whose policy read did not give them (DynamoDB tables, SSM parameters),
    asked of the service as fogbank itself (not as the caller)."""
    parts = _arn_parts(target.resource)
    if not parts:
        return {}
    service, region, account, rest = parts[2], parts[3], parts[4], ":".join(parts[5:])
    quiet = ctx.derive(account=account or ctx.account, region=region or ctx.region, principal=None, extras={})
    try:
        if service == "dynamodb" and rest.startswith("table/"):
            table = "/".join(rest.split("/")[:2])
            arn = f"arn:aws:dynamodb:{region}:{account}:{table}"
            found = quiet.call("dynamodb", "ListTagsOfResource", {"ResourceArn": arn}).get("Tags") or []
            return {t["Key"]: t["Value"] for t in found}
        if service == "ssm" and rest.startswith("parameter"):
            name = rest[len("parameter"):]
            found = quiet.call("ssm", "ListTagsForResource", {"ResourceType": "Parameter", "ResourceId": name})
            return {t["Key"]: t["Value"] for t in found.get("TagList") or []}
    except ServiceError:
        return {}
    return {}


def granted(ctx: Ctx, target: Target, caller_arns: Sequence[str]) -> bool:
    """Whether a KMS grant on the key gives the caller this operation (with its constraints)."""
    from fogbank.services.kms import keys

    operation = target.action.split(":", 1)[1]
    parts = _arn_parts(target.resource)
    if not parts or not parts[5].startswith("key/"):
        return False
    wanted = {k.split(":", 2)[2]: v for k, v in target.context.items() if k.startswith("kms:EncryptionContext:")}
    for grant in keys.grants_of(ctx.store, parts[4], parts[3], parts[5][4:]):
        if grant.get("GranteePrincipal") not in caller_arns or operation not in (grant.get("Operations") or []):
            continue
        constraints = grant.get("Constraints") or {}
        if "EncryptionContextEquals" in constraints and constraints["EncryptionContextEquals"] != wanted:
            continue
        subset = constraints.get("EncryptionContextSubset") or {}
        if any(wanted.get(k) != v for k, v in subset.items()):
            continue
        return True
    return False

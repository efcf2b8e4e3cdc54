"""Which IAM action and resource ARN(s) each implemented operation acts on, with its condition keys.

Each service has a table module here (``TABLE``, a ``Table``): the action is ``<prefix>:<Operation>``
unless the table renames it, and the resource comes from the first input member the table knows
how to turn into an ARN (``QueueUrl``, ``TableName``, ``Bucket``/``Key`` ...). An operation whose
input names nothing but paging and filtering acts on ``*`` (listing and account-level calls);
anything else without a rule has no entry, which a test catches for every implemented operation.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fogbank.context import Ctx
from fogbank.spec.loader import service_model


@dataclass(frozen=True)
class Target:
    """One authorisation question: may the caller do ``action`` on ``resource``?

    ``owner`` is the account that owns the resource when it is not the caller's (cross-account);
    ``context`` the operation's own condition keys; ``policy`` which resource policy applies
    (``("s3", bucket)``, ``("sqs", queue url)``, ``("kms", key arn)``, ``("lambda", function)``).
    """

    action: str
    resource: str = "*"
    owner: str | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    policy: tuple[str, str] | None = None


# an ARN builder: (ctx, member value, whole request) -> targets' (resource, owner, policy) triples
Builder = Callable[[Ctx, Any, dict[str, Any]], list[tuple[str, str | None, tuple[str, str] | None]]]

PAGING = frozenset({"Marker", "MaxItems", "NextToken", "MaxResults", "Limit", "nextToken", "limit", "maxResults",
                    "PathPrefix", "PaginationToken", "ExclusiveStartTableName", "ContinuationToken",
                    "StartAfter", "MaxRecords", "Position", "position", "Prefix", "prefix"})


@dataclass(frozen=True)
class Table:
    """A service's rules: IAM prefix, renamed actions, resource members and special operations."""

    prefix: str
    members: tuple[tuple[str, Builder], ...] = ()
    actions: Mapping[str, str] = field(default_factory=dict)
    global_ops: frozenset[str] = frozenset()
    filters: frozenset[str] = frozenset()
    # operations that need no permission at all (sts:GetCallerIdentity)
    free: frozenset[str] = frozenset()
    # operations computed entirely by a function of their own: (ctx, request) -> targets
    special: Mapping[str, Callable[[Ctx, dict[str, Any]], list[Target]]] = field(default_factory=dict)
    context: Callable[[Ctx, str, dict[str, Any]], dict[str, Any]] | None = None

    def action(self, operation: str) -> str:
        """The IAM action an operation is authorised as."""
        return self.actions.get(operation, f"{self.prefix}:{operation}")


_MODULES = {"s3": "s3", "sqs": "sqs", "dynamodb": "dynamodb", "dynamodbstreams": "dynamodb", "kms": "kms",
            "ssm": "ssm", "lambda": "lambda_", "iam": "iam", "sts": "iam", "logs": "logs",
            "cloudwatch": "cloudwatch", "apigateway": "apigateway", "secretsmanager": "secretsmanager",
            "sns": "sns", "events": "events", "kinesis": "kinesis"}


@functools.cache
def table_for(service: str) -> Table | None:
    """The rules of ``service``, or None when fogbank has none for it."""
    module = _MODULES.get(service)
    if module is None:
        return None
    tables = importlib.import_module(f"fogbank.auth.actions.{module}").TABLES
    return tables[service]


@functools.cache
def _input_members(service: str, operation: str) -> tuple[str, ...]:
    shape = service_model(service).operation_model(operation).input_shape
    return tuple(shape.members) if shape is not None else ()


@functools.cache
def has_entry(service: str, operation: str) -> bool:
    """Whether the tables say what ``service.operation`` acts on."""
    table = table_for(service)
    if table is None:
        return False
    if operation in table.free or operation in table.special or operation in table.global_ops:
        return True
    names = set(_input_members(service, operation))
    known = {name for name, _ in table.members}
    return bool(names & known) or not (names - PAGING - table.filters)


def free(service: str, operation: str) -> bool:
    """Whether the operation needs no permission (anyone signed may call it)."""
    table = table_for(service)
    return table is not None and operation in table.free


def targets(ctx: Ctx, service: str, operation: str, request: dict[str, Any]) -> list[Target]:
    """The authorisation questions a request asks ([] when none is needed)."""
    table = table_for(service)
    if table is None or operation in table.free:
        return []
    context = table.context(ctx, operation, request) if table.context is not None else {}
    if operation in table.special:
        found = table.special[operation](ctx, request)
        return [Target(t.action, t.resource, t.owner, {**context, **t.context}, t.policy) for t in found]
    action = table.action(operation)
    if operation not in table.global_ops:
        for name, build in table.members:
            value = request.get(name)
            if value is not None and value != "" and value != []:
                return [Target(action, arn, owner, context, policy) for arn, owner, policy in build(ctx, value, request)]
    return [Target(action, "*", None, context)]


def arn(service: str, region: str, account: str, resource: str) -> str:
    """``arn:aws:<service>:<region>:<account>:<resource>``."""
    return f"arn:aws:{service}:{region}:{account}:{resource}"


def request_tags(request: dict[str, Any], member: str = "Tags") -> dict[str, Any]:
    """``aws:RequestTag/<key>`` and ``aws:TagKeys`` from a request's tags (list of Key/Value or map)."""
    tags = request.get(member)
    if isinstance(tags, list):
        pairs = {t.get("Key") or t.get("key") or t.get("TagKey"): t.get("Value") or t.get("value") or t.get("TagValue", "")
                 for t in tags if isinstance(t, dict)}
    elif isinstance(tags, dict):
        pairs = dict(tags)
    else:
        return {}
    out: dict[str, Any] = {f"aws:RequestTag/{k}": str(v) for k, v in pairs.items() if k}
    if pairs:
        out["aws:TagKeys"] = [k for k in pairs if k]
    return out

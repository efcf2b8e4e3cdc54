"""Policy documents: JSON text to ``Policy``, validated with the messages AWS's IAM answers.

A document is checked for the place it will be used: identity policies (also permissions
boundaries and session policies) name no principal and need a resource; resource policies need a
principal; role trust policies need a principal and allow no resource.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from typing import Any

from fogbank.auth.policy.conditions import known_operator

VERSIONS = ("2008-10-17", "2012-10-17")
IDENTITY, RESOURCE, TRUST = "identity", "resource", "trust"

SYNTAX = "Syntax errors in policy."
_STATEMENT_FIELDS = {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource",
                     "NotResource", "Condition"}
_PRINCIPAL_KINDS = ("AWS", "Service", "Federated", "CanonicalUser")
_VENDOR = re.compile(r"^[a-zA-Z0-9-]+$")
_SID = re.compile(r"^[0-9A-Za-z]*$")
_AWS_PRINCIPAL = re.compile(
    r"^(\*|\d{12}|arn:aws[a-z-]*:iam::(\d{12}|aws):(root|user/.+|role/.+|federated-user/.+)"
    r"|arn:aws[a-z-]*:sts::\d{12}:(assumed-role/.+|federated-user/.+))$"
)


class MalformedPolicy(ValueError):
    """A document IAM would refuse; the message is AWS's."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Statement:
    """One statement, with every element normalised to tuples of strings."""

    effect: str
    sid: str | None = None
    actions: tuple[str, ...] | None = None
    not_actions: tuple[str, ...] | None = None
    resources: tuple[str, ...] | None = None
    not_resources: tuple[str, ...] | None = None
    principals: dict[str, tuple[str, ...]] | None = None
    not_principals: dict[str, tuple[str, ...]] | None = None
    conditions: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    index: int = 0


@dataclass(frozen=True)
class Policy:
    """A parsed policy document."""

    version: str
    statements: tuple[Statement, ...]
    id: str | None = None

    @functools.cached_property
    def condition_keys(self) -> frozenset[str]:
        """Every condition key the statements test, lowercased (computed once per document)."""
        return frozenset(key.lower() for statement in self.statements
                         for block in statement.conditions.values() for key in block)

    @property
    def substitutes_variables(self) -> bool:
        """Policy variables (``${aws:username}``) are replaced only in 2012-10-17 documents."""
        return self.version == "2012-10-17"


def parse(text: str | dict[str, Any], kind: str = IDENTITY) -> Policy:
    """Parse and validate ``text`` for use as a ``kind`` policy; raises ``MalformedPolicy``."""
    if isinstance(text, str):
        try:
            doc = json.loads(text)
        except ValueError:
            raise MalformedPolicy(SYNTAX) from None
    else:
        doc = text
    if not isinstance(doc, dict):
        raise MalformedPolicy(SYNTAX)
    if set(doc) - {"Version", "Id", "Statement"}:
        raise MalformedPolicy(SYNTAX)
    version = doc.get("Version", "2008-10-17")
    if version not in VERSIONS:
        raise MalformedPolicy("The policy failed legacy parsing")
    raw = doc.get("Statement")
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        raise MalformedPolicy(SYNTAX)
    statements = tuple(_statement(item, kind, i) for i, item in enumerate(raw))
    sids = [s.sid for s in statements if s.sid]
    if len(sids) != len(set(sids)):
        raise MalformedPolicy("Statement IDs (SID) in a single policy must be unique.")
    policy_id = doc.get("Id")
    return Policy(version=version, statements=statements, id=policy_id if isinstance(policy_id, str) else None)


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise MalformedPolicy(SYNTAX)


def _statement(raw: Any, kind: str, index: int) -> Statement:
    if not isinstance(raw, dict) or set(raw) - _STATEMENT_FIELDS:
        raise MalformedPolicy(SYNTAX)
    sid = raw.get("Sid")
    if sid is not None:
        if not isinstance(sid, str):
            raise MalformedPolicy(SYNTAX)
        if kind != RESOURCE and not _SID.match(sid):
            raise MalformedPolicy("Statement IDs (SID) must be alpha-numeric. Check that your input "
                                  "satisfies the regular expression [0-9A-Za-z]*")
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise MalformedPolicy(SYNTAX)
    for a, b in (("Action", "NotAction"), ("Resource", "NotResource"), ("Principal", "NotPrincipal")):
        if a in raw and b in raw:
            raise MalformedPolicy(SYNTAX)
    if "Action" not in raw and "NotAction" not in raw:
        raise MalformedPolicy("Policy statement must contain actions.")
    actions = _actions(raw["Action"]) if "Action" in raw else None
    not_actions = _actions(raw["NotAction"]) if "NotAction" in raw else None
    has_principal = "Principal" in raw or "NotPrincipal" in raw
    has_resource = "Resource" in raw or "NotResource" in raw
    if kind == IDENTITY:
        if has_principal:
            raise MalformedPolicy("Policy document should not specify a principal.")
        if not has_resource:
            raise MalformedPolicy("Policy statement must contain resources.")
    elif kind == TRUST:
        if has_resource:
            raise MalformedPolicy("Has prohibited field Resource")
        if not has_principal:
            raise MalformedPolicy("Missing required field Principal")
    elif kind == RESOURCE and not has_principal:
        raise MalformedPolicy("Missing required field Principal")
    resources = _resources(raw["Resource"]) if "Resource" in raw else None
    not_resources = _resources(raw["NotResource"]) if "NotResource" in raw else None
    principals = _principal(raw["Principal"]) if "Principal" in raw else None
    not_principals = _principal(raw["NotPrincipal"]) if "NotPrincipal" in raw else None
    conditions = _conditions(raw["Condition"]) if "Condition" in raw else {}
    return Statement(effect=effect, sid=sid, actions=actions, not_actions=not_actions, resources=resources,
                     not_resources=not_resources, principals=principals, not_principals=not_principals,
                     conditions=conditions, index=index)


def _actions(value: Any) -> tuple[str, ...]:
    actions = _strings(value)
    for action in actions:
        if action == "*":
            continue
        vendor, sep, _ = action.partition(":")
        if not sep:
            raise MalformedPolicy("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
        if not _VENDOR.match(vendor):
            raise MalformedPolicy(f"Vendor {vendor} is not valid")
    return actions


def _resources(value: Any) -> tuple[str, ...]:
    resources = _strings(value)
    for resource in resources:
        if resource != "*" and not (resource.startswith("arn:") and resource.count(":") >= 5):
            raise MalformedPolicy(f'Resource {resource} must be in ARN format or "*".')
    return resources


def _principal(value: Any) -> dict[str, tuple[str, ...]]:
    if value == "*":
        return {"*": ("*",)}
    if not isinstance(value, dict) or not value:
        raise MalformedPolicy(SYNTAX)
    out: dict[str, tuple[str, ...]] = {}
    for key, raw in value.items():
        names = _strings(raw)
        if key not in _PRINCIPAL_KINDS:
            raise MalformedPolicy(f'Invalid principal in policy: "{key}":"{names[0]}"')
        if key == "AWS":
            for name in names:
                if not _AWS_PRINCIPAL.match(name):
                    raise MalformedPolicy(f'Invalid principal in policy: "AWS":"{name}"')
        out[key] = names
    return out


def _conditions(value: Any) -> dict[str, dict[str, tuple[str, ...]]]:
    if not isinstance(value, dict):
        raise MalformedPolicy(SYNTAX)
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for operator, block in value.items():
        if not known_operator(operator):
            raise MalformedPolicy(f"Invalid Condition type : {operator}")
        if not isinstance(block, dict) or not block:
            raise MalformedPolicy(SYNTAX)
        keys: dict[str, tuple[str, ...]] = {}
        for key, raw in block.items():
            if ":" not in key:
                raise MalformedPolicy("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
            values = raw if isinstance(raw, list) else [raw]
            if not values:
                raise MalformedPolicy(SYNTAX)
            keys[key] = tuple(_condition_value(v) for v in values)
        out[operator] = keys
    return out


def _condition_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise MalformedPolicy(SYNTAX)

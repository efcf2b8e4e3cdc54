"""AWS's policy evaluation logic: an explicit deny anywhere wins; otherwise something must allow.

Within one account a request is allowed when an identity policy or a resource policy allows it,
and every permissions boundary and session policy in force allows it too (a resource policy that
names the calling user or session directly is not limited by them). A resource statement that
names only the account (``arn:aws:iam::ACCOUNT:root`` or the bare account id) delegates to the
account: it allows its root user itself, but any other caller of that account also needs an
identity policy that allows. Across accounts both the caller's identity policies and the
resource's policy must allow. A KMS key policy (``PolicySet.key_policy``) must allow even within
the account, directly or by delegating to the account. Nothing that allows is an implicit deny.

When ``PolicySet.identity`` is None the caller's identity policies are not part of the
evaluation (a role trust check made by STS, whose caller IAM enforcement authorises on its own):
a statement naming the caller's account then allows as it would once the account's policies did.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from fogbank.auth.policy.conditions import ContextValue, conditions_hold
from fogbank.auth.policy.document import Policy, Statement
from fogbank.auth.policy.matching import (
    action_matches,
    arn_matches,
    glob_match,
    single_value_lookup,
    substitute,
)

ALLOWED, EXPLICIT_DENY, IMPLICIT_DENY = "allowed", "explicitDeny", "implicitDeny"


@dataclass(frozen=True)
class Caller:
    """Who makes a request, as resource and trust policies' ``Principal`` elements see it.

    ``arns`` are the ARNs the caller is known by (an assumed-role session: its session ARN and
    its role's ARN; an account's root user: ``arn:aws:iam::ACCOUNT:root``); ``direct`` are those a
    resource policy may name to bypass boundaries.
    """

    account: str = ""
    arns: tuple[str, ...] = ()
    direct: tuple[str, ...] = ()
    service: str | None = None
    federated: str | None = None


@dataclass(frozen=True)
class Request:
    """One action on one resource, with its request context (condition keys -> values)."""

    action: str
    resource: str = "*"
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    caller: Caller = field(default_factory=Caller)
    resource_account: str | None = None


@dataclass
class PolicySet:
    """Everything in force for a request: each entry is (policy id, policy).

    ``boundaries`` and ``sessions`` are None when none is in force (an empty list would deny all);
    ``identity`` is None when identity policies are not evaluated here (see the module docstring).
    ``key_policy``: the resource policy is a KMS key policy, without whose allow nothing is allowed.
    """

    identity: Sequence[tuple[str, Policy]] | None = None
    resource: Sequence[tuple[str, Policy]] = ()
    boundaries: Sequence[tuple[str, Policy]] | None = None
    sessions: Sequence[tuple[str, Policy]] | None = None
    key_policy: bool = False


@dataclass(frozen=True)
class Match:
    """A statement that applied to the request."""

    policy_id: str
    policy_type: str
    statement: Statement


@dataclass
class Decision:
    """The answer: ``allowed``, ``explicitDeny`` or ``implicitDeny``, with the statements that decided it."""

    decision: str
    matched: list[Match] = field(default_factory=list)
    allowed_by_boundary: bool | None = None
    # what an implicit deny lacked: "identity", "boundary", "session" or "resource"
    missing: str | None = None

    @property
    def allowed(self) -> bool:
        """Whether the request may go ahead."""
        return self.decision == ALLOWED


def _lookup(context: Mapping[str, ContextValue]):
    lowered = {k.lower(): v for k, v in context.items()}
    return lambda key: lowered.get(key.lower())


def principal_match(element: Mapping[str, Sequence[str]], caller: Caller) -> str | None:
    """How a ``Principal`` element names ``caller``: ``"direct"`` (its ARN, ``*``, its service or
    identity provider), ``"account"`` (only through its account: delegation) or None."""
    found = None
    for kind, names in element.items():
        for name in names:
            if kind == "*" or (kind == "AWS" and name == "*"):
                return "direct"
            if kind == "AWS":
                if any(arn_matches(name, arn) for arn in caller.arns):
                    return "direct"
                if caller.account and (name == caller.account or (
                        name.endswith(":root") and name.count(":") == 5 and name.split(":")[4] == caller.account)):
                    root = f"arn:aws:iam::{caller.account}:root"
                    if root in caller.arns:
                        return "direct"
                    found = "account"
            elif kind == "Service" and caller.service and glob_match(name, caller.service, ignore_case=True):
                return "direct"
            elif kind == "Federated" and caller.federated and name == caller.federated:
                return "direct"
    return found


def principal_matches(element: Mapping[str, Sequence[str]], caller: Caller) -> bool:
    """Whether a ``Principal`` element names ``caller`` (directly or through its account)."""
    return principal_match(element, caller) is not None


def _names_directly(element: Mapping[str, Sequence[str]], caller: Caller) -> bool:
    return any(name in caller.direct for names in element.values() for name in names)


def statement_applies(statement: Statement, policy: Policy, request: Request, with_principal: bool) -> bool:
    """Whether ``statement`` covers ``request`` (action, resource, principal and conditions)."""
    if statement.actions is not None:
        if not any(action_matches(a, request.action) for a in statement.actions):
            return False
    elif statement.not_actions is not None and any(action_matches(a, request.action) for a in statement.not_actions):
        return False
    resolve = single_value_lookup(request.context) if policy.substitutes_variables else None
    if statement.resources is not None:
        if not any(_resource_matches(r, request.resource, resolve) for r in statement.resources):
            return False
    elif statement.not_resources is not None:
        if any(_resource_matches(r, request.resource, resolve) for r in statement.not_resources):
            return False
    if with_principal:
        if statement.principals is not None and not principal_matches(statement.principals, request.caller):
            return False
        if statement.not_principals is not None and principal_matches(statement.not_principals, request.caller):
            return False
    if statement.conditions:
        variables = (lambda text: substitute(text, resolve)) if resolve is not None else None
        return conditions_hold(statement.conditions, _lookup(request.context), variables)
    return True


def _resource_matches(pattern: str, resource: str, resolve) -> bool:
    if resolve is not None:
        pattern = substitute(pattern, resolve)
        if pattern is None:
            return False
    return arn_matches(pattern, resource)


@dataclass
class _Scan:
    allow: list[Match] = field(default_factory=list)
    deny: list[Match] = field(default_factory=list)


def _scan(policies: Sequence[tuple[str, Policy]], kind: str, request: Request, with_principal: bool) -> _Scan:
    out = _Scan()
    for policy_id, policy in policies:
        for statement in policy.statements:
            if statement_applies(statement, policy, request, with_principal):
                (out.allow if statement.effect == "Allow" else out.deny).append(Match(policy_id, kind, statement))
    return out


def _delegated(match: Match, caller: Caller) -> bool:
    principals = match.statement.principals
    return principals is not None and principal_match(principals, caller) == "account"


def evaluate(policies: PolicySet, request: Request) -> Decision:
    """Decide ``request`` against ``policies`` by AWS's evaluation logic."""
    identity = _scan(policies.identity or (), "IAM Policy", request, False)
    resource = _scan(policies.resource, "Resource Policy", request, True)
    boundary = _scan(policies.boundaries, "Permissions Boundary Policy", request, False) \
        if policies.boundaries is not None else None
    session = _scan(policies.sessions, "Session Policy", request, False) if policies.sessions is not None else None
    denies = identity.deny + resource.deny + (boundary.deny if boundary else []) + (session.deny if session else [])
    boundary_ok = None if boundary is None else bool(boundary.allow) and not boundary.deny
    if denies:
        return Decision(EXPLICIT_DENY, denies, boundary_ok)
    caller = request.caller
    limits_missing = "boundary" if boundary is not None and not boundary.allow else \
        "session" if session is not None and not session.allow else None
    cross_account = request.resource_account is not None and request.resource_account != caller.account
    lenient = policies.identity is None
    delegated = [m for m in resource.allow if _delegated(m, caller)]
    named = [m for m in resource.allow if m not in delegated]
    direct = [m for m in named if m.statement.principals and _names_directly(m.statement.principals, caller)]
    identity_ok = bool(identity.allow) and limits_missing is None
    missing: str | None = None
    if cross_account or policies.key_policy:
        # the resource's policy must allow, by naming the caller or delegating to its account;
        # a delegation counts once the account's own policies allow too
        if direct and not cross_account:
            allowed, matched = True, direct
        elif named and not cross_account:
            allowed, matched = limits_missing is None, named
            missing = limits_missing
        else:
            has_identity = lenient or identity_ok
            allowed = bool(resource.allow) and has_identity
            matched = identity.allow + resource.allow
            missing = ("identity" if not identity.allow else limits_missing) if not has_identity else \
                None if resource.allow else "resource"
    elif direct:
        allowed, matched = True, direct
    else:
        resource_ok = bool(named) or (lenient and bool(delegated))
        allowed = (identity_ok or resource_ok) and limits_missing is None
        matched = identity.allow + (resource.allow if allowed and identity.allow else named if resource_ok else [])
        missing = limits_missing if (identity.allow or resource_ok) else "identity"
    if allowed:
        extra = (boundary.allow if boundary else []) + (session.allow if session else [])
        return Decision(ALLOWED, matched + extra, boundary_ok)
    return Decision(IMPLICIT_DENY, [], boundary_ok, missing or "identity")

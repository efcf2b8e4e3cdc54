"""The IAM policy simulator: SimulatePrincipalPolicy (a user's, group's or role's own policies,
plus any given) and SimulateCustomPolicy (only the given policies), decided by fogbank's policy
engine for every action and resource asked about, and the context keys policies refer to."""

from __future__ import annotations

from typing import Any

from fogbank.auth.policy import MalformedPolicy, Policy, PolicySet, Request, evaluate, parse
from fogbank.auth.policy.evaluate import Caller
from fogbank.auth.policy.positions import statement_spans
from fogbank.context import Ctx
from fogbank.services.iam import store
from fogbank.services.iam.errors import InvalidInputException, NoSuchEntityException
from fogbank.services.iam.paging import page
from fogbank.services.iam.policies import find_policy

_LIST_TYPES = ("stringList", "numericList", "booleanList", "ipList", "binaryList", "dateList")


class _Source:
    """Policies gathered for a simulation: parsed documents with their ids, types and texts."""

    def __init__(self) -> None:
        self.identity: list[tuple[str, Policy]] = []
        self.boundaries: list[tuple[str, Policy]] | None = None
        self.resource: list[tuple[str, Policy]] = []
        self.types: dict[str, str] = {}
        self.texts: dict[str, str] = {}

    def add(self, target: list[tuple[str, Policy]], policy_id: str, kind: str, text: str, doc_kind: str) -> None:
        try:
            policy = parse(text, doc_kind)
        except MalformedPolicy as exc:
            raise InvalidInputException(exc.message) from None
        target.append((policy_id, policy))
        self.types[policy_id] = kind
        self.texts[policy_id] = text


def _managed(ctx: Ctx, source: _Source, target: list[tuple[str, Policy]], arn: str) -> None:
    policy = find_policy(ctx.store, ctx.account, arn)
    if policy is None:
        return
    text = policy["_versions"][policy["DefaultVersionId"]]["Document"]
    kind = "aws-managed" if arn.startswith("arn:aws:iam::aws:") else "user-managed"
    source.add(target, policy["PolicyName"], kind, text, "identity")


def _entity_policies(ctx: Ctx, source: _Source, kind: str, record: dict[str, Any]) -> None:
    for name, text in record["_inline"].items():
        source.add(source.identity, name, kind, text, "identity")
    for arn in record["_attached"]:
        _managed(ctx, source, source.identity, arn)


def _context(entries: list[dict[str, Any]] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for entry in entries or []:
        values = entry.get("ContextKeyValues") or []
        many = entry.get("ContextKeyType") in _LIST_TYPES
        out[entry["ContextKeyName"]] = list(values) if many else (values[0] if values else None)
    return {k: v for k, v in out.items() if v is not None}


def _condition_keys(policies: list[Policy]) -> list[str]:
    keys: dict[str, None] = {}
    for policy in policies:
        for statement in policy.statements:
            for block in statement.conditions.values():
                for key in block:
                    keys.setdefault(key, None)
    return list(keys)


def _simulate(ctx: Ctx, source: _Source, request: dict[str, Any], caller: Caller) -> dict[str, Any]:
    context = _context(request.get("ContextEntries"))
    lowered = {k.lower() for k in context}
    resources = request.get("ResourceArns") or ["*"]
    owner = request.get("ResourceOwner")
    results = []
    for action in request["ActionNames"]:
        for resource in resources:
            decision = evaluate(
                PolicySet(identity=source.identity, resource=source.resource, boundaries=source.boundaries),
                Request(action, resource, context, caller,
                        resource_account=owner.split(":")[4] if owner and owner.count(":") >= 4 else None),
            )
            matched = []
            for m in decision.matched:
                spans = statement_spans(source.texts.get(m.policy_id, ""))
                entry: dict[str, Any] = {"SourcePolicyId": m.policy_id,
                                         "SourcePolicyType": source.types.get(m.policy_id, "none")}
                if m.statement.index < len(spans):
                    (l1, c1), (l2, c2) = spans[m.statement.index]
                    entry["StartPosition"] = {"Line": l1, "Column": c1}
                    entry["EndPosition"] = {"Line": l2, "Column": c2}
                matched.append(entry)
            everything = [p for _, p in [*source.identity, *source.resource, *(source.boundaries or [])]]
            missing = [k for k in _condition_keys(everything) if k.lower() not in lowered]
            result: dict[str, Any] = {"EvalActionName": action, "EvalResourceName": resource,
                                      "EvalDecision": decision.decision, "MatchedStatements": matched,
                                      "MissingContextValues": missing}
            if decision.allowed_by_boundary is not None:
                result["PermissionsBoundaryDecisionDetail"] = {
                    "AllowedByPermissionsBoundary": decision.allowed_by_boundary}
            if source.resource:
                result["EvalDecisionDetails"] = {"IAM Policy": decision.decision}
            results.append(result)
    numbered = list(enumerate(results))
    out = page(numbered, request, lambda item: f"{item[0]:08d}", "EvaluationResults")
    out["EvaluationResults"] = [r for _, r in out["EvaluationResults"]]
    return out


class Simulator:
    """Policy simulation operations."""

    def _principal_source(self, ctx: Ctx, arn: str) -> tuple[_Source, Caller]:
        parts = arn.split(":", 5)
        kind = parts[5].split("/", 1)[0] if len(parts) == 6 else ""
        name = arn.rsplit("/", 1)[-1]
        record = store.load(ctx.store, ctx.account, kind, name) if kind in ("user", "group", "role") else None
        if record is None or record["Arn"] != arn:
            raise NoSuchEntityException(f"The {kind or 'entity'} with name {name} cannot be found." if kind
                                        else f"PolicySourceArn {arn} is not valid.")
        source = _Source()
        _entity_policies(ctx, source, kind, record)
        if kind == "user":
            for group_name in record["_groups"]:
                group = store.load(ctx.store, ctx.account, "group", group_name)
                if group is not None:
                    _entity_policies(ctx, source, "group", group)
        if record.get("PermissionsBoundary"):
            source.boundaries = []
            _managed(ctx, source, source.boundaries, record["PermissionsBoundary"]["PermissionsBoundaryArn"])
        return source, Caller(account=ctx.account, arns=(arn,), direct=(arn,))

    def _extra(self, source: _Source, request: dict[str, Any]) -> None:
        for i, text in enumerate(request.get("PolicyInputList") or [], 1):
            source.add(source.identity, f"PolicyInputList.{i}", "none", text, "identity")
        given = request.get("PermissionsBoundaryPolicyInputList")
        if given:
            source.boundaries = []
            for i, text in enumerate(given, 1):
                source.add(source.boundaries, f"PermissionsBoundaryPolicyInputList.{i}", "none", text, "identity")
        if request.get("ResourcePolicy"):
            source.add(source.resource, "ResourcePolicy", "resource", request["ResourcePolicy"], "resource")

    def simulate_principal_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """How a user's, group's or role's policies decide the given actions on the given resources."""
        source, caller = self._principal_source(ctx, request["PolicySourceArn"])
        self._extra(source, request)
        if request.get("CallerArn"):
            caller = Caller(account=ctx.account, arns=(request["CallerArn"],), direct=(request["CallerArn"],))
        return _simulate(ctx, source, request, caller)

    def simulate_custom_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """How the given policies alone decide the given actions on the given resources."""
        source = _Source()
        self._extra(source, request)
        arn = request.get("CallerArn") or f"arn:aws:iam::{ctx.account}:user/simulated"
        return _simulate(ctx, source, request, Caller(account=ctx.account, arns=(arn,), direct=(arn,)))

    def get_context_keys_for_custom_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """The condition keys the given policies refer to."""
        source = _Source()
        for i, text in enumerate(request["PolicyInputList"], 1):
            source.add(source.identity, f"PolicyInputList.{i}", "none", text, "identity")
        return {"ContextKeyNames": _condition_keys([p for _, p in source.identity])}

    def get_context_keys_for_principal_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """The condition keys a principal's policies (and any given) refer to."""
        source, _ = self._principal_source(ctx, request["PolicySourceArn"])
        for i, text in enumerate(request.get("PolicyInputList") or [], 1):
            source.add(source.identity, f"PolicyInputList.{i}", "none", text, "identity")
        return {"ContextKeyNames": _condition_keys([p for _, p in source.identity])}

    def list_policies_granting_service_access(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Which of a user's, group's or role's policies allow some action of each service named."""
        arn = request["Arn"]
        parts = arn.split(":", 5)
        kind = parts[5].split("/", 1)[0] if len(parts) == 6 else ""
        record = store.load(ctx.store, ctx.account, kind, arn.rsplit("/", 1)[-1]) \
            if kind in ("user", "group", "role") else None
        if record is None or record["Arn"] != arn:
            raise NoSuchEntityException(f"The entity with ARN {arn} cannot be found.")
        owners = [(kind, record)]
        if kind == "user":
            owners += [("group", g) for g in (store.load(ctx.store, ctx.account, "group", n)
                                              for n in record["_groups"]) if g is not None]
        found: list[tuple[dict[str, Any], Policy]] = []
        for owner_kind, owner in owners:
            name = owner[{"user": "UserName", "group": "GroupName", "role": "RoleName"}[owner_kind]]
            for policy_name, text in owner["_inline"].items():
                found.append(({"PolicyName": policy_name, "PolicyType": "INLINE", "EntityType": owner_kind.upper(),
                               "EntityName": name}, parse(text)))
            for policy_arn in owner["_attached"]:
                policy = find_policy(ctx.store, ctx.account, policy_arn)
                if policy is not None:
                    found.append(({"PolicyName": policy["PolicyName"], "PolicyType": "MANAGED",
                                   "PolicyArn": policy_arn},
                                  parse(policy["_versions"][policy["DefaultVersionId"]]["Document"])))
        out = []
        for namespace in request["ServiceNamespaces"]:
            policies = [entry for entry, policy in found if _grants(policy, namespace)]
            unique = list({repr(sorted(p.items())): p for p in policies}.values())
            out.append({"ServiceNamespace": namespace, "Policies": unique})
        return {"PoliciesGrantingServiceAccess": out, "IsTruncated": False}


def _grants(policy: Policy, namespace: str) -> bool:
    """Whether some Allow statement of ``policy`` can allow an action of ``namespace``."""
    for statement in policy.statements:
        if statement.effect != "Allow":
            continue
        if statement.actions is not None:
            if any(a == "*" or a.split(":", 1)[0].lower() in (namespace.lower(), "*") for a in statement.actions):
                return True
        elif statement.not_actions is not None:
            if not any(a == "*" or a.lower() == f"{namespace.lower()}:*" for a in statement.not_actions):
                return True
    return False

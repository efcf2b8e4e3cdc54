"""Account-wide IAM: the account alias, the summary of entity counts and quotas, and
GetAccountAuthorizationDetails (every user, group, role and policy with their policies)."""

from __future__ import annotations

import re
from typing import Any

from fogbank.context import Ctx
from fogbank.services.iam import store
from fogbank.services.iam.errors import NoSuchEntityException, validation
from fogbank.services.iam.paging import page
from fogbank.services.iam.policies import (
    INLINE_SIZE,
    MANAGED_SIZE,
    MAX_MANAGED_PER_ENTITY,
    MAX_POLICIES,
    MAX_VERSIONS,
    attachments,
    encoded,
    find_policy,
    policy_view,
    version_view,
)
from fogbank.services.iam.roles import MAX_INSTANCE_PROFILES, MAX_ROLES, TRUST_SIZE, role_view
from fogbank.services.iam.users import MAX_GROUPS, MAX_GROUPS_PER_USER, MAX_USERS

_ALIAS = re.compile(r"^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$")
_FILTERS = ("User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy")


def _attached(ctx: Ctx, record: dict[str, Any]) -> list[dict[str, str]]:
    out = []
    for arn in record["_attached"]:
        policy = find_policy(ctx.store, ctx.account, arn)
        if policy is not None:
            out.append({"PolicyName": policy["PolicyName"], "PolicyArn": arn})
    return out


def _inline(record: dict[str, Any]) -> list[dict[str, str]]:
    return [{"PolicyName": name, "PolicyDocument": encoded(doc)} for name, doc in sorted(record["_inline"].items())]


class Account:
    """Account alias, summary and authorization details."""

    def create_account_alias(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Give the account its (one) alias, replacing any earlier one."""
        alias = request["AccountAlias"]
        if not _ALIAS.match(alias):
            raise validation(f"1 validation error detected: Value '{alias}' at 'accountAlias' failed to satisfy "
                             f"constraint: Member must satisfy regular expression pattern: {_ALIAS.pattern}")
        store.save(ctx.store, ctx.account, "account", "alias", {"alias": request["AccountAlias"]})
        return {}

    def delete_account_alias(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Remove the account's alias."""
        current = store.load(ctx.store, ctx.account, "account", "alias")
        if current is None or current["alias"] != request["AccountAlias"]:
            raise NoSuchEntityException(f"The account alias {request['AccountAlias']} cannot be found.")
        store.remove(ctx.store, ctx.account, "account", "alias")
        return {}

    def list_account_aliases(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """The account's alias, if it has one."""
        current = store.load(ctx.store, ctx.account, "account", "alias")
        return {"AccountAliases": [current["alias"]] if current else [], "IsTruncated": False}

    def set_security_token_service_preferences(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Choose the version of tokens the global STS endpoint issues (v1Token or v2Token)."""
        store.save(ctx.store, ctx.account, "account", "sts-preferences",
                   {"version": request["GlobalEndpointTokenVersion"]})
        return {}

    def get_account_summary(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """How many of each entity the account has, and its quotas."""
        count = lambda kind: ctx.store.count(store.prefix(ctx.account, kind))  # noqa: E731
        policies = list(store.records(ctx.store, ctx.account, "policy"))
        devices = list(store.records(ctx.store, ctx.account, "mfa"))
        summary = {
            "Users": count("user"), "UsersQuota": MAX_USERS, "Groups": count("group"), "GroupsQuota": MAX_GROUPS,
            "Roles": count("role"), "RolesQuota": MAX_ROLES, "Policies": len(policies), "PoliciesQuota": MAX_POLICIES,
            "InstanceProfiles": count("profile"), "InstanceProfilesQuota": MAX_INSTANCE_PROFILES,
            "ServerCertificates": count("cert"), "ServerCertificatesQuota": 20,
            "MFADevices": len(devices), "MFADevicesInUse": sum(1 for d in devices if d.get("UserName")),
            "AccountMFAEnabled": 0, "AccountAccessKeysPresent": 0, "AccountSigningCertificatesPresent": 0,
            "AccessKeysPerUserQuota": 2, "GroupsPerUserQuota": MAX_GROUPS_PER_USER,
            "AttachedPoliciesPerUserQuota": MAX_MANAGED_PER_ENTITY,
            "AttachedPoliciesPerGroupQuota": MAX_MANAGED_PER_ENTITY,
            "AttachedPoliciesPerRoleQuota": MAX_MANAGED_PER_ENTITY,
            "PolicySizeQuota": MANAGED_SIZE, "VersionsPerPolicyQuota": MAX_VERSIONS,
            "PolicyVersionsInUse": sum(len(p["_versions"]) for p in policies), "PolicyVersionsInUseQuota": 10000,
            "UserPolicySizeQuota": INLINE_SIZE["user"], "GroupPolicySizeQuota": INLINE_SIZE["group"],
            "RolePolicySizeQuota": INLINE_SIZE["role"], "AssumeRolePolicySizeQuota": TRUST_SIZE,
            "Providers": count("oidc") + count("saml"),
            "GlobalEndpointTokenVersion": 2 if (store.load(ctx.store, ctx.account, "account", "sts-preferences")
                                                or {}).get("version") == "v2Token" else 1,
        }
        return {"SummaryMap": summary}

    def get_account_authorization_details(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Every user, group, role and managed policy (as filtered), with their policies, a page at a time."""
        wanted = set(request.get("Filter") or _FILTERS)
        attached, boundaries = attachments(ctx.store, ctx.account)
        rows: list[tuple[str, str, dict[str, Any]]] = []
        if "User" in wanted:
            for r in store.records(ctx.store, ctx.account, "user"):
                item = store.public(r)
                item.update(UserPolicyList=_inline(r), GroupList=list(r["_groups"]),
                            AttachedManagedPolicies=_attached(ctx, r))
                rows.append(("1", r["UserName"].lower(), ("UserDetailList", item)))
        if "Group" in wanted:
            for r in store.records(ctx.store, ctx.account, "group"):
                item = store.public(r)
                item.update(GroupPolicyList=_inline(r), AttachedManagedPolicies=_attached(ctx, r))
                rows.append(("2", r["GroupName"].lower(), ("GroupDetailList", item)))
        if "Role" in wanted:
            profiles = list(store.records(ctx.store, ctx.account, "profile"))
            for r in store.records(ctx.store, ctx.account, "role"):
                item = role_view(r)
                lowered = r["RoleName"].lower()
                item.update(
                    RolePolicyList=_inline(r), AttachedManagedPolicies=_attached(ctx, r),
                    InstanceProfileList=[{**store.public(p), "Roles": [role_view(r, listing=True)]}
                                         for p in profiles if lowered in (n.lower() for n in p["Roles"])])
                rows.append(("3", lowered, ("RoleDetailList", item)))
        managed: list[dict[str, Any]] = []
        if "LocalManagedPolicy" in wanted:
            managed.extend(store.records(ctx.store, ctx.account, "policy"))
        if "AWSManagedPolicy" in wanted:
            managed.extend(p for arn in attached if arn.startswith("arn:aws:iam::aws:")
                           for p in [find_policy(ctx.store, ctx.account, arn)] if p is not None)
        for p in managed:
            item = policy_view(p, len(attached.get(p["Arn"], [])), boundaries.get(p["Arn"], 0))
            item["PolicyVersionList"] = [version_view(p, v) for v in sorted(p["_versions"], key=lambda v: int(v[1:]))]
            rows.append(("4", p["PolicyName"].lower() + "\0" + p["Arn"], ("Policies", item)))
        out = page(rows, request, lambda row: row[0] + "\0" + row[1], "_rows")
        result: dict[str, Any] = {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}
        for _, _, (field, item) in out.pop("_rows"):
            result[field].append(item)
        result.update(out)
        return result

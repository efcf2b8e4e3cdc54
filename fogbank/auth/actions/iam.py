"""IAM and STS: user, group, role, policy, instance profile and provider ARNs (with the entity's
real path when it exists); ``sts:AssumeRole*`` act on the role, GetCallerIdentity needs nothing."""

from __future__ import annotations

from typing import Any

from fogbank.auth.actions import Table, request_tags
from fogbank.context import Ctx


def _entity(kind: str):
    def build(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
        from fogbank.services.iam import store

        record = store.load(ctx.store, ctx.account, kind, value) if kind in store.NAMED_KINDS else None
        if record and record.get("Arn"):
            return [(record["Arn"], None, None)]
        label = {"profile": "instance-profile", "cert": "server-certificate"}.get(kind, kind)
        path = request.get("Path") or "/"
        return [(f"arn:aws:iam::{ctx.account}:{label}{path}{value}", None, None)]
    return build


def _as_is(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    return [(value, value.split(":")[4] if value.count(":") >= 5 else None, None)]


def _mfa(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    return [(value if value.startswith("arn:") else f"arn:aws:iam::{ctx.account}:mfa/{value}", None, None)]


def _context(ctx: Ctx, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    out = request_tags(request)
    if request.get("PolicyArn"):
        out["iam:PolicyARN"] = request["PolicyArn"]
    if request.get("PermissionsBoundary"):
        out["iam:PermissionsBoundary"] = request["PermissionsBoundary"]
    return out


def _role(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    return [(value, value.split(":")[4] if value.count(":") >= 5 else None, ("iam-trust", value))]


def _sts_context(ctx: Ctx, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    out = request_tags(request)
    if request.get("RoleSessionName"):
        out["sts:RoleSessionName"] = request["RoleSessionName"]
    if request.get("ExternalId") is not None:
        out["sts:ExternalId"] = request["ExternalId"]
    if request.get("SourceIdentity"):
        out["sts:SourceIdentity"] = request["SourceIdentity"]
    return out


TABLES = {
    "iam": Table(
        prefix="iam",
        members=(("UserName", _entity("user")), ("RoleName", _entity("role")), ("GroupName", _entity("group")),
                 ("InstanceProfileName", _entity("profile")), ("PolicyArn", _as_is), ("PolicyName", _entity("policy")),
                 ("ServerCertificateName", _entity("cert")), ("SAMLProviderArn", _as_is),
                 ("OpenIDConnectProviderArn", _as_is), ("SerialNumber", _mfa), ("VirtualMFADeviceName", _mfa),
                 ("PolicySourceArn", _as_is), ("Arn", _as_is), ("AccessKeyId", lambda c, v, r: [("*", None, None)]),
                 ("AWSServiceName", lambda c, v, r: [(f"arn:aws:iam::{c.account}:role/aws-service-role/{v}/*",
                                                      None, None)])),
        global_ops=frozenset({"CreateOpenIDConnectProvider", "CreateSAMLProvider", "SimulateCustomPolicy",
                              "GetServiceLinkedRoleDeletionStatus"}),
        filters=frozenset({"Scope", "OnlyAttached", "PolicyUsageFilter", "Filter", "EntityFilter", "AssignmentStatus",
                           "Path", "AccountAlias", "PasswordPolicy", "MinimumPasswordLength", "RequireSymbols",
                           "RequireNumbers", "RequireUppercaseCharacters", "RequireLowercaseCharacters",
                           "AllowUsersToChangePassword", "MaxPasswordAge", "PasswordReusePrevention",
                           "HardExpiry", "ServiceNamespaces", "GlobalEndpointTokenVersion", "ActionNames",
                           "PolicyInputList", "ResourceArns", "ResourcePolicy", "ResourceOwner", "CallerArn",
                           "ContextEntries", "ResourceHandlingOption", "PermissionsBoundaryPolicyInputList",
                           "ReportId", "JobId", "OrganizationsPolicyId", "Granularity", "EntityPath", "SortKey",
                           "PolicyDocument", "Description", "Tags", "Url", "ClientIDList", "ThumbprintList",
                           "SAMLMetadataDocument", "Name", "Features", "OldPassword", "NewPassword"}),
        context=_context,
    ),
    "sts": Table(
        prefix="sts",
        members=(("RoleArn", _role),
                 ("Name", lambda c, v, r: [(f"arn:aws:sts::{c.account}:federated-user/{v}", None, None)])),
        # GetCallerIdentity needs no permission; web identity and SAML callers are not signed at all
        free=frozenset({"GetCallerIdentity", "GetSessionToken", "AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"}),
        filters=frozenset({"Policy", "PolicyArns", "DurationSeconds", "SerialNumber", "TokenCode", "Tags",
                           "EncodedMessage", "AccessKeyId"}),
        context=_sts_context,
    ),
}

"""STS: who the caller is, and temporary credentials that fogbank recognises on later requests.

AssumeRole checks the role's trust policy with fogbank's policy engine; GetSessionToken checks
MFA codes against the user's device on fogbank's clock; every session expires on that clock.
Web identity tokens and SAML assertions are handled in ``federation``, sessions in ``sessions``.

LIMITATIONS: the caller's own identity policies are not consulted (only trust policies are; IAM
enforcement adds the rest); web identity token signatures are checked only for fogbank-issued
tokens, SAML assertion signatures not at all; AssumeRoot, GetDelegatedAccessToken,
GetScopedCredentials and GetWebIdentityToken are not implemented; ProvidedContexts are ignored.
"""

from __future__ import annotations

import json
from typing import Any

from fogbank.auth import principals
from fogbank.auth.policy import PolicySet, Request, evaluate, parse
from fogbank.auth.policy.messages import decode_message
from fogbank.context import Ctx
from fogbank.services.iam import directory, ids
from fogbank.services.sts import federation, sessions
from fogbank.services.sts.errors import AccessDenied, InvalidAuthorizationMessageException, ValidationError

DEFAULT_ROLE_SESSION = 3600
CHAINED_MAX = 3600
DEFAULT_USER_SESSION = 43200
ROOT_MAX = 3600


def _denied(record: dict[str, Any], action: str, resource: str) -> AccessDenied:
    return AccessDenied(f"User: {record['arn']} is not authorized to perform: {action} on resource: {resource}")


def _check_mfa(ctx: Ctx, record: dict[str, Any], serial: str | None, code: str | None) -> bool:
    """True when a valid MFA code came with the request; AccessDenied for a wrong one."""
    if not serial and not code:
        return False
    if not serial or not code:
        raise ValidationError("SerialNumber and TokenCode must be given together.")
    user_name = record.get("user_name") if record["kind"] == "user" else None
    if record["kind"] == "user" and not user_name:
        user_name = record["arn"].rsplit("/", 1)[1]
    outcome = directory.check_mfa_code(ctx, record["account"], serial, user_name, code)
    if outcome == "no-device":
        raise AccessDenied("MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA "
                           "serial number is valid and associated with this user.")
    if outcome != "ok":
        raise AccessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code. ")
    return True


class Provider:
    """The STS operations."""

    def reset(self, ctx: Ctx) -> None:
        """Forget every session STS issued."""
        principals.forget(ctx.store, lambda record: record.get("issued") is not None)

    def get_caller_identity(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """The account, user id and ARN behind the request's credentials."""
        record = sessions.caller(ctx)
        return {"UserId": record["user_id"], "Account": record["account"], "Arn": record["arn"]}

    def assume_role(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Credentials for a role whose trust policy allows the caller."""
        record = sessions.caller(ctx)
        arn, name = request["RoleArn"], request["RoleSessionName"]
        role = directory.role_by_arn(ctx, arn)
        if role is None:
            raise _denied(record, "sts:AssumeRole", arn)
        mfa = _check_mfa(ctx, record, request.get("SerialNumber"), request.get("TokenCode")) or bool(record.get("mfa"))
        context = sessions.request_context(ctx, record)
        if mfa:
            context["aws:MultiFactorAuthPresent"] = "true"
            context.setdefault("aws:MultiFactorAuthAge", "0")
        context["sts:RoleSessionName"] = name
        if request.get("ExternalId") is not None:
            context["sts:ExternalId"] = request["ExternalId"]
        tags = request.get("Tags") or []
        for tag in tags:
            context[f"aws:RequestTag/{tag['Key']}"] = tag["Value"]
        if tags:
            context["aws:TagKeys"] = [t["Key"] for t in tags]
        if request.get("SourceIdentity"):
            context["sts:SourceIdentity"] = request["SourceIdentity"]
        trust = parse(role["AssumeRolePolicyDocument"], "trust")
        caller = sessions.policy_caller(record)
        wanted = ["sts:AssumeRole"] + (["sts:TagSession"] if tags else []) \
            + (["sts:SetSourceIdentity"] if request.get("SourceIdentity") else [])
        for action in wanted:
            decision = evaluate(PolicySet(resource=[("trust", trust)]),
                                Request(action, role["Arn"], context, caller))
            if not decision.allowed:
                raise _denied(record, action, role["Arn"])
        duration = request.get("DurationSeconds") or DEFAULT_ROLE_SESSION
        if record["kind"] == "assumed-role" and duration > CHAINED_MAX:
            raise ValidationError("The requested DurationSeconds exceeds the 1 hour session limit for roles assuming "
                                  "other roles.")
        if duration > role["MaxSessionDuration"]:
            raise ValidationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        packed = sessions.check_session_policy(request.get("Policy"), request.get("PolicyArns"), tags)
        tag_map, transitive = sessions.session_tags(tags, request.get("TransitiveTagKeys"),
                                                    record.get("tags") or {}, record.get("transitive_tag_keys") or [])
        source = record.get("source_identity") or request.get("SourceIdentity")
        account = directory.role_account(role["Arn"])
        session_arn = f"arn:aws:sts::{account}:assumed-role/{role['RoleName']}/{name}"
        new = {
            "kind": "assumed-role", "account": account, "arn": session_arn, "user_id": f"{role['RoleId']}:{name}",
            "role_arn": role["Arn"], "role_name": role["RoleName"], "role_id": role["RoleId"], "session_name": name,
            "tags": tag_map, "transitive_tag_keys": transitive,
            "role_tags": {t["Key"]: t["Value"] for t in role.get("Tags") or []},
            "session_policies": [request["Policy"]] if request.get("Policy") else [],
            "policy_arns": [p["arn"] for p in request.get("PolicyArns") or []],
            "mfa": mfa, "mfa_time": ctx.clock.now() if mfa else None, "source_identity": source,
            "caller_arn": record["arn"],
        }
        credentials = sessions.issue(ctx, new, duration)
        directory.record_role_use(ctx, role)
        out: dict[str, Any] = {"Credentials": credentials,
                               "AssumedRoleUser": {"AssumedRoleId": new["user_id"], "Arn": session_arn}}
        if packed is not None:
            out["PackedPolicySize"] = packed
        if source:
            out["SourceIdentity"] = source
        return out

    def get_session_token(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Temporary credentials for an IAM user or the root user, MFA-authenticated when a code is given."""
        record = sessions.caller(ctx)
        if record.get("issued") is not None:
            raise AccessDenied("Cannot call GetSessionToken with session credentials")
        mfa = _check_mfa(ctx, record, request.get("SerialNumber"), request.get("TokenCode"))
        duration = request.get("DurationSeconds") or DEFAULT_USER_SESSION
        if record["kind"] == "root":
            duration = min(duration, ROOT_MAX)
        new = {key: record[key] for key in ("kind", "account", "arn", "user_id") if key in record}
        if record.get("user_name"):
            new["user_name"] = record["user_name"]
        new.update(mfa=mfa, mfa_time=ctx.clock.now() if mfa else None, parent_key=ctx.principal.access_key_id
                   if ctx.principal else None)
        return {"Credentials": sessions.issue(ctx, new, duration)}

    def get_federation_token(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Credentials for a federated user named by the caller, scoped by session policies."""
        record = sessions.caller(ctx)
        if record.get("issued") is not None:
            raise AccessDenied("Cannot call GetFederationToken with session credentials")
        name = request["Name"]
        packed = sessions.check_session_policy(request.get("Policy"), request.get("PolicyArns"), request.get("Tags"))
        duration = request.get("DurationSeconds") or DEFAULT_USER_SESSION
        if record["kind"] == "root":
            duration = min(duration, ROOT_MAX)
        tag_map, _ = sessions.session_tags(request.get("Tags"), None, {}, [])
        account = record["account"]
        arn = f"arn:aws:sts::{account}:federated-user/{name}"
        new = {"kind": "federated-user", "account": account, "arn": arn, "user_id": f"{account}:{name}",
               "federated_name": name, "tags": tag_map, "caller_arn": record["arn"], "mfa": False,
               "session_policies": [request["Policy"]] if request.get("Policy") else [],
               "policy_arns": [p["arn"] for p in request.get("PolicyArns") or []]}
        out: dict[str, Any] = {"Credentials": sessions.issue(ctx, new, duration),
                               "FederatedUser": {"FederatedUserId": new["user_id"], "Arn": arn}}
        if packed is not None:
            out["PackedPolicySize"] = packed
        return out

    def get_access_key_info(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """The account an access key id belongs to."""
        sessions.caller(ctx)
        key_id = request["AccessKeyId"]
        issued = principals.lookup(ctx.store, key_id)
        if issued is not None:
            return {"Account": issued["account"]}
        if len(key_id) == 12 and key_id.isdigit():
            return {"Account": key_id}
        return {"Account": ids.account_of_key(key_id) or ctx.config.default_account}

    def decode_authorization_message(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """The details behind an encoded AccessDenied message fogbank produced."""
        record = sessions.caller(ctx)
        details = decode_message(request["EncodedMessage"])
        if details is None:
            raise InvalidAuthorizationMessageException("Unable to decode the message.")
        owner = (details.get("context") or {}).get("principal", {}).get("account")
        if owner and owner != record["account"]:
            raise AccessDenied(f"User: {record['arn']} is not authorized to perform: sts:DecodeAuthorizationMessage")
        return {"DecodedMessage": json.dumps(details, separators=(",", ":"))}

    def assume_role_with_web_identity(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Credentials for a role trusting an OIDC provider, from that provider's ID token."""
        return federation.assume_role_with_web_identity(ctx, request)

    def assume_role_with_saml(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Credentials for a role trusting a SAML provider, from that provider's assertion."""
        return federation.assume_role_with_saml(ctx, request)

"""Federated sign-in: AssumeRoleWithWebIdentity (OIDC ID tokens, JWTs) and AssumeRoleWithSAML
(SAML 2.0 assertions). Each token is read and checked (form, issuer, audience, expiry) against
the identity provider registered in IAM, then the role's trust policy decides with the
provider's claims as condition keys (``<issuer>:sub``, ``saml:aud`` ...)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

from fogbank.auth.policy import PolicySet, Request, evaluate, parse
from fogbank.auth.policy.evaluate import Caller
from fogbank.context import Ctx
from fogbank.services.iam import directory
from fogbank.services.sts import sessions
from fogbank.services.sts.errors import (
    AccessDenied,
    ExpiredTokenException,
    IDPRejectedClaimException,
    InvalidIdentityTokenException,
    ValidationError,
)

COGNITO = "cognito-identity.amazonaws.com"
SAML_NS = "urn:oasis:names:tc:SAML:2.0:assertion"
ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role"
SESSION_NAME_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
DURATION_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/SessionDuration"
NAMEID_PREFIX = "urn:oasis:names:tc:SAML:2.0:nameid-format:"
DEFAULT_DURATION = 3600


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def read_jwt(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A JWT's header and claims (InvalidIdentityToken when it is not a JWT)."""
    parts = token.split(".")
    try:
        if len(parts) != 3:
            raise ValueError("not three parts")
        header, claims = json.loads(_b64url(parts[0])), json.loads(_b64url(parts[1]))
        if not isinstance(header, dict) or not isinstance(claims, dict):
            raise ValueError("not objects")
    except (ValueError, binascii.Error):
        raise InvalidIdentityTokenException("The ID Token provided is not a valid JWT. (You may see this error if "
                                            "you sent an Access Token)") from None
    if str(header.get("alg", "none")).lower() == "none":
        raise InvalidIdentityTokenException("The ID Token is not signed: its alg is none.")
    return header, claims


def _role(ctx: Ctx, arn: str, action: str) -> dict[str, Any]:
    role = directory.role_by_arn(ctx, arn)
    if role is None:
        raise AccessDenied(f"Not authorized to perform {action}")
    return role


def _trusted(role: dict[str, Any], action: str, caller: Caller, context: dict[str, Any]) -> None:
    trust = parse(role["AssumeRolePolicyDocument"], "trust")
    if not evaluate(PolicySet(resource=[("trust", trust)]), Request(action, role["Arn"], context, caller)).allowed:
        raise AccessDenied(f"Not authorized to perform {action}")


def _duration(requested: int | None, role: dict[str, Any]) -> int:
    duration = requested or DEFAULT_DURATION
    if duration > role["MaxSessionDuration"]:
        raise ValidationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
    return duration


def _session(ctx: Ctx, role: dict[str, Any], name: str, request: dict[str, Any], duration: int,
             extra: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    account = directory.role_account(role["Arn"])
    arn = f"arn:aws:sts::{account}:assumed-role/{role['RoleName']}/{name}"
    record = {"kind": "assumed-role", "account": account, "arn": arn, "user_id": f"{role['RoleId']}:{name}",
              "role_arn": role["Arn"], "role_name": role["RoleName"], "role_id": role["RoleId"],
              "session_name": name, "tags": {}, "transitive_tag_keys": [],
              "role_tags": {t["Key"]: t["Value"] for t in role.get("Tags") or []},
              "session_policies": [request["Policy"]] if request.get("Policy") else [],
              "policy_arns": [p["arn"] for p in request.get("PolicyArns") or []], "mfa": False, **extra}
    credentials = sessions.issue(ctx, record, duration)
    directory.record_role_use(ctx, role)
    out: dict[str, Any] = {"Credentials": credentials, "AssumedRoleUser": {"AssumedRoleId": record["user_id"],
                                                                          "Arn": arn}}
    packed = sessions.check_session_policy(request.get("Policy"), request.get("PolicyArns"), None)
    if packed is not None:
        out["PackedPolicySize"] = packed
    return record, out


def assume_role_with_web_identity(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """AssumeRoleWithWebIdentity: an OIDC ID token for a role that trusts its provider."""
    action = "sts:AssumeRoleWithWebIdentity"
    _, claims = read_jwt(request["WebIdentityToken"])
    sessions.check_session_policy(request.get("Policy"), request.get("PolicyArns"), None)
    issuer = str(claims.get("iss") or "")
    audiences = claims.get("aud")
    audiences = [audiences] if isinstance(audiences, str) else [str(a) for a in audiences or []]
    role = _role(ctx, request["RoleArn"], action)
    account = directory.role_account(role["Arn"])
    host = issuer.removeprefix("https://")
    if host == COGNITO:
        federated = COGNITO
    else:
        provider = directory.oidc_provider(ctx, account, issuer)
        if provider is None:
            raise InvalidIdentityTokenException(f"No OpenIDConnect provider found in your account for {issuer}")
        if not set(audiences) & set(provider.get("ClientIDList") or []):
            raise InvalidIdentityTokenException("Incorrect token audience")
        federated = provider["Arn"]
    now = ctx.clock.now()
    expires = claims.get("exp")
    if isinstance(expires, int | float) and now >= expires:
        stamp = lambda t: datetime.fromtimestamp(t, UTC).strftime("%a %b %d %H:%M:%S UTC %Y")  # noqa: E731
        raise ExpiredTokenException(f"Token expired: current date/time {stamp(now)} must be before the "
                                    f"expiration date/time {stamp(expires)}")
    subject = str(claims.get("sub") or "")
    context: dict[str, Any] = {f"{host}:aud": audiences, f"{host}:sub": subject,
                               "aws:FederatedProvider": federated}
    if claims.get("amr") is not None:
        amr = claims["amr"]
        context[f"{host}:amr"] = amr if isinstance(amr, list) else [str(amr)]
    _trusted(role, action, Caller(account=account, federated=federated), context)
    _, out = _session(ctx, role, request["RoleSessionName"], request,
                      _duration(request.get("DurationSeconds"), role),
                      {"federated_provider": federated, "web_identity_subject": subject})
    out.update(SubjectFromWebIdentityToken=subject, Provider=issuer.removeprefix("https://"),
               Audience=audiences[0] if audiences else "")
    return out


def _saml_assertion(text: str) -> ET.Element:
    try:
        raw = base64.b64decode(text, validate=False)
        root = ET.fromstring(raw)
    except (ValueError, binascii.Error, ET.ParseError):
        raise InvalidIdentityTokenException("Invalid base64 SAMLResponse (Error parsing XML)") from None
    if root.tag == f"{{{SAML_NS}}}Assertion":
        return root
    found = root.find(f".//{{{SAML_NS}}}Assertion")
    if found is None:
        raise InvalidIdentityTokenException("Response does not contain an Assertion")
    return found


def _saml_time(text: str | None) -> float | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def assume_role_with_saml(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """AssumeRoleWithSAML: a SAML assertion naming the role and the provider that issued it."""
    action = "sts:AssumeRoleWithSAML"
    sessions.check_session_policy(request.get("Policy"), request.get("PolicyArns"), None)
    provider_arn = request["PrincipalArn"]
    provider = directory.saml_provider(ctx, provider_arn)
    if provider is None:
        raise InvalidIdentityTokenException("Specified provider doesn't exist.")
    assertion = _saml_assertion(request["SAMLAssertion"])
    ns = {"saml": SAML_NS}
    issuer = (assertion.findtext("saml:Issuer", default="", namespaces=ns) or "").strip()
    if provider.get("_entity_id") and issuer != provider["_entity_id"]:
        raise InvalidIdentityTokenException("Issuer of the assertion does not match the provider's metadata.")
    name_id = assertion.find("saml:Subject/saml:NameID", ns)
    subject = (name_id.text or "").strip() if name_id is not None else ""
    name_format = name_id.get("Format", "") if name_id is not None else ""
    subject_type = name_format.removeprefix(NAMEID_PREFIX) if name_format.startswith(NAMEID_PREFIX) else name_format
    conditions = assertion.find("saml:Conditions", ns)
    not_after = _saml_time(conditions.get("NotOnOrAfter") if conditions is not None else None)
    confirmation = assertion.find("saml:Subject/saml:SubjectConfirmation/saml:SubjectConfirmationData", ns)
    if confirmation is not None and confirmation.get("NotOnOrAfter"):
        not_after = _saml_time(confirmation.get("NotOnOrAfter"))
    if not_after is not None and ctx.clock.now() >= not_after:
        raise ExpiredTokenException("Token expired")
    audience = (assertion.findtext("saml:Conditions/saml:AudienceRestriction/saml:Audience", default="",
                                   namespaces=ns) or "").strip()
    attributes: dict[str, list[str]] = {}
    for attribute in assertion.iterfind("saml:AttributeStatement/saml:Attribute", ns):
        values = [(v.text or "").strip() for v in attribute.iterfind("saml:AttributeValue", ns)]
        attributes.setdefault(attribute.get("Name", ""), []).extend(values)
    role_arn = request["RoleArn"]
    pairs = [{p.strip() for p in value.split(",")} for value in attributes.get(ROLE_ATTRIBUTE, [])]
    if {role_arn, provider_arn} not in pairs:
        raise AccessDenied(f"Not authorized to perform {action}")
    names = attributes.get(SESSION_NAME_ATTRIBUTE) or []
    if not names or not names[0]:
        raise IDPRejectedClaimException("RoleSessionName is required in AuthnResponse")
    role = _role(ctx, role_arn, action)
    account = directory.role_account(role["Arn"])
    qualifier = base64.b64encode(
        hashlib.sha1(f"{issuer}{account}/{provider_arn.rsplit('/', 1)[1]}".encode()).digest()).decode()
    context = {"saml:aud": audience, "saml:iss": issuer, "saml:sub": subject, "saml:sub_type": subject_type,
               "saml:namequalifier": qualifier, "aws:FederatedProvider": provider_arn}
    _trusted(role, action, Caller(account=account, federated=provider_arn), context)
    requested = request.get("DurationSeconds")
    if requested is None and attributes.get(DURATION_ATTRIBUTE):
        try:
            requested = int(attributes[DURATION_ATTRIBUTE][0])
        except ValueError:
            requested = None
    _, out = _session(ctx, role, names[0], request, _duration(requested, role),
                      {"federated_provider": provider_arn, "saml_subject": subject})
    out.update(Subject=subject, SubjectType=subject_type, Issuer=issuer, Audience=audience, NameQualifier=qualifier)
    return out

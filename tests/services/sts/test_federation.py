"""AssumeRoleWithWebIdentity and AssumeRoleWithSAML against identity providers registered in IAM."""

from __future__ import annotations

import base64
import json

import pytest
from botocore.exceptions import ClientError

from tests.services.sts.conftest import trust


def error_of(info: pytest.ExceptionInfo) -> tuple[str, int, str]:
    err = info.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"], err["Error"]["Message"]


def b64url(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def jwt(claims: dict) -> str:
    return f"{b64url({'alg': 'RS256', 'kid': 'k1', 'typ': 'JWT'})}.{b64url(claims)}.c2lnbmF0dXJl"


@pytest.fixture
def oidc_role(aws, fogbank):
    iam = aws("iam")
    arn = iam.create_open_id_connect_provider(Url="https://auth.example.com", ClientIDList=["my-app"],
                                              ThumbprintList=["a" * 40])["OpenIDConnectProviderArn"]
    assert arn == "arn:aws:iam::000000000000:oidc-provider/auth.example.com"
    doc = trust({"Federated": arn}, "sts:AssumeRoleWithWebIdentity",
                Condition={"StringEquals": {"auth.example.com:sub": "user-1", "auth.example.com:aud": "my-app"}})
    role = iam.create_role(RoleName="web", AssumeRolePolicyDocument=doc)["Role"]
    now = fogbank.admin("GET", "/_fogbank/clock")["now"]
    claims = {"iss": "https://auth.example.com", "aud": "my-app", "sub": "user-1", "exp": int(now) + 600}
    return role, claims


def test_web_identity(aws, client_with, oidc_role) -> None:
    role, claims = oidc_role
    out = aws("sts").assume_role_with_web_identity(RoleArn=role["Arn"], RoleSessionName="web-session",
                                                   WebIdentityToken=jwt(claims))
    assert out["SubjectFromWebIdentityToken"] == "user-1" and out["Audience"] == "my-app"
    assert out["Provider"] == "auth.example.com"
    assert out["AssumedRoleUser"]["Arn"] == "arn:aws:sts::000000000000:assumed-role/web/web-session"
    assert client_with("sts", out["Credentials"]).get_caller_identity()["Arn"].endswith("/web/web-session")


def test_web_identity_failures(aws, fogbank, oidc_role) -> None:
    role, claims = oidc_role
    sts = aws("sts")

    def attempt(token: str) -> tuple[str, int, str]:
        with pytest.raises(ClientError) as info:
            sts.assume_role_with_web_identity(RoleArn=role["Arn"], RoleSessionName="s1", WebIdentityToken=token)
        return error_of(info)

    assert attempt("not-a-jwt")[:2] == ("InvalidIdentityToken", 400)
    assert attempt(jwt({**claims, "aud": "other-app"})) == ("InvalidIdentityToken", 400, "Incorrect token audience")
    assert attempt(jwt({**claims, "iss": "https://elsewhere.example.com"}))[:2] == ("InvalidIdentityToken", 400)
    assert attempt(jwt({**claims, "sub": "user-2"}))[:2] == ("AccessDenied", 403)
    fogbank.advance(601)
    code, status, message = attempt(jwt(claims))
    assert (code, status) == ("ExpiredTokenException", 400) and message.startswith("Token expired")


def test_cognito_identity_tokens_need_no_registered_provider(aws) -> None:
    doc = trust({"Federated": "cognito-identity.amazonaws.com"}, "sts:AssumeRoleWithWebIdentity",
                Condition={"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:pool"},
                           "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}})
    role = aws("iam").create_role(RoleName="cognito-auth", AssumeRolePolicyDocument=doc)["Role"]
    token = jwt({"iss": "https://cognito-identity.amazonaws.com", "aud": "us-east-1:pool", "sub": "us-east-1:id-1",
                 "amr": ["authenticated", "cognito-idp.us-east-1.amazonaws.com/pool"]})
    out = aws("sts").assume_role_with_web_identity(RoleArn=role["Arn"], RoleSessionName="cog", WebIdentityToken=token)
    assert out["SubjectFromWebIdentityToken"] == "us-east-1:id-1"
    guest = jwt({"iss": "https://cognito-identity.amazonaws.com", "aud": "us-east-1:pool", "sub": "x",
                 "amr": ["unauthenticated"]})
    with pytest.raises(ClientError) as info:
        aws("sts").assume_role_with_web_identity(RoleArn=role["Arn"], RoleSessionName="cog", WebIdentityToken=guest)
    assert error_of(info)[0] == "AccessDenied"


def test_oidc_provider_management(aws) -> None:
    iam = aws("iam")
    arn = iam.create_open_id_connect_provider(Url="https://token.example.org/path", ClientIDList=["a"],
                                              ThumbprintList=["b" * 40])["OpenIDConnectProviderArn"]
    with pytest.raises(ClientError) as info:
        iam.create_open_id_connect_provider(Url="https://token.example.org/path", ThumbprintList=["b" * 40])
    assert error_of(info)[:2] == ("EntityAlreadyExists", 409)
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="c")
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert got["Url"] == "token.example.org/path" and got["ClientIDList"] == ["a", "c"]
    assert iam.list_open_id_connect_providers()["OpenIDConnectProviderList"] == [{"Arn": arn}]
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    with pytest.raises(ClientError) as info:
        iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert error_of(info)[:2] == ("NoSuchEntity", 404)


IDP = "https://idp.example.com/saml"
METADATA = f"""<?xml version="1.0"?>
<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{IDP}">
  <IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>
{"MIIC" + "A" * 1100}
    </X509Certificate></X509Data></KeyInfo></KeyDescriptor>
    <SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
                         Location="https://idp.example.com/sso"/>
  </IDPSSODescriptor>
</EntityDescriptor>"""


def assertion(role_arn: str, provider_arn: str, not_after: str, session: str = "alice@example.com") -> str:
    xml = f"""<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
                xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">
  <saml:Issuer>{IDP}</saml:Issuer>
  <saml:Assertion>
    <saml:Issuer>{IDP}</saml:Issuer>
    <saml:Subject>
      <saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">alice</saml:NameID>
    </saml:Subject>
    <saml:Conditions NotOnOrAfter="{not_after}">
      <saml:AudienceRestriction><saml:Audience>https://signin.aws.amazon.com/saml</saml:Audience></saml:AudienceRestriction>
    </saml:Conditions>
    <saml:AttributeStatement>
      <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">
        <saml:AttributeValue>{role_arn},{provider_arn}</saml:AttributeValue>
      </saml:Attribute>
      <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName">
        <saml:AttributeValue>{session}</saml:AttributeValue>
      </saml:Attribute>
    </saml:AttributeStatement>
  </saml:Assertion>
</samlp:Response>"""
    return base64.b64encode(xml.encode()).decode()


def test_saml(aws, fogbank, client_with) -> None:
    import datetime as dt

    iam, sts = aws("iam"), aws("sts")
    provider = iam.create_saml_provider(Name="corp", SAMLMetadataDocument=METADATA)["SAMLProviderArn"]
    assert provider == "arn:aws:iam::000000000000:saml-provider/corp"
    doc = trust({"Federated": provider}, "sts:AssumeRoleWithSAML",
                Condition={"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}})
    role = iam.create_role(RoleName="sso", AssumeRolePolicyDocument=doc)["Role"]
    now = fogbank.admin("GET", "/_fogbank/clock")["now"]
    later = dt.datetime.fromtimestamp(now + 300, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = sts.assume_role_with_saml(RoleArn=role["Arn"], PrincipalArn=provider,
                                    SAMLAssertion=assertion(role["Arn"], provider, later))
    assert out["Subject"] == "alice" and out["SubjectType"] == "persistent" and out["Issuer"] == IDP
    assert out["Audience"] == "https://signin.aws.amazon.com/saml" and out["NameQualifier"]
    identity = client_with("sts", out["Credentials"]).get_caller_identity()
    assert identity["Arn"] == "arn:aws:sts::000000000000:assumed-role/sso/alice@example.com"
    other = iam.create_role(RoleName="other", AssumeRolePolicyDocument=doc)["Role"]
    with pytest.raises(ClientError) as info:
        sts.assume_role_with_saml(RoleArn=other["Arn"], PrincipalArn=provider,
                                  SAMLAssertion=assertion(role["Arn"], provider, later))
    assert error_of(info)[:2] == ("AccessDenied", 403)
    with pytest.raises(ClientError) as info:
        sts.assume_role_with_saml(RoleArn=role["Arn"], PrincipalArn=provider,
                                  SAMLAssertion=base64.b64encode(b"<not xml").decode())
    assert error_of(info)[:2] == ("InvalidIdentityToken", 400)
    with pytest.raises(ClientError) as info:
        sts.assume_role_with_saml(RoleArn=role["Arn"], PrincipalArn=provider + "x",
                                  SAMLAssertion=assertion(role["Arn"], provider, later))
    assert error_of(info)[:2] == ("InvalidIdentityToken", 400)
    fogbank.advance(301)
    with pytest.raises(ClientError) as info:
        sts.assume_role_with_saml(RoleArn=role["Arn"], PrincipalArn=provider,
                                  SAMLAssertion=assertion(role["Arn"], provider, later))
    assert error_of(info)[:2] == ("ExpiredTokenException", 400)
    assert iam.get_saml_provider(SAMLProviderArn=provider)["SAMLMetadataDocument"] == METADATA

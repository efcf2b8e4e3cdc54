"""The policy simulator, account-wide views (alias, summary, authorization details), server
certificates and the other user credentials, through boto3."""

from __future__ import annotations

import datetime as dt

import pytest
from botocore.exceptions import ClientError

from tests.services.iam.conftest import allow, document, trust


def error_of(info: pytest.ExceptionInfo) -> tuple[str, int, str]:
    err = info.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"], err["Error"]["Message"]


def decisions(result: dict) -> dict[tuple[str, str], str]:
    return {(r["EvalActionName"], r["EvalResourceName"]): r["EvalDecision"] for r in result["EvaluationResults"]}


def test_simulate_principal_policy_through_groups_and_managed_policies(iam) -> None:
    user = iam.create_user(UserName="alice")["User"]
    iam.create_group(GroupName="readers")
    iam.add_user_to_group(GroupName="readers", UserName="alice")
    iam.attach_group_policy(GroupName="readers", PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
    iam.put_user_policy(UserName="alice", PolicyName="no-secrets", PolicyDocument=document(
        {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::secrets/*"}))
    result = iam.simulate_principal_policy(
        PolicySourceArn=user["Arn"], ActionNames=["s3:GetObject", "s3:PutObject"],
        ResourceArns=["arn:aws:s3:::public/a.txt", "arn:aws:s3:::secrets/key"])
    assert decisions(result) == {
        ("s3:GetObject", "arn:aws:s3:::public/a.txt"): "allowed",
        ("s3:GetObject", "arn:aws:s3:::secrets/key"): "explicitDeny",
        ("s3:PutObject", "arn:aws:s3:::public/a.txt"): "implicitDeny",
        ("s3:PutObject", "arn:aws:s3:::secrets/key"): "implicitDeny",
    }
    allowed = result["EvaluationResults"][0]
    assert allowed["MatchedStatements"][0]["SourcePolicyId"] == "AmazonS3ReadOnlyAccess"
    assert allowed["MatchedStatements"][0]["SourcePolicyType"] == "aws-managed"
    denied = result["EvaluationResults"][1]
    assert denied["MatchedStatements"][0]["SourcePolicyId"] == "no-secrets"
    assert denied["MatchedStatements"][0]["StartPosition"]["Line"] == 1


def test_simulate_with_boundary_and_context(iam) -> None:
    boundary = iam.create_policy(PolicyName="only-s3", PolicyDocument=allow("s3:*"))["Policy"]["Arn"]
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust({"AWS": "000000000000"}),
                           PermissionsBoundary=boundary)["Role"]
    iam.attach_role_policy(RoleName="r", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    result = iam.simulate_principal_policy(PolicySourceArn=role["Arn"], ActionNames=["s3:ListBucket", "sqs:SendMessage"])
    assert decisions(result) == {("s3:ListBucket", "*"): "allowed", ("sqs:SendMessage", "*"): "implicitDeny"}
    assert result["EvaluationResults"][1]["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}
    conditional = document({"Effect": "Allow", "Action": "ec2:*", "Resource": "*",
                            "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}})
    inside = iam.simulate_custom_policy(PolicyInputList=[conditional], ActionNames=["ec2:RunInstances"], ContextEntries=[
        {"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["10.1.2.3"], "ContextKeyType": "ip"}])
    assert decisions(inside) == {("ec2:RunInstances", "*"): "allowed"}
    outside = iam.simulate_custom_policy(PolicyInputList=[conditional], ActionNames=["ec2:RunInstances"])
    assert decisions(outside) == {("ec2:RunInstances", "*"): "implicitDeny"}
    assert outside["EvaluationResults"][0]["MissingContextValues"] == ["aws:SourceIp"]
    keys = iam.get_context_keys_for_custom_policy(PolicyInputList=[conditional])["ContextKeyNames"]
    assert keys == ["aws:SourceIp"]


def test_simulate_custom_policy_with_resource_policy_and_paging(iam) -> None:
    resource_policy = document({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:user/bob"},
                                "Action": "sqs:SendMessage", "Resource": "*"})
    result = iam.simulate_custom_policy(PolicyInputList=[allow("s3:GetObject")],
                                        ActionNames=["sqs:SendMessage", "s3:GetObject", "s3:PutObject"],
                                        ResourcePolicy=resource_policy, CallerArn="arn:aws:iam::000000000000:user/bob",
                                        MaxItems=2)
    assert result["IsTruncated"] and len(result["EvaluationResults"]) == 2
    rest = iam.simulate_custom_policy(PolicyInputList=[allow("s3:GetObject")],
                                      ActionNames=["sqs:SendMessage", "s3:GetObject", "s3:PutObject"],
                                      ResourcePolicy=resource_policy, CallerArn="arn:aws:iam::000000000000:user/bob",
                                      Marker=result["Marker"])
    assert [r["EvalDecision"] for r in result["EvaluationResults"] + rest["EvaluationResults"]] == [
        "allowed", "allowed", "implicitDeny"]
    with pytest.raises(ClientError) as info:
        iam.simulate_custom_policy(PolicyInputList=["{"], ActionNames=["s3:GetObject"])
    assert error_of(info)[:2] == ("InvalidInput", 400)
    with pytest.raises(ClientError) as info:
        iam.simulate_principal_policy(PolicySourceArn="arn:aws:iam::000000000000:user/ghost", ActionNames=["s3:*"])
    assert error_of(info)[:2] == ("NoSuchEntity", 404)


def test_account_alias_and_summary(iam) -> None:
    assert iam.list_account_aliases()["AccountAliases"] == []
    iam.create_account_alias(AccountAlias="my-corp")
    assert iam.list_account_aliases()["AccountAliases"] == ["my-corp"]
    with pytest.raises(ClientError) as info:
        iam.delete_account_alias(AccountAlias="other")
    assert error_of(info)[:2] == ("NoSuchEntity", 404)
    with pytest.raises(ClientError) as info:
        iam.create_account_alias(AccountAlias="Bad_Alias")
    assert error_of(info)[:2] == ("ValidationError", 400)
    iam.delete_account_alias(AccountAlias="my-corp")
    iam.create_user(UserName="u")
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust({"AWS": "000000000000"}))
    summary = iam.get_account_summary()["SummaryMap"]
    assert summary["Users"] == 1 and summary["Roles"] == 1 and summary["UsersQuota"] == 5000


def test_account_authorization_details(iam) -> None:
    iam.create_user(UserName="u")
    iam.put_user_policy(UserName="u", PolicyName="inline", PolicyDocument=allow("s3:*"))
    iam.create_group(GroupName="g")
    iam.add_user_to_group(GroupName="g", UserName="u")
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust({"AWS": "000000000000"}))
    iam.attach_role_policy(RoleName="r", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    iam.create_instance_profile(InstanceProfileName="ip")
    iam.add_role_to_instance_profile(InstanceProfileName="ip", RoleName="r")
    iam.create_policy(PolicyName="local", PolicyDocument=allow("sqs:*"))
    details = iam.get_account_authorization_details()
    user = details["UserDetailList"][0]
    assert user["GroupList"] == ["g"] and user["UserPolicyList"][0]["PolicyDocument"]["Statement"][0]["Action"] == "s3:*"
    role = details["RoleDetailList"][0]
    assert role["InstanceProfileList"][0]["InstanceProfileName"] == "ip"
    assert role["AttachedManagedPolicies"] == [{"PolicyName": "ReadOnlyAccess",
                                                "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]
    assert sorted(p["PolicyName"] for p in details["Policies"]) == ["ReadOnlyAccess", "local"]
    only_roles = iam.get_account_authorization_details(Filter=["Role"])
    assert only_roles["UserDetailList"] == [] and len(only_roles["RoleDetailList"]) == 1
    paged = iam.get_account_authorization_details(MaxItems=2)
    assert paged["IsTruncated"]
    rest = iam.get_account_authorization_details(Marker=paged["Marker"])
    total = sum(len(x[k]) for x in (paged, rest) for k in ("UserDetailList", "GroupDetailList", "RoleDetailList",
                                                              "Policies"))
    assert total == 5


def _certificate(days: int) -> tuple[str, str]:
    crypto = pytest.importorskip("cryptography")
    del crypto
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "example.test")])
    start = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(start).not_valid_after(start + dt.timedelta(days=days))
            .sign(key, hashes.SHA256()))
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    return pem, key_pem


def test_server_certificates(iam) -> None:
    body, key = _certificate(90)
    meta = iam.upload_server_certificate(ServerCertificateName="web", Path="/cloudfront/", CertificateBody=body,
                                         PrivateKey=key)["ServerCertificateMetadata"]
    assert meta["Arn"] == "arn:aws:iam::000000000000:server-certificate/cloudfront/web"
    assert meta["ServerCertificateId"].startswith("ASCA")
    assert meta["Expiration"] == dt.datetime(2030, 4, 1, tzinfo=dt.UTC)
    got = iam.get_server_certificate(ServerCertificateName="web")["ServerCertificate"]
    assert got["CertificateBody"] == body
    with pytest.raises(ClientError) as info:
        iam.upload_server_certificate(ServerCertificateName="web", CertificateBody=body, PrivateKey=key)
    assert error_of(info)[:2] == ("EntityAlreadyExists", 409)
    with pytest.raises(ClientError) as info:
        iam.upload_server_certificate(ServerCertificateName="bad", CertificateBody="not a cert", PrivateKey=key)
    assert error_of(info)[:2] == ("MalformedCertificate", 400)
    iam.update_server_certificate(ServerCertificateName="web", NewServerCertificateName="web2")
    assert [c["ServerCertificateName"] for c in iam.list_server_certificates()["ServerCertificateMetadataList"]] == ["web2"]
    iam.delete_server_certificate(ServerCertificateName="web2")
    with pytest.raises(ClientError) as info:
        iam.get_server_certificate(ServerCertificateName="web2")
    assert error_of(info)[:2] == ("NoSuchEntity", 404)


def test_login_profiles_and_password_policy(iam) -> None:
    iam.create_user(UserName="u")
    iam.update_account_password_policy(MinimumPasswordLength=12, RequireNumbers=True)
    with pytest.raises(ClientError) as info:
        iam.create_login_profile(UserName="u", Password="short")
    assert error_of(info)[:2] == ("PasswordPolicyViolation", 400)
    profile = iam.create_login_profile(UserName="u", Password="long-enough-1", PasswordResetRequired=True)
    assert profile["LoginProfile"]["PasswordResetRequired"] is True
    with pytest.raises(ClientError) as info:
        iam.create_login_profile(UserName="u", Password="long-enough-2")
    assert error_of(info)[:2] == ("EntityAlreadyExists", 409)
    with pytest.raises(ClientError) as info:
        iam.delete_user(UserName="u")
    assert error_of(info)[2] == "Cannot delete entity, must delete login profile first."
    iam.delete_login_profile(UserName="u")
    with pytest.raises(ClientError) as info:
        iam.get_login_profile(UserName="u")
    assert error_of(info)[:2] == ("NoSuchEntity", 404)
    assert iam.get_account_password_policy()["PasswordPolicy"]["MinimumPasswordLength"] == 12
    iam.delete_account_password_policy()
    with pytest.raises(ClientError) as info:
        iam.get_account_password_policy()
    assert error_of(info)[:2] == ("NoSuchEntity", 404)


def test_service_specific_credentials(iam) -> None:
    iam.create_user(UserName="dev")
    cred = iam.create_service_specific_credential(UserName="dev", ServiceName="codecommit.amazonaws.com")[
        "ServiceSpecificCredential"]
    assert cred["ServiceUserName"] == "dev-at-000000000000" and cred["ServicePassword"]
    iam.create_service_specific_credential(UserName="dev", ServiceName="codecommit.amazonaws.com")
    with pytest.raises(ClientError) as info:
        iam.create_service_specific_credential(UserName="dev", ServiceName="codecommit.amazonaws.com")
    assert error_of(info)[:2] == ("LimitExceeded", 409)
    with pytest.raises(ClientError) as info:
        iam.create_service_specific_credential(UserName="dev", ServiceName="s3.amazonaws.com")
    assert error_of(info)[:2] == ("NotSupportedService", 404)
    listed = iam.list_service_specific_credentials(UserName="dev")["ServiceSpecificCredentials"]
    assert len(listed) == 2 and "ServicePassword" not in listed[0]
    reset = iam.reset_service_specific_credential(UserName="dev", ServiceSpecificCredentialId=cred[
        "ServiceSpecificCredentialId"])["ServiceSpecificCredential"]
    assert reset["ServicePassword"] != cred["ServicePassword"]
    iam.update_service_specific_credential(UserName="dev", ServiceSpecificCredentialId=cred[
        "ServiceSpecificCredentialId"], Status="Inactive")
    statuses = {c["ServiceSpecificCredentialId"]: c["Status"]
                for c in iam.list_service_specific_credentials(UserName="dev")["ServiceSpecificCredentials"]}
    assert statuses[cred["ServiceSpecificCredentialId"]] == "Inactive"
    with pytest.raises(ClientError) as info:
        iam.delete_user(UserName="dev")
    assert error_of(info)[0] == "DeleteConflict"


def test_access_key_last_used_before_use(iam) -> None:
    iam.create_user(UserName="u")
    key = iam.create_access_key(UserName="u")["AccessKey"]
    used = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
    assert used["UserName"] == "u" and used["AccessKeyLastUsed"] == {"ServiceName": "N/A", "Region": "N/A"}

"""STS sessions end to end: a user's keys, assumed roles (trust policies, MFA, external ids, tags,
durations), session and federation tokens, and expiry on fogbank's clock."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import struct

import pytest
from botocore.exceptions import ClientError

from tests.services.sts.conftest import trust


def error_of(info: pytest.ExceptionInfo) -> tuple[str, int, str]:
    err = info.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"], err["Error"]["Message"]


def totp(seed: bytes, at: float) -> str:
    """The RFC 6238 code of a base32 seed at ``at`` (the way an authenticator app computes it)."""
    digest = hmac.new(base64.b32decode(seed), struct.pack(">Q", int(at // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


@pytest.fixture
def alice(aws):
    """An IAM user 'alice' with an access key; returns (user, credentials)."""
    iam = aws("iam")
    user = iam.create_user(UserName="alice", Path="/staff/")["User"]
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    return user, key


def test_identity_changes_from_root_to_user_to_role(aws, client_with, alice) -> None:
    user, key = alice
    iam = aws("iam")
    assert key["AccessKeyId"].startswith("AKIA") and len(key["AccessKeyId"]) == 20
    assert aws("sts").get_caller_identity()["Arn"] == "arn:aws:iam::000000000000:root"
    as_alice = client_with("sts", key)
    me = as_alice.get_caller_identity()
    assert me == {**me, "Arn": user["Arn"], "UserId": user["UserId"], "Account": "000000000000"}
    role = iam.create_role(RoleName="deployer", AssumeRolePolicyDocument=trust({"AWS": user["Arn"]}))["Role"]
    out = as_alice.assume_role(RoleArn=role["Arn"], RoleSessionName="ship-it")
    creds = out["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and creds["SessionToken"]
    assert out["AssumedRoleUser"] == {"AssumedRoleId": f"{role['RoleId']}:ship-it",
                                      "Arn": "arn:aws:sts::000000000000:assumed-role/deployer/ship-it"}
    session = client_with("sts", creds).get_caller_identity()
    assert session["Arn"] == "arn:aws:sts::000000000000:assumed-role/deployer/ship-it"
    assert session["UserId"] == f"{role['RoleId']}:ship-it"
    # IAM sees the session as the caller too, and the role records its use
    assert "LastUsedDate" in iam.get_role(RoleName="deployer")["Role"]["RoleLastUsed"]


def test_trust_policy_that_does_not_name_the_caller_is_access_denied(aws, client_with, alice) -> None:
    user, key = alice
    iam = aws("iam")
    role = iam.create_role(RoleName="locked", AssumeRolePolicyDocument=trust({"AWS": "arn:aws:iam::123456789012:root"}))
    with pytest.raises(ClientError) as info:
        client_with("sts", key).assume_role(RoleArn=role["Role"]["Arn"], RoleSessionName="s1")
    assert error_of(info) == ("AccessDenied", 403, f"User: {user['Arn']} is not authorized to perform: "
                              f"sts:AssumeRole on resource: {role['Role']['Arn']}")
    with pytest.raises(ClientError) as info:
        client_with("sts", key).assume_role(RoleArn="arn:aws:iam::000000000000:role/nope", RoleSessionName="s1")
    assert error_of(info)[:2] == ("AccessDenied", 403)


def test_account_root_principal_trusts_the_whole_account(aws, client_with, alice) -> None:
    _, key = alice
    role = aws("iam").create_role(RoleName="r", AssumeRolePolicyDocument=trust({"AWS": "000000000000"}))["Role"]
    assert client_with("sts", key).assume_role(RoleArn=role["Arn"], RoleSessionName="s1")["Credentials"]
    other = aws("sts", account="999999999999")
    with pytest.raises(ClientError) as info:
        other.assume_role(RoleArn=role["Arn"], RoleSessionName="s1")
    assert error_of(info)[0] == "AccessDenied"


def test_cross_account_assume_role_gives_the_roles_account(aws, client_with) -> None:
    role = aws("iam", account="111111111111").create_role(
        RoleName="shared", AssumeRolePolicyDocument=trust({"AWS": "arn:aws:iam::222222222222:root"}))["Role"]
    creds = aws("sts", account="222222222222").assume_role(RoleArn=role["Arn"], RoleSessionName="x1")["Credentials"]
    identity = client_with("sts", creds).get_caller_identity()
    assert identity["Account"] == "111111111111"
    assert identity["Arn"] == "arn:aws:sts::111111111111:assumed-role/shared/x1"


def test_session_expires_on_fogbanks_clock(aws, fogbank, client_with) -> None:
    role = aws("iam").create_role(RoleName="r", AssumeRolePolicyDocument=trust({"AWS": "000000000000"}))["Role"]
    out = aws("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="s1", DurationSeconds=900)
    now = fogbank.admin("GET", "/_fogbank/clock")["now"]
    assert abs(out["Credentials"]["Expiration"].timestamp() - (now + 900)) < 5
    session = client_with("sts", out["Credentials"])
    assert session.get_caller_identity()["Arn"].endswith("assumed-role/r/s1")
    fogbank.advance(899 - (fogbank.admin("GET", "/_fogbank/clock")["now"] - now))
    assert session.get_caller_identity()["Arn"].endswith("assumed-role/r/s1")
    fogbank.advance(2)
    with pytest.raises(ClientError) as info:
        session.get_caller_identity()
    assert error_of(info) == ("ExpiredToken", 403, "The security token included in the request is expired")


def test_expired_session_is_refused_by_every_service(aws, fogbank, client_with) -> None:
    role = aws("iam").create_role(RoleName="r", AssumeRolePolicyDocument=trust({"AWS": "000000000000"}))["Role"]
    creds = aws("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="s1", DurationSeconds=900)["Credentials"]
    assert client_with("sqs", creds).list_queues()["ResponseMetadata"]["HTTPStatusCode"] == 200
    fogbank.advance(901)
    with pytest.raises(ClientError) as info:
        client_with("iam", creds).list_users()
    assert error_of(info)[:2] == ("ExpiredToken", 403)
    with pytest.raises(ClientError) as info:
        client_with("dynamodb", creds).list_tables()
    assert error_of(info) == ("ExpiredTokenException", 400, "The security token included in the request is expired")
    with pytest.raises(ClientError) as info:
        client_with("s3", creds).list_buckets()
    assert error_of(info) == ("ExpiredToken", 400, "The provided token has expired.")


def test_duration_limits(aws, client_with) -> None:
    role = aws("iam").create_role(RoleName="r", AssumeRolePolicyDocument=trust({"AWS": "000000000000"}),
                                  MaxSessionDuration=7200)["Role"]
    sts = aws("sts")
    assert sts.assume_role(RoleArn=role["Arn"], RoleSessionName="s1", DurationSeconds=7200)["Credentials"]
    with pytest.raises(ClientError) as info:
        sts.assume_role(RoleArn=role["Arn"], RoleSessionName="s1", DurationSeconds=7201)
    assert error_of(info) == ("ValidationError", 400,
                              "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
    with pytest.raises(ClientError) as info:
        aws("sts", parameter_validation=False).assume_role(RoleArn=role["Arn"], RoleSessionName="s1",
                                                           DurationSeconds=600)
    assert error_of(info)[:2] == ("ValidationError", 400)
    chained = client_with("sts", sts.assume_role(RoleArn=role["Arn"], RoleSessionName="a1")["Credentials"])
    with pytest.raises(ClientError) as info:
        chained.assume_role(RoleArn=role["Arn"], RoleSessionName="b1", DurationSeconds=7200)
    assert "1 hour session limit" in error_of(info)[2]
    assert chained.assume_role(RoleArn=role["Arn"], RoleSessionName="b1")["AssumedRoleUser"]["Arn"].endswith("/r/b1")


def test_external_id_condition(aws) -> None:
    doc = trust({"AWS": "000000000000"}, Condition={"StringEquals": {"sts:ExternalId": "s3cret"}})
    role = aws("iam").create_role(RoleName="partner", AssumeRolePolicyDocument=doc)["Role"]
    sts = aws("sts")
    with pytest.raises(ClientError) as info:
        sts.assume_role(RoleArn=role["Arn"], RoleSessionName="s1")
    assert error_of(info)[0] == "AccessDenied"
    with pytest.raises(ClientError):
        sts.assume_role(RoleArn=role["Arn"], RoleSessionName="s1", ExternalId="wrong-one")
    assert sts.assume_role(RoleArn=role["Arn"], RoleSessionName="s1", ExternalId="s3cret")["Credentials"]


def test_session_tags_need_tag_session_permission(aws, client_with) -> None:
    iam, sts = aws("iam"), aws("sts")
    plain = iam.create_role(RoleName="plain", AssumeRolePolicyDocument=trust({"AWS": "000000000000"}))["Role"]
    tags = [{"Key": "project", "Value": "blue"}]
    with pytest.raises(ClientError) as info:
        sts.assume_role(RoleArn=plain["Arn"], RoleSessionName="s1", Tags=tags)
    assert "sts:TagSession" in error_of(info)[2]
    taggable = iam.create_role(RoleName="taggable", AssumeRolePolicyDocument=trust(
        {"AWS": "000000000000"}, ["sts:AssumeRole", "sts:TagSession"]))["Role"]
    out = sts.assume_role(RoleArn=taggable["Arn"], RoleSessionName="s1", Tags=tags, TransitiveTagKeys=["project"])
    assert out["PackedPolicySize"] >= 1
    # a chained session keeps transitive tags; the next role's trust can test them
    gated = iam.create_role(RoleName="gated", AssumeRolePolicyDocument=trust(
        {"AWS": "000000000000"}, Condition={"StringEquals": {"aws:PrincipalTag/project": "blue"}}))["Role"]
    with pytest.raises(ClientError):
        sts.assume_role(RoleArn=gated["Arn"], RoleSessionName="s1")
    assert client_with("sts", out["Credentials"]).assume_role(RoleArn=gated["Arn"], RoleSessionName="t1")
    with pytest.raises(ClientError) as info:
        sts.assume_role(RoleArn=taggable["Arn"], RoleSessionName="s1", Tags=tags, TransitiveTagKeys=["other"])
    assert error_of(info)[:2] == ("ValidationError", 400)


def test_malformed_session_policy(aws) -> None:
    role = aws("iam").create_role(RoleName="r", AssumeRolePolicyDocument=trust({"AWS": "000000000000"}))["Role"]
    with pytest.raises(ClientError) as info:
        aws("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="s1", Policy='{"Statement": 1}')
    assert error_of(info) == ("MalformedPolicyDocument", 400, "Syntax errors in policy.")
    policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
    out = aws("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="s1", Policy=policy)
    assert 0 < out["PackedPolicySize"] <= 100


def _mfa_user(aws, fogbank) -> tuple[str, bytes]:
    iam = aws("iam")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-phone")["VirtualMFADevice"]
    seed = device["Base32StringSeed"]
    now = fogbank.admin("GET", "/_fogbank/clock")["now"]
    iam.enable_mfa_device(UserName="alice", SerialNumber=device["SerialNumber"],
                          AuthenticationCode1=totp(seed, now - 30), AuthenticationCode2=totp(seed, now))
    return device["SerialNumber"], seed


def test_enable_mfa_needs_two_consecutive_codes(aws, fogbank, alice) -> None:
    iam = aws("iam")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="phone", Path="/mfa/")["VirtualMFADevice"]
    assert device["SerialNumber"] == "arn:aws:iam::000000000000:mfa/mfa/phone"
    seed = device["Base32StringSeed"]
    now = fogbank.admin("GET", "/_fogbank/clock")["now"]
    with pytest.raises(ClientError) as info:
        iam.enable_mfa_device(UserName="alice", SerialNumber=device["SerialNumber"],
                              AuthenticationCode1=totp(seed, now), AuthenticationCode2=totp(seed, now))
    assert error_of(info) == ("InvalidAuthenticationCode", 403, "Authentication code for device is not valid.")
    assert iam.list_mfa_devices(UserName="alice")["MFADevices"] == []
    iam.enable_mfa_device(UserName="alice", SerialNumber=device["SerialNumber"],
                          AuthenticationCode1=totp(seed, now - 30), AuthenticationCode2=totp(seed, now))
    assert [d["SerialNumber"] for d in iam.list_mfa_devices(UserName="alice")["MFADevices"]] == [device["SerialNumber"]]
    assert iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"][0]["User"]["UserName"] == "alice"
    with pytest.raises(ClientError) as info:
        iam.delete_user(UserName="alice")
    assert error_of(info)[0] == "DeleteConflict"
    with pytest.raises(ClientError) as info:
        iam.delete_virtual_mfa_device(SerialNumber=device["SerialNumber"])
    assert error_of(info)[0] == "DeleteConflict"


def test_assume_role_with_mfa_and_session_token(aws, fogbank, client_with, alice) -> None:
    user, key = alice
    serial, seed = _mfa_user(aws, fogbank)
    doc = trust({"AWS": user["Arn"]}, Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})
    role = aws("iam").create_role(RoleName="admin", AssumeRolePolicyDocument=doc)["Role"]
    sts = client_with("sts", key)
    with pytest.raises(ClientError) as info:
        sts.assume_role(RoleArn=role["Arn"], RoleSessionName="no-mfa")
    assert error_of(info)[0] == "AccessDenied"
    fogbank.advance(30)  # a fresh code: the one used to enable the device cannot be reused
    now = fogbank.admin("GET", "/_fogbank/clock")["now"]
    with pytest.raises(ClientError) as info:
        sts.assume_role(RoleArn=role["Arn"], RoleSessionName="mf", SerialNumber=serial,
                        TokenCode="000000" if totp(seed, now) != "000000" else "111111")
    assert error_of(info)[:2] == ("AccessDenied", 403)
    out = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="mf", SerialNumber=serial, TokenCode=totp(seed, now))
    assert out["AssumedRoleUser"]["Arn"].endswith("assumed-role/admin/mf")
    # GetSessionToken with MFA gives a session that can assume the role without a code
    fogbank.advance(30)
    now = fogbank.admin("GET", "/_fogbank/clock")["now"]
    token = sts.get_session_token(SerialNumber=serial, TokenCode=totp(seed, now), DurationSeconds=900)["Credentials"]
    session = client_with("sts", token)
    assert session.get_caller_identity()["Arn"] == user["Arn"]
    assert session.assume_role(RoleArn=role["Arn"], RoleSessionName="via-token")["Credentials"]
    with pytest.raises(ClientError) as info:
        session.get_session_token()
    assert error_of(info) == ("AccessDenied", 403, "Cannot call GetSessionToken with session credentials")
    fogbank.advance(901)
    with pytest.raises(ClientError) as info:
        session.get_caller_identity()
    assert error_of(info)[0] == "ExpiredToken"


def test_get_session_token_with_unknown_device(aws, client_with, alice) -> None:
    _, key = alice
    with pytest.raises(ClientError) as info:
        client_with("sts", key).get_session_token(SerialNumber="arn:aws:iam::000000000000:mfa/none",
                                                  TokenCode="123456")
    assert error_of(info)[:2] == ("AccessDenied", 403)


def test_root_session_token_is_capped_at_an_hour(aws, fogbank) -> None:
    now = fogbank.admin("GET", "/_fogbank/clock")["now"]
    creds = aws("sts").get_session_token(DurationSeconds=7200)["Credentials"]
    assert creds["Expiration"].timestamp() - now <= 3600 + 5


def test_federation_token(aws, client_with, alice) -> None:
    _, key = alice
    out = client_with("sts", key).get_federation_token(Name="bob-fed", DurationSeconds=900)
    assert out["FederatedUser"] == {"FederatedUserId": "000000000000:bob-fed",
                                    "Arn": "arn:aws:sts::000000000000:federated-user/bob-fed"}
    fed = client_with("sts", out["Credentials"])
    assert fed.get_caller_identity()["Arn"] == "arn:aws:sts::000000000000:federated-user/bob-fed"
    assert fed.get_caller_identity()["UserId"] == "000000000000:bob-fed"
    with pytest.raises(ClientError) as info:
        fed.get_federation_token(Name="again")
    assert error_of(info) == ("AccessDenied", 403, "Cannot call GetFederationToken with session credentials")


def test_access_keys_status_and_deletion(aws, client_with, alice) -> None:
    _, key = alice
    iam = aws("iam")
    iam.create_access_key(UserName="alice")
    with pytest.raises(ClientError) as info:
        iam.create_access_key(UserName="alice")
    assert error_of(info) == ("LimitExceeded", 409, "Cannot exceed quota for AccessKeysPerUser: 2")
    assert len(iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]) == 2
    iam.update_access_key(UserName="alice", AccessKeyId=key["AccessKeyId"], Status="Inactive")
    with pytest.raises(ClientError) as info:
        client_with("sts", key).get_caller_identity()
    assert error_of(info) == ("InvalidClientTokenId", 403, "The security token included in the request is invalid.")
    iam.update_access_key(UserName="alice", AccessKeyId=key["AccessKeyId"], Status="Active")
    assert client_with("sts", key).get_caller_identity()["Arn"].endswith(":user/staff/alice")
    iam.delete_access_key(UserName="alice", AccessKeyId=key["AccessKeyId"])
    with pytest.raises(ClientError) as info:
        client_with("sts", key).get_caller_identity()
    assert error_of(info)[0] == "InvalidClientTokenId"
    with pytest.raises(ClientError) as info:
        iam.delete_access_key(UserName="alice", AccessKeyId=key["AccessKeyId"])
    assert error_of(info)[:2] == ("NoSuchEntity", 404)


def test_renamed_user_keeps_its_keys(aws, client_with, alice) -> None:
    _, key = alice
    aws("iam").update_user(UserName="alice", NewUserName="alicia")
    assert client_with("sts", key).get_caller_identity()["Arn"] == "arn:aws:iam::000000000000:user/staff/alicia"


def test_get_access_key_info(aws, alice) -> None:
    key = aws("iam", account="123456789012").create_user(UserName="x") and \
        aws("iam", account="123456789012").create_access_key(UserName="x")["AccessKey"]
    sts = aws("sts")
    assert sts.get_access_key_info(AccessKeyId=key["AccessKeyId"])["Account"] == "123456789012"
    assert sts.get_access_key_info(AccessKeyId=alice[1]["AccessKeyId"])["Account"] == "000000000000"


def test_decode_authorization_message(aws) -> None:
    from fogbank.auth.policy.messages import encode_message

    encoded = encode_message({"allowed": False, "explicitDeny": True, "context": {"action": "s3:GetObject"}})
    decoded = aws("sts").decode_authorization_message(EncodedMessage=encoded)["DecodedMessage"]
    assert '"explicitDeny":true' in decoded and "s3:GetObject" in decoded
    with pytest.raises(ClientError) as info:
        aws("sts").decode_authorization_message(EncodedMessage="garbage")
    assert error_of(info)[:2] == ("InvalidAuthorizationMessageException", 400)


def test_iam_get_user_without_a_name_is_the_caller(aws, client_with, alice) -> None:
    user, key = alice
    assert client_with("iam", key).get_user()["User"]["Arn"] == user["Arn"]
    assert aws("iam").get_user()["User"]["Arn"] == "arn:aws:iam::000000000000:root"
    assert [k["AccessKeyId"] for k in client_with("iam", key).list_access_keys()["AccessKeyMetadata"]] == [
        key["AccessKeyId"]]
    role = aws("iam").create_role(RoleName="r", AssumeRolePolicyDocument=trust({"AWS": "000000000000"}))["Role"]
    session = client_with("iam", aws("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="s1")["Credentials"])
    with pytest.raises(ClientError) as info:
        session.get_user()
    assert error_of(info) == ("ValidationError", 400, "Must specify userName when calling with non-User credentials")


def test_change_password_as_the_user(aws, client_with, alice) -> None:
    _, key = alice
    iam = aws("iam")
    iam.create_login_profile(UserName="alice", Password="first-Passw0rd", PasswordResetRequired=True)
    as_alice = client_with("iam", key)
    with pytest.raises(ClientError) as info:
        as_alice.change_password(OldPassword="wrong-password", NewPassword="second-Passw0rd")
    assert error_of(info)[:2] == ("AccessDenied", 403)
    as_alice.change_password(OldPassword="first-Passw0rd", NewPassword="second-Passw0rd")
    assert iam.get_login_profile(UserName="alice")["LoginProfile"]["PasswordResetRequired"] is False
    with pytest.raises(ClientError) as info:
        iam.change_password(OldPassword="a", NewPassword="b")
    assert error_of(info)[:2] == ("InvalidUserType", 400)


def test_policies_granting_service_access(aws, alice) -> None:
    user, _ = alice
    iam = aws("iam")
    iam.put_user_policy(UserName="alice", PolicyName="queues", PolicyDocument=trust_free("sqs:SendMessage"))
    iam.attach_user_policy(UserName="alice", PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
    out = iam.list_policies_granting_service_access(Arn=user["Arn"], ServiceNamespaces=["s3", "sqs", "ec2"])
    by_service = {e["ServiceNamespace"]: [p["PolicyName"] for p in e["Policies"]]
                  for e in out["PoliciesGrantingServiceAccess"]}
    assert by_service == {"s3": ["AmazonS3ReadOnlyAccess"], "sqs": ["queues"], "ec2": []}


def trust_free(action: str) -> str:
    """An identity policy allowing ``action`` on everything."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]})

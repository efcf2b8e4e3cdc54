"""Aliases (including AWS managed ``alias/aws/...`` keys made on first use) and grants."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.services.kms.conftest import error_of

ACCOUNT = "111111111111"


def test_alias_lifecycle(kms) -> None:
    first = kms.create_key()["KeyMetadata"]
    second = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/app/db", TargetKeyId=first["Arn"])
    with pytest.raises(ClientError) as exc:
        kms.create_alias(AliasName="alias/app/db", TargetKeyId=second["KeyId"])
    assert error_of(exc) == (
        "AlreadyExistsException", 400, f"An alias with the name arn:aws:kms:us-east-1:{ACCOUNT}:alias/app/db already exists"
    )
    [alias] = kms.list_aliases()["Aliases"]
    assert alias["AliasName"] == "alias/app/db" and alias["TargetKeyId"] == first["KeyId"]
    assert alias["AliasArn"] == f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/app/db"
    kms.update_alias(AliasName="alias/app/db", TargetKeyId=second["KeyId"])
    assert kms.describe_key(KeyId="alias/app/db")["KeyMetadata"]["KeyId"] == second["KeyId"]
    assert kms.list_aliases(KeyId=first["KeyId"])["Aliases"] == []
    kms.delete_alias(AliasName="alias/app/db")
    with pytest.raises(ClientError) as exc:
        kms.delete_alias(AliasName="alias/app/db")
    assert error_of(exc)[:2] == ("NotFoundException", 400)


def test_alias_names_are_checked(kms) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as exc:
        kms.create_alias(AliasName="alias/aws/mine", TargetKeyId=key_id)
    assert error_of(exc)[:2] == ("InvalidAliasNameException", 400)
    # a name without the alias/ prefix is a validation error in AWS
    for call in (kms.create_alias, kms.update_alias):
        with pytest.raises(ClientError) as exc:
            call(AliasName="noprefix", TargetKeyId=key_id)
        assert error_of(exc)[:2] == ("ValidationException", 400)
        assert 'must start with the prefix "alias/"' in exc.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as exc:
        kms.delete_alias(AliasName="noprefix")
    assert error_of(exc)[:2] == ("ValidationException", 400)
    kms.create_alias(AliasName="alias/ok", TargetKeyId=key_id)
    with pytest.raises(ClientError) as exc:
        kms.create_alias(AliasName="alias/other", TargetKeyId="alias/ok")
    assert error_of(exc)[:2] == ("ValidationException", 400)
    assert [a["AliasName"] for a in kms.list_aliases()["Aliases"]] == ["alias/ok"]


def test_aws_managed_key_created_on_first_use(kms) -> None:
    meta = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
    assert meta["KeyManager"] == "AWS" and meta["KeyState"] == "Enabled"
    assert kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]["KeyId"] == meta["KeyId"]
    aliases = {a["AliasName"]: a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"]}
    assert aliases == {"alias/aws/s3": meta["KeyId"]}
    blob = kms.encrypt(KeyId="alias/aws/s3", Plaintext=b"object")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"object"
    assert kms.get_key_rotation_status(KeyId=meta["KeyId"])["KeyRotationEnabled"] is True
    policy = json.loads(kms.get_key_policy(KeyId=meta["KeyId"])["Policy"])
    assert policy["Id"] == "auto-s3-1"
    for call in (kms.disable_key, kms.schedule_key_deletion):
        with pytest.raises(ClientError) as exc:
            call(KeyId=meta["KeyId"])
        assert error_of(exc)[0] == "AccessDeniedException"
    with pytest.raises(ClientError) as exc:
        kms.delete_alias(AliasName="alias/aws/s3")
    assert error_of(exc)[0] == "InvalidAliasNameException"


def test_grants(kms) -> None:
    key = kms.create_key()["KeyMetadata"]
    grantee = f"arn:aws:iam::{ACCOUNT}:role/reader"
    retiree = f"arn:aws:iam::{ACCOUNT}:role/admin"
    grant = kms.create_grant(
        KeyId=key["KeyId"], GranteePrincipal=grantee, RetiringPrincipal=retiree,
        Operations=["Decrypt"], Name="reader", Constraints={"EncryptionContextSubset": {"app": "x"}},
    )
    assert len(grant["GrantId"]) == 64
    same = kms.create_grant(
        KeyId=key["KeyId"], GranteePrincipal=grantee, RetiringPrincipal=retiree,
        Operations=["Decrypt"], Name="reader", Constraints={"EncryptionContextSubset": {"app": "x"}},
    )
    assert same["GrantId"] == grant["GrantId"]
    other = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=retiree, Operations=["Encrypt"])
    [listed] = kms.list_grants(KeyId=key["KeyId"], GrantId=grant["GrantId"])["Grants"]
    assert listed["KeyId"] == key["Arn"] and listed["Operations"] == ["Decrypt"] and listed["Name"] == "reader"
    assert listed["Constraints"] == {"EncryptionContextSubset": {"app": "x"}}
    assert len(kms.list_grants(KeyId=key["KeyId"])["Grants"]) == 2
    assert [g["GrantId"] for g in kms.list_retirable_grants(RetiringPrincipal=retiree)["Grants"]] == [grant["GrantId"]]
    kms.retire_grant(GrantToken=grant["GrantToken"])
    assert [g["GrantId"] for g in kms.list_grants(KeyId=key["KeyId"])["Grants"]] == [other["GrantId"]]
    kms.revoke_grant(KeyId=key["KeyId"], GrantId=other["GrantId"])
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []
    with pytest.raises(ClientError) as exc:
        kms.revoke_grant(KeyId=key["KeyId"], GrantId=other["GrantId"])
    assert error_of(exc)[:2] == ("NotFoundException", 400)
    with pytest.raises(ClientError) as exc:
        kms.retire_grant(GrantToken="garbage!")
    assert error_of(exc)[:2] == ("InvalidGrantTokenException", 400)

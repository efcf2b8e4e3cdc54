"""CreateSecret, GetSecretValue, PutSecretValue, UpdateSecret and staging labels: values
encrypted through KMS, ARNs, idempotency tokens, name rules and the errors AWS answers."""

from __future__ import annotations

import re

from tests.services.secretsmanager.conftest import ACCOUNT, error_of

NOT_FOUND = "Secrets Manager can't find the specified secret."


def test_create_and_get_by_name_and_arns(sm) -> None:
    created = sm.create_secret(Name="prod/db", SecretString='{"user":"admin"}', Description="db creds")
    arn = created["ARN"]
    assert re.fullmatch(rf"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:prod/db-[A-Za-z0-9]{{6}}", arn)
    assert created["Name"] == "prod/db" and created["VersionId"]
    for secret_id in ("prod/db", arn, arn[:-7]):
        got = sm.get_secret_value(SecretId=secret_id)
        assert got["SecretString"] == '{"user":"admin"}'
        assert got["VersionStages"] == ["AWSCURRENT"] and got["VersionId"] == created["VersionId"]
        assert got["ARN"] == arn
    assert error_of(sm.get_secret_value, SecretId=arn[:-1] + ("x" if arn[-1] != "x" else "y")) == (
        "ResourceNotFoundException", 400, NOT_FOUND)


def test_binary_secret_and_both_values_refused(sm) -> None:
    sm.create_secret(Name="bin", SecretBinary=b"\x00\x01\xff")
    assert sm.get_secret_value(SecretId="bin")["SecretBinary"] == b"\x00\x01\xff"
    code, status, msg = error_of(sm.create_secret, Name="both", SecretString="a", SecretBinary=b"b")
    assert (code, status) == ("InvalidParameterException", 400)
    assert "both a binary secret value and a string secret value" in msg
    assert error_of(sm.describe_secret, SecretId="both")[0] == "ResourceNotFoundException"


def test_value_encrypted_under_kms_default_and_custom_key(sm, kms) -> None:
    sm.create_secret(Name="s1", SecretString="hunter2")
    aliases = {a["AliasName"] for a in kms.list_aliases()["Aliases"]}
    assert "alias/aws/secretsmanager" in aliases
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    sm.create_secret(Name="s2", SecretString="other", KmsKeyId=key)
    assert sm.describe_secret(SecretId="s2")["KmsKeyId"] == key
    assert sm.get_secret_value(SecretId="s2")["SecretString"] == "other"
    kms.disable_key(KeyId=key)
    assert error_of(sm.get_secret_value, SecretId="s2")[0] == "DecryptionFailure"
    code, _, _ = error_of(sm.put_secret_value, SecretId="s2", SecretString="new")
    assert code == "EncryptionFailure"
    kms.enable_key(KeyId=key)
    assert sm.get_secret_value(SecretId="s2")["SecretString"] == "other"


def test_create_errors_and_idempotency(sm) -> None:
    token = "a" * 32
    first = sm.create_secret(Name="idem", SecretString="v", ClientRequestToken=token)
    again = sm.create_secret(Name="idem", SecretString="v", ClientRequestToken=token)
    assert again["ARN"] == first["ARN"] and again["VersionId"] == token
    code, status, msg = error_of(sm.create_secret, Name="idem", SecretString="other", ClientRequestToken=token)
    assert (code, status) == ("ResourceExistsException", 400)
    assert error_of(sm.create_secret, Name="idem", SecretString="v") == (
        "ResourceExistsException", 400, "The operation failed because the secret idem already exists.")
    code, status, msg = error_of(sm.create_secret, Name="bad name!", SecretString="v")
    assert (code, status) == ("InvalidParameterException", 400) and msg.startswith("Invalid name.")
    assert sm.get_secret_value(SecretId="idem")["SecretString"] == "v"


def test_put_secret_value_moves_stages(sm) -> None:
    v1 = sm.create_secret(Name="rot", SecretString="one")["VersionId"]
    v2 = sm.put_secret_value(SecretId="rot", SecretString="two")
    assert v2["VersionStages"] == ["AWSCURRENT"]
    v3 = sm.put_secret_value(SecretId="rot", SecretString="three")["VersionId"]
    stages = sm.describe_secret(SecretId="rot")["VersionIdsToStages"]
    assert stages == {v2["VersionId"]: ["AWSPREVIOUS"], v3: ["AWSCURRENT"]}
    assert v1 not in stages
    assert sm.get_secret_value(SecretId="rot", VersionStage="AWSPREVIOUS")["SecretString"] == "two"
    assert sm.get_secret_value(SecretId="rot", VersionId=v1)["SecretString"] == "one"
    pending = sm.put_secret_value(SecretId="rot", SecretString="four", VersionStages=["AWSPENDING"])
    assert sm.get_secret_value(SecretId="rot")["SecretString"] == "three"
    assert sm.get_secret_value(SecretId="rot", VersionStage="AWSPENDING")["VersionId"] == pending["VersionId"]
    code, status, msg = error_of(sm.get_secret_value, SecretId="rot", VersionStage="nope")
    assert (code, status) == ("ResourceNotFoundException", 400) and "staging label: nope" in msg
    assert error_of(sm.get_secret_value, SecretId="rot", VersionId="f" * 32)[0] == "ResourceNotFoundException"
    assert error_of(sm.put_secret_value, SecretId="missing", SecretString="x")[:2] == ("ResourceNotFoundException", 400)


def test_put_same_token_is_idempotent_other_value_refused(sm) -> None:
    sm.create_secret(Name="tok", SecretString="one")
    token = "b" * 36
    first = sm.put_secret_value(SecretId="tok", SecretString="two", ClientRequestToken=token)
    assert sm.put_secret_value(SecretId="tok", SecretString="two", ClientRequestToken=token)["VersionId"] == first["VersionId"]
    assert error_of(sm.put_secret_value, SecretId="tok", SecretString="three", ClientRequestToken=token) == (
        "ResourceExistsException", 400, "You can't modify an existing version, you can only create a new version.")
    assert sm.get_secret_value(SecretId="tok")["SecretString"] == "two"


def test_version_limit_drops_old_unlabelled(sm) -> None:
    first = sm.create_secret(Name="many", SecretString="0")["VersionId"]
    for i in range(1, 102):
        sm.put_secret_value(SecretId="many", SecretString=str(i))
    versions = sm.list_secret_version_ids(SecretId="many", IncludeDeprecated=True, MaxResults=100)
    all_ids = [v["VersionId"] for v in versions["Versions"]]
    while "NextToken" in versions:
        versions = sm.list_secret_version_ids(SecretId="many", IncludeDeprecated=True, NextToken=versions["NextToken"])
        all_ids += [v["VersionId"] for v in versions["Versions"]]
    assert len(all_ids) == 100 and first not in all_ids
    assert sm.get_secret_value(SecretId="many")["SecretString"] == "101"


def test_update_secret(sm) -> None:
    sm.create_secret(Name="upd", SecretString="one")
    out = sm.update_secret(SecretId="upd", Description="new desc")
    assert "VersionId" not in out
    out = sm.update_secret(SecretId="upd", SecretString="two")
    assert sm.get_secret_value(SecretId="upd")["VersionId"] == out["VersionId"]
    described = sm.describe_secret(SecretId="upd")
    assert described["Description"] == "new desc"
    assert sorted(described["VersionIdsToStages"].values()) == [["AWSCURRENT"], ["AWSPREVIOUS"]]
    assert error_of(sm.update_secret, SecretId="nope", Description="x")[:2] == ("ResourceNotFoundException", 400)


def test_update_secret_version_stage(sm) -> None:
    v1 = sm.create_secret(Name="lbl", SecretString="one")["VersionId"]
    v2 = sm.put_secret_value(SecretId="lbl", SecretString="two", VersionStages=["custom"])["VersionId"]
    code, _, msg = error_of(sm.update_secret_version_stage, SecretId="lbl", VersionStage="AWSCURRENT", MoveToVersionId=v2)
    assert code == "InvalidParameterException" and "RemoveFromVersionId" in msg
    sm.update_secret_version_stage(SecretId="lbl", VersionStage="AWSCURRENT", MoveToVersionId=v2, RemoveFromVersionId=v1)
    assert sm.get_secret_value(SecretId="lbl")["SecretString"] == "two"
    stages = sm.describe_secret(SecretId="lbl")["VersionIdsToStages"]
    assert stages == {v1: ["AWSPREVIOUS"], v2: ["custom", "AWSCURRENT"]}
    sm.update_secret_version_stage(SecretId="lbl", VersionStage="custom", RemoveFromVersionId=v2)
    assert sm.describe_secret(SecretId="lbl")["VersionIdsToStages"][v2] == ["AWSCURRENT"]
    assert error_of(sm.update_secret_version_stage, SecretId="lbl", VersionStage="AWSCURRENT",
                    RemoveFromVersionId=v2)[0] == "InvalidParameterException"


def test_random_password_options(sm) -> None:
    assert len(sm.get_random_password()["RandomPassword"]) == 32
    pw = sm.get_random_password(PasswordLength=200, ExcludePunctuation=True, ExcludeUppercase=True)["RandomPassword"]
    assert len(pw) == 200 and re.fullmatch(r"[a-z0-9]+", pw) and re.search("[0-9]", pw)
    pw = sm.get_random_password(PasswordLength=4, IncludeSpace=True, ExcludeNumbers=True, ExcludeLowercase=True,
                                ExcludeUppercase=True, ExcludeCharacters="!")["RandomPassword"]
    assert " " in pw and "!" not in pw and not re.search("[A-Za-z0-9]", pw)
    pw = sm.get_random_password(PasswordLength=50, ExcludeCharacters="abcdefghijklmnopqrstuvwxyz")["RandomPassword"]
    assert not re.search("[a-z]", pw)
    assert error_of(sm.get_random_password, PasswordLength=2)[0] == "InvalidParameterException"
    assert sm.get_random_password(PasswordLength=2, RequireEachIncludedType=False)["RandomPassword"]
    assert error_of(sm.get_random_password, ExcludeNumbers=True, ExcludeLowercase=True, ExcludeUppercase=True,
                    ExcludePunctuation=True)[0] == "InvalidParameterException"

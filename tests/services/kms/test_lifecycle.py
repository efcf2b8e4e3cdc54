"""Key states, scheduled deletion and rotation on fogbank's clock, tags, policies and listing."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.services.kms.conftest import error_of

DAY = 86400


def test_disabled_key_refuses_use(kms) -> None:
    key = kms.create_key()["KeyMetadata"]
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    kms.disable_key(KeyId=key["KeyId"])
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert meta["KeyState"] == "Disabled" and meta["Enabled"] is False
    for call in (lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x"), lambda: kms.decrypt(CiphertextBlob=blob)):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == ("DisabledException", 400, f"{key['Arn']} is disabled.")
    kms.enable_key(KeyId=key["KeyId"])
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"x"


def test_scheduled_deletion_happens_on_the_clock(kms, fogbank) -> None:
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/doomed", TargetKeyId=key["KeyId"])
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    out = kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    assert out["KeyState"] == "PendingDeletion" and out["PendingWindowInDays"] == 7
    assert out["KeyId"] == key["Arn"]
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert meta["KeyState"] == "PendingDeletion" and meta["DeletionDate"] == out["DeletionDate"]
    with pytest.raises(ClientError) as exc:
        kms.decrypt(CiphertextBlob=blob)
    assert error_of(exc) == ("KMSInvalidStateException", 400, f"{key['Arn']} is pending deletion.")
    with pytest.raises(ClientError) as exc:
        kms.enable_key(KeyId=key["KeyId"])
    assert error_of(exc)[0] == "KMSInvalidStateException"
    fogbank.advance(6 * DAY)
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingDeletion"
    fogbank.advance(DAY + 60)
    assert key["KeyId"] not in [k["KeyId"] for k in kms.list_keys()["Keys"]]
    assert "alias/doomed" not in [a["AliasName"] for a in kms.list_aliases()["Aliases"]]
    with pytest.raises(ClientError) as exc:
        kms.describe_key(KeyId=key["KeyId"])
    assert error_of(exc)[:2] == ("NotFoundException", 400)


def test_cancel_deletion_leaves_the_key_disabled(kms, fogbank) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as exc:
        kms.cancel_key_deletion(KeyId=key_id)
    assert error_of(exc)[0] == "KMSInvalidStateException"
    kms.schedule_key_deletion(KeyId=key_id)
    fogbank.advance(29 * DAY)
    kms.cancel_key_deletion(KeyId=key_id)
    fogbank.advance(5 * DAY)
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert meta["KeyState"] == "Disabled" and "DeletionDate" not in meta


@pytest.mark.parametrize("days", [6, 31])
def test_pending_window_must_be_7_to_30(kms, days) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as exc:
        kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=days)
    assert error_of(exc)[:2] == ("ValidationException", 400)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"


def test_automatic_rotation_on_the_clock_keeps_old_ciphertexts(kms, fogbank) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False
    old = kms.encrypt(KeyId=key_id, Plaintext=b"before")["CiphertextBlob"]
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
    status = kms.get_key_rotation_status(KeyId=key_id)
    assert status["KeyRotationEnabled"] is True and status["RotationPeriodInDays"] == 90
    assert kms.list_key_rotations(KeyId=key_id)["Rotations"] == []
    fogbank.advance(91 * DAY)
    rotations = kms.list_key_rotations(KeyId=key_id)["Rotations"]
    assert [r["RotationType"] for r in rotations] == ["AUTOMATIC"]
    new = kms.encrypt(KeyId=key_id, Plaintext=b"after")
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["CurrentKeyMaterialId"] == rotations[0]["KeyMaterialId"]
    assert kms.decrypt(CiphertextBlob=old)["Plaintext"] == b"before"
    assert kms.decrypt(CiphertextBlob=new["CiphertextBlob"])["Plaintext"] == b"after"
    fogbank.advance(180 * DAY)
    assert len(kms.list_key_rotations(KeyId=key_id)["Rotations"]) == 3
    kms.disable_key_rotation(KeyId=key_id)
    fogbank.advance(365 * DAY)
    assert len(kms.list_key_rotations(KeyId=key_id)["Rotations"]) == 3


def test_rotation_period_limits(aws, kms) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    unchecked = aws("kms", account="111111111111", parameter_validation=False)
    for days in (89, 2561):
        with pytest.raises(ClientError) as exc:
            unchecked.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=days)
        assert error_of(exc)[:2] == ("ValidationException", 400)
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False


def test_rotate_on_demand(kms) -> None:
    key = kms.create_key()["KeyMetadata"]
    first_material = key["CurrentKeyMaterialId"]
    old = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"v1")["CiphertextBlob"]
    assert kms.rotate_key_on_demand(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert meta["CurrentKeyMaterialId"] != first_material
    assert kms.decrypt(CiphertextBlob=old)["Plaintext"] == b"v1"
    for _ in range(9):
        kms.rotate_key_on_demand(KeyId=key["KeyId"])
    with pytest.raises(ClientError) as exc:
        kms.rotate_key_on_demand(KeyId=key["KeyId"])
    assert error_of(exc)[:2] == ("LimitExceededException", 400)
    everything = kms.list_key_rotations(KeyId=key["KeyId"], IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
    assert len(everything) == 11
    page = kms.list_key_rotations(KeyId=key["KeyId"], Limit=4)
    assert len(page["Rotations"]) == 4 and page["Truncated"] is True
    rest = kms.list_key_rotations(KeyId=key["KeyId"], Limit=100, Marker=page["NextMarker"])
    assert len(rest["Rotations"]) == 6 and rest["Truncated"] is False


def test_rotation_refused_for_asymmetric_keys(kms) -> None:
    key_id = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    for call in (kms.enable_key_rotation, kms.rotate_key_on_demand):
        with pytest.raises(ClientError) as exc:
            call(KeyId=key_id)
        assert error_of(exc)[0] == "UnsupportedOperationException"


def test_tags(kms) -> None:
    key_id = kms.create_key(Tags=[{"TagKey": "team", "TagValue": "a"}])["KeyMetadata"]["KeyId"]
    kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "team", "TagValue": "b"}, {"TagKey": "env", "TagValue": "prod"}])
    tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=key_id)["Tags"]}
    assert tags == {"team": "b", "env": "prod"}
    kms.untag_resource(KeyId=key_id, TagKeys=["team"])
    assert kms.list_resource_tags(KeyId=key_id)["Tags"] == [{"TagKey": "env", "TagValue": "prod"}]
    with pytest.raises(ClientError) as exc:
        kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "aws:reserved", "TagValue": "x"}])
    assert error_of(exc)[:2] == ("TagException", 400)
    assert len(kms.list_resource_tags(KeyId=key_id)["Tags"]) == 1


def test_default_key_policy_and_put(kms) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    text = kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]
    assert text.startswith('{\n  "Version" : "2012-10-17",\n  "Id" : "key-default-1",\n  "Statement" : [ {')
    document = json.loads(text)
    assert document["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::111111111111:root"}
    assert document["Statement"][0]["Action"] == "kms:*"
    assert kms.list_key_policies(KeyId=key_id)["PolicyNames"] == ["default"]
    new = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}]})
    kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=new)
    assert kms.get_key_policy(KeyId=key_id)["Policy"] == new
    with pytest.raises(ClientError) as exc:
        kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy="{not json")
    assert error_of(exc)[:2] == ("MalformedPolicyDocumentException", 400)
    assert kms.get_key_policy(KeyId=key_id)["Policy"] == new


def test_list_keys_paginates(kms) -> None:
    created = sorted(kms.create_key()["KeyMetadata"]["KeyId"] for _ in range(5))
    first = kms.list_keys(Limit=2)
    assert first["Truncated"] is True and len(first["Keys"]) == 2
    seen = [k["KeyId"] for k in first["Keys"]]
    marker = first["NextMarker"]
    while marker:
        page = kms.list_keys(Limit=2, Marker=marker)
        seen += [k["KeyId"] for k in page["Keys"]]
        marker = page.get("NextMarker")
    assert sorted(seen) == created
    with pytest.raises(ClientError) as exc:
        kms.list_keys(Marker="bogus")
    assert error_of(exc)[0] == "InvalidMarkerException"


def test_update_description(kms) -> None:
    key_id = kms.create_key(Description="old")["KeyMetadata"]["KeyId"]
    kms.update_key_description(KeyId=key_id, Description="new")
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["Description"] == "new"


def test_key_usage_must_fit_the_spec(kms) -> None:
    for spec, usage in (("ECC_NIST_P256", "ENCRYPT_DECRYPT"), ("HMAC_256", "SIGN_VERIFY"), ("SYMMETRIC_DEFAULT", "SIGN_VERIFY")):
        with pytest.raises(ClientError) as exc:
            kms.create_key(KeySpec=spec, KeyUsage=usage)
        assert error_of(exc)[:2] == ("ValidationException", 400)
    assert kms.list_keys()["Keys"] == []

"""Multi-Region keys (replicas decrypt each other's ciphertexts) and imported key material."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from tests.services.kms.conftest import error_of

ACCOUNT = "111111111111"
DAY = 86400


def test_replicas_decrypt_each_others_ciphertexts(aws, kms) -> None:
    key = kms.create_key(MultiRegion=True, Description="global")["KeyMetadata"]
    assert key["KeyId"].startswith("mrk-") and key["MultiRegion"] is True
    assert key["MultiRegionConfiguration"]["MultiRegionKeyType"] == "PRIMARY"
    replica = kms.replicate_key(KeyId=key["KeyId"], ReplicaRegion="eu-west-1")["ReplicaKeyMetadata"]
    assert replica["Arn"] == f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/{key['KeyId']}"
    assert replica["MultiRegionConfiguration"]["MultiRegionKeyType"] == "REPLICA"
    primary_meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert primary_meta["MultiRegionConfiguration"]["ReplicaKeys"] == [{"Arn": replica["Arn"], "Region": "eu-west-1"}]
    europe = aws("kms", region="eu-west-1", account=ACCOUNT)
    from_us = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"us", EncryptionContext={"c": "1"})["CiphertextBlob"]
    assert europe.decrypt(CiphertextBlob=from_us, EncryptionContext={"c": "1"})["Plaintext"] == b"us"
    from_eu = europe.encrypt(KeyId=key["KeyId"], Plaintext=b"eu")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=from_eu)["Plaintext"] == b"eu"
    # a rotation of the primary reaches the replica
    kms.rotate_key_on_demand(KeyId=key["KeyId"])
    rotated = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"after")["CiphertextBlob"]
    assert europe.decrypt(CiphertextBlob=rotated)["Plaintext"] == b"after"
    with pytest.raises(ClientError) as exc:
        kms.replicate_key(KeyId=key["KeyId"], ReplicaRegion="eu-west-1")
    assert error_of(exc)[:2] == ("AlreadyExistsException", 400)
    with pytest.raises(ClientError) as exc:
        europe.rotate_key_on_demand(KeyId=key["KeyId"])
    assert error_of(exc)[0] == "UnsupportedOperationException"


def test_primary_waits_for_its_replicas_before_deletion(aws, kms, fogbank) -> None:
    key_id = kms.create_key(MultiRegion=True)["KeyMetadata"]["KeyId"]
    kms.replicate_key(KeyId=key_id, ReplicaRegion="eu-west-1")
    europe = aws("kms", region="eu-west-1", account=ACCOUNT)
    scheduled = kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    assert scheduled["KeyState"] == "PendingReplicaDeletion" and "DeletionDate" not in scheduled
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert (meta["KeyState"], meta["PendingDeletionWindowInDays"]) == ("PendingReplicaDeletion", 7)
    with pytest.raises(ClientError) as exc:
        kms.encrypt(KeyId=key_id, Plaintext=b"x")
    assert error_of(exc)[:2] == ("KMSInvalidStateException", 400)
    with pytest.raises(ClientError) as exc:
        kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    assert error_of(exc)[0] == "KMSInvalidStateException"
    # the replica still works while the primary waits for it
    blob = europe.encrypt(KeyId=key_id, Plaintext=b"eu")["CiphertextBlob"]
    assert europe.decrypt(CiphertextBlob=blob)["Plaintext"] == b"eu"
    europe.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    fogbank.advance(7 * DAY + 1)
    # the last replica is gone: the primary's own 7-day waiting period has begun
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert meta["KeyState"] == "PendingDeletion" and meta["MultiRegionConfiguration"]["ReplicaKeys"] == []
    fogbank.advance(7 * DAY)
    with pytest.raises(ClientError) as exc:
        kms.describe_key(KeyId=key_id)
    assert error_of(exc)[0] == "NotFoundException"


def test_primary_replica_deletion_can_be_cancelled(aws, kms) -> None:
    key_id = kms.create_key(MultiRegion=True)["KeyMetadata"]["KeyId"]
    kms.replicate_key(KeyId=key_id, ReplicaRegion="eu-west-1")
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=10)
    kms.cancel_key_deletion(KeyId=key_id)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled"


def test_single_region_keys_cannot_replicate(kms) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as exc:
        kms.replicate_key(KeyId=key_id, ReplicaRegion="eu-west-1")
    assert error_of(exc)[:2] == ("UnsupportedOperationException", 400)


def test_update_primary_region(aws, kms) -> None:
    key_id = kms.create_key(MultiRegion=True)["KeyMetadata"]["KeyId"]
    kms.replicate_key(KeyId=key_id, ReplicaRegion="eu-west-1")
    kms.update_primary_region(KeyId=key_id, PrimaryRegion="eu-west-1")
    europe = aws("kms", region="eu-west-1", account=ACCOUNT)
    config = europe.describe_key(KeyId=key_id)["KeyMetadata"]["MultiRegionConfiguration"]
    assert config["MultiRegionKeyType"] == "PRIMARY"
    assert config["ReplicaKeys"] == [{"Arn": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{key_id}", "Region": "us-east-1"}]
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["MultiRegionConfiguration"]["MultiRegionKeyType"] == "REPLICA"


def _wrap(public_der: bytes, material: bytes) -> bytes:
    public = serialization.load_der_public_key(public_der)
    return public.encrypt(material, padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None))


def test_imported_key_material_expires_on_the_clock(kms, fogbank) -> None:
    key = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]
    assert key["KeyState"] == "PendingImport" and key["Origin"] == "EXTERNAL"
    with pytest.raises(ClientError) as exc:
        kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    assert error_of(exc) == ("KMSInvalidStateException", 400, f"{key['Arn']} is pending import.")
    params = kms.get_parameters_for_import(KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048")
    material = os.urandom(32)
    now = datetime.fromtimestamp(fogbank.advance(0), UTC)
    kms.import_key_material(
        KeyId=key["KeyId"], ImportToken=params["ImportToken"], EncryptedKeyMaterial=_wrap(params["PublicKey"], material),
        ExpirationModel="KEY_MATERIAL_EXPIRES", ValidTo=now + timedelta(days=2),
    )
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"imported")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"imported"
    fogbank.advance(3 * DAY)
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"
    with pytest.raises(ClientError) as exc:
        kms.decrypt(CiphertextBlob=blob)
    assert error_of(exc)[0] == "KMSInvalidStateException"
    # the same material again brings old ciphertexts back; other material is refused
    params = kms.get_parameters_for_import(KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048")
    with pytest.raises(ClientError) as exc:
        kms.import_key_material(
            KeyId=key["KeyId"], ImportToken=params["ImportToken"], EncryptedKeyMaterial=_wrap(params["PublicKey"], os.urandom(32)),
            ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
        )
    assert error_of(exc)[:2] == ("IncorrectKeyMaterialException", 400)
    kms.import_key_material(
        KeyId=key["KeyId"], ImportToken=params["ImportToken"], EncryptedKeyMaterial=_wrap(params["PublicKey"], material),
        ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
    )
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"imported"
    kms.delete_imported_key_material(KeyId=key["KeyId"])
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"


def test_import_token_checks(kms, fogbank) -> None:
    key_id = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    params = kms.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048")
    wrapped = _wrap(params["PublicKey"], os.urandom(32))
    with pytest.raises(ClientError) as exc:
        kms.import_key_material(KeyId=key_id, ImportToken=b"forged" * 8, EncryptedKeyMaterial=wrapped, ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")
    assert error_of(exc)[:2] == ("InvalidImportTokenException", 400)
    with pytest.raises(ClientError) as exc:
        kms.import_key_material(KeyId=key_id, ImportToken=params["ImportToken"], EncryptedKeyMaterial=wrapped)
    assert error_of(exc)[:2] == ("ValidationException", 400)
    fogbank.advance(DAY + 1)
    with pytest.raises(ClientError) as exc:
        kms.import_key_material(KeyId=key_id, ImportToken=params["ImportToken"], EncryptedKeyMaterial=wrapped, ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")
    assert error_of(exc)[:2] == ("ExpiredImportTokenException", 400)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingImport"
    aws_key = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as exc:
        kms.get_parameters_for_import(KeyId=aws_key, WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048")
    assert error_of(exc)[:2] == ("UnsupportedOperationException", 400)

"""Symmetric keys end to end: Encrypt/Decrypt with encryption context, data keys, ReEncrypt,
tampered and foreign ciphertexts."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tests.services.kms.conftest import error_of

ACCOUNT = "111111111111"


def test_encrypt_decrypt_round_trip_without_key_id(kms) -> None:
    key = kms.create_key(Description="app key")["KeyMetadata"]
    assert key["KeySpec"] == "SYMMETRIC_DEFAULT"
    assert key["KeyState"] == "Enabled" and key["Enabled"] is True
    assert key["Arn"] == f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{key['KeyId']}"
    assert key["EncryptionAlgorithms"] == ["SYMMETRIC_DEFAULT"]
    out = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"secret data")
    assert out["KeyId"] == key["Arn"]
    assert b"secret data" not in out["CiphertextBlob"]
    back = kms.decrypt(CiphertextBlob=out["CiphertextBlob"])
    assert back["Plaintext"] == b"secret data"
    assert back["KeyId"] == key["Arn"]
    assert back["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"


def test_two_encryptions_differ(kms) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    first = kms.encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]
    second = kms.encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]
    assert first != second


def test_encryption_context_is_bound(kms) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    ctx = {"purpose": "test", "tenant": "a"}
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"data", EncryptionContext=ctx)["CiphertextBlob"]
    # the same pairs in another order are the same context
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"tenant": "a", "purpose": "test"})["Plaintext"] == b"data"
    for wrong in ({"purpose": "test", "tenant": "b"}, {}, {"purpose": "test"}):
        with pytest.raises(ClientError) as exc:
            kms.decrypt(CiphertextBlob=blob, EncryptionContext=wrong)
        assert error_of(exc)[:2] == ("InvalidCiphertextException", 400)


def test_tampered_ciphertext_fails_cleanly(kms) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = bytearray(kms.encrypt(KeyId=key_id, Plaintext=b"data")["CiphertextBlob"])
    for position in (len(blob) - 1, len(blob) - 20, 50):
        tampered = bytearray(blob)
        tampered[position] ^= 0x01
        with pytest.raises(ClientError) as exc:
            kms.decrypt(CiphertextBlob=bytes(tampered))
        assert error_of(exc)[0] in ("InvalidCiphertextException", "NotFoundException")
    for junk in (b"x", b"not a ciphertext at all, just bytes" * 3, bytes(blob[:40])):
        with pytest.raises(ClientError) as exc:
            kms.decrypt(CiphertextBlob=junk)
        assert error_of(exc)[:2] == ("InvalidCiphertextException", 400)


def test_decrypt_with_the_wrong_key_id(kms) -> None:
    first = kms.create_key()["KeyMetadata"]["KeyId"]
    second = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=first, Plaintext=b"data")["CiphertextBlob"]
    with pytest.raises(ClientError) as exc:
        kms.decrypt(CiphertextBlob=blob, KeyId=second)
    code, status, message = error_of(exc)
    assert (code, status) == ("IncorrectKeyException", 400)
    assert message == "The key ID in the request does not identify a CMK that can perform this operation."
    assert kms.decrypt(CiphertextBlob=blob, KeyId=first)["Plaintext"] == b"data"


def test_unknown_keys(kms) -> None:
    missing = "11111111-2222-3333-4444-555555555555"
    with pytest.raises(ClientError) as exc:
        kms.encrypt(KeyId=missing, Plaintext=b"x")
    assert error_of(exc) == ("NotFoundException", 400, f"Key 'arn:aws:kms:us-east-1:{ACCOUNT}:key/{missing}' does not exist")
    with pytest.raises(ClientError) as exc:
        kms.describe_key(KeyId="not-a-key")
    assert error_of(exc) == ("NotFoundException", 400, "Invalid keyId 'not-a-key'")
    with pytest.raises(ClientError) as exc:
        kms.encrypt(KeyId="alias/nope", Plaintext=b"x")
    assert error_of(exc) == ("NotFoundException", 400, f"Alias 'arn:aws:kms:us-east-1:{ACCOUNT}:alias/nope' is not found.")


def test_plaintext_limit(kms) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    assert kms.encrypt(KeyId=key_id, Plaintext=b"a" * 4096)["CiphertextBlob"]
    with pytest.raises(ClientError) as exc:
        kms.encrypt(KeyId=key_id, Plaintext=b"a" * 4097)
    assert error_of(exc)[:2] == ("ValidationException", 400)


def test_key_by_arn_and_alias(kms) -> None:
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/app", TargetKeyId=key["KeyId"])
    for name in (key["Arn"], "alias/app", f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/app"):
        blob = kms.encrypt(KeyId=name, Plaintext=b"v")["CiphertextBlob"]
        assert kms.decrypt(CiphertextBlob=blob, KeyId=name)["Plaintext"] == b"v"


def test_envelope_encryption_with_a_data_key(kms) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext={"file": "a.txt"})
    assert len(data_key["Plaintext"]) == 32
    nonce = b"\x00" * 12
    sealed = AESGCM(data_key["Plaintext"]).encrypt(nonce, b"a large document", None)
    recovered = kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"], EncryptionContext={"file": "a.txt"})["Plaintext"]
    assert AESGCM(recovered).decrypt(nonce, sealed, None) == b"a large document"


def test_data_key_sizes(kms) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    assert len(kms.generate_data_key(KeyId=key_id, KeySpec="AES_128")["Plaintext"]) == 16
    assert len(kms.generate_data_key(KeyId=key_id, NumberOfBytes=64)["Plaintext"]) == 64
    blind = kms.generate_data_key_without_plaintext(KeyId=key_id, KeySpec="AES_256")
    assert "Plaintext" not in blind
    assert len(kms.decrypt(CiphertextBlob=blind["CiphertextBlob"])["Plaintext"]) == 32
    for kwargs in ({}, {"KeySpec": "AES_256", "NumberOfBytes": 32}):
        with pytest.raises(ClientError) as exc:
            kms.generate_data_key(KeyId=key_id, **kwargs)
        assert error_of(exc)[:2] == ("ValidationException", 400)


def test_re_encrypt_moves_a_ciphertext_to_another_key(kms) -> None:
    first = kms.create_key()["KeyMetadata"]
    second = kms.create_key()["KeyMetadata"]
    blob = kms.encrypt(KeyId=first["KeyId"], Plaintext=b"moving", EncryptionContext={"a": "1"})["CiphertextBlob"]
    moved = kms.re_encrypt(
        CiphertextBlob=blob,
        SourceEncryptionContext={"a": "1"},
        DestinationKeyId=second["KeyId"],
        DestinationEncryptionContext={"b": "2"},
    )
    assert moved["SourceKeyId"] == first["Arn"] and moved["KeyId"] == second["Arn"]
    back = kms.decrypt(CiphertextBlob=moved["CiphertextBlob"], EncryptionContext={"b": "2"})
    assert back["Plaintext"] == b"moving" and back["KeyId"] == second["Arn"]
    with pytest.raises(ClientError) as exc:
        kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=second["KeyId"])
    assert error_of(exc)[0] == "InvalidCiphertextException"


def test_generate_random(kms) -> None:
    first = kms.generate_random(NumberOfBytes=32)["Plaintext"]
    assert len(first) == 32 and first != kms.generate_random(NumberOfBytes=32)["Plaintext"]
    with pytest.raises(ClientError) as exc:
        kms.generate_random(NumberOfBytes=1025)
    assert error_of(exc)[:2] == ("ValidationException", 400)


def test_grant_tokens_and_dry_run(kms) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    grant = kms.create_grant(KeyId=key_id, GranteePrincipal="arn:aws:iam::111111111111:role/app", Operations=["Encrypt", "Decrypt"])
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"g", GrantTokens=[grant["GrantToken"]])["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, GrantTokens=[grant["GrantToken"]])["Plaintext"] == b"g"
    with pytest.raises(ClientError) as exc:
        kms.encrypt(KeyId=key_id, Plaintext=b"g", DryRun=True)
    assert error_of(exc)[:2] == ("DryRunOperationException", 412)


def test_keys_are_per_account_and_region(aws, kms) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"r")["CiphertextBlob"]
    other_region = aws("kms", region="eu-west-1", account=ACCOUNT)
    with pytest.raises(ClientError) as exc:
        other_region.describe_key(KeyId=key_id)
    assert error_of(exc)[0] == "NotFoundException"
    with pytest.raises(ClientError) as exc:
        other_region.decrypt(CiphertextBlob=blob)
    assert error_of(exc)[0] == "InvalidCiphertextException"
    assert aws("kms", account="222222222222").list_keys()["Keys"] == []

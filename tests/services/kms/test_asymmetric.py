"""RSA, ECC and HMAC keys: signatures that verify outside fogbank, RSA OAEP, MACs, data key pairs."""

from __future__ import annotations

import hashlib

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, utils

from tests.services.kms.conftest import error_of


@pytest.mark.parametrize(
    ("spec", "algorithm", "digest"),
    [
        ("ECC_NIST_P256", "ECDSA_SHA_256", hashes.SHA256()),
        ("ECC_NIST_P384", "ECDSA_SHA_384", hashes.SHA384()),
        ("ECC_NIST_P521", "ECDSA_SHA_512", hashes.SHA512()),
        ("ECC_SECG_P256K1", "ECDSA_SHA_256", hashes.SHA256()),
    ],
)
def test_ecdsa_signatures_verify_with_the_public_key(kms, spec, algorithm, digest) -> None:
    key = kms.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    assert key["SigningAlgorithms"] == [algorithm]
    public = kms.get_public_key(KeyId=key["KeyId"])
    assert public["KeySpec"] == spec and public["KeyUsage"] == "SIGN_VERIFY"
    verifier = serialization.load_der_public_key(public["PublicKey"])
    signature = kms.sign(KeyId=key["KeyId"], Message=b"hello", SigningAlgorithm=algorithm)["Signature"]
    verifier.verify(signature, b"hello", ec.ECDSA(digest))
    assert kms.verify(KeyId=key["KeyId"], Message=b"hello", Signature=signature, SigningAlgorithm=algorithm)["SignatureValid"]
    with pytest.raises(ClientError) as exc:
        kms.verify(KeyId=key["KeyId"], Message=b"hellO", Signature=signature, SigningAlgorithm=algorithm)
    assert error_of(exc)[:2] == ("KMSInvalidSignatureException", 400)


@pytest.mark.parametrize("algorithm", ["RSASSA_PSS_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PSS_SHA_512"])
def test_rsa_signatures_with_digests(kms, algorithm) -> None:
    key_id = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    name = "sha" + algorithm.rsplit("_", 1)[-1]
    digest = hashlib.new(name, b"document").digest()
    signature = kms.sign(KeyId=key_id, Message=digest, MessageType="DIGEST", SigningAlgorithm=algorithm)["Signature"]
    public = serialization.load_der_public_key(kms.get_public_key(KeyId=key_id)["PublicKey"])
    hash_algo = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512()}[name]
    pad = (
        padding.PSS(mgf=padding.MGF1(hash_algo), salt_length=hash_algo.digest_size)
        if "PSS" in algorithm
        else padding.PKCS1v15()
    )
    public.verify(signature, digest, pad, utils.Prehashed(hash_algo))
    # a RAW message signs the same content
    assert kms.verify(KeyId=key_id, Message=b"document", Signature=signature, SigningAlgorithm=algorithm)["SignatureValid"]
    with pytest.raises(ClientError) as exc:
        kms.sign(KeyId=key_id, Message=b"short", MessageType="DIGEST", SigningAlgorithm=algorithm)
    assert error_of(exc)[:2] == ("ValidationException", 400)


def test_rsa_oaep_encryption(kms) -> None:
    key = kms.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    assert key["EncryptionAlgorithms"] == ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]
    public = serialization.load_der_public_key(kms.get_public_key(KeyId=key["KeyId"])["PublicKey"])
    outside = public.encrypt(b"from outside", padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None))
    back = kms.decrypt(KeyId=key["KeyId"], CiphertextBlob=outside, EncryptionAlgorithm="RSAES_OAEP_SHA_256")
    assert back["Plaintext"] == b"from outside"
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"inside", EncryptionAlgorithm="RSAES_OAEP_SHA_1")["CiphertextBlob"]
    assert kms.decrypt(KeyId=key["KeyId"], CiphertextBlob=blob, EncryptionAlgorithm="RSAES_OAEP_SHA_1")["Plaintext"] == b"inside"
    with pytest.raises(ClientError) as exc:
        kms.decrypt(KeyId=key["KeyId"], CiphertextBlob=blob, EncryptionAlgorithm="RSAES_OAEP_SHA_256")
    assert error_of(exc)[0] == "InvalidCiphertextException"
    with pytest.raises(ClientError) as exc:
        kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    assert error_of(exc)[:2] == ("InvalidKeyUsageException", 400)
    with pytest.raises(ClientError) as exc:
        kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x" * 191, EncryptionAlgorithm="RSAES_OAEP_SHA_256")
    assert error_of(exc)[:2] == ("ValidationException", 400)


def test_wrong_key_usage(kms) -> None:
    signing = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    symmetric = kms.create_key()["KeyMetadata"]
    with pytest.raises(ClientError) as exc:
        kms.encrypt(KeyId=signing["KeyId"], Plaintext=b"x")
    assert error_of(exc)[:2] == ("InvalidKeyUsageException", 400)
    with pytest.raises(ClientError) as exc:
        kms.sign(KeyId=symmetric["KeyId"], Message=b"x", SigningAlgorithm="ECDSA_SHA_256")
    assert error_of(exc)[:2] == ("InvalidKeyUsageException", 400)
    with pytest.raises(ClientError) as exc:
        kms.sign(KeyId=signing["KeyId"], Message=b"x", SigningAlgorithm="RSASSA_PSS_SHA_256")
    assert error_of(exc)[:2] == ("InvalidKeyUsageException", 400)
    with pytest.raises(ClientError) as exc:
        kms.get_public_key(KeyId=symmetric["KeyId"])
    assert error_of(exc)[:2] == ("UnsupportedOperationException", 400)
    with pytest.raises(ClientError) as exc:
        kms.generate_data_key(KeyId=signing["KeyId"], KeySpec="AES_256")
    assert error_of(exc)[:2] == ("InvalidKeyUsageException", 400)


@pytest.mark.parametrize(("spec", "algorithm", "size"), [("HMAC_224", "HMAC_SHA_224", 28), ("HMAC_512", "HMAC_SHA_512", 64)])
def test_hmac_keys(kms, spec, algorithm, size) -> None:
    key = kms.create_key(KeySpec=spec, KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    assert key["MacAlgorithms"] == [algorithm]
    mac = kms.generate_mac(KeyId=key["KeyId"], Message=b"msg", MacAlgorithm=algorithm)
    assert len(mac["Mac"]) == size and mac["KeyId"] == key["Arn"]
    again = kms.generate_mac(KeyId=key["KeyId"], Message=b"msg", MacAlgorithm=algorithm)["Mac"]
    assert again == mac["Mac"]
    assert kms.verify_mac(KeyId=key["KeyId"], Message=b"msg", Mac=mac["Mac"], MacAlgorithm=algorithm)["MacValid"]
    with pytest.raises(ClientError) as exc:
        kms.verify_mac(KeyId=key["KeyId"], Message=b"other", Mac=mac["Mac"], MacAlgorithm=algorithm)
    assert error_of(exc)[:2] == ("KMSInvalidMacException", 400)
    with pytest.raises(ClientError) as exc:
        kms.generate_mac(KeyId=key["KeyId"], Message=b"msg", MacAlgorithm="HMAC_SHA_256")
    assert error_of(exc)[:2] == ("InvalidKeyUsageException", 400)


def test_data_key_pairs(kms) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    pair = kms.generate_data_key_pair(KeyId=key_id, KeyPairSpec="ECC_NIST_P256", EncryptionContext={"k": "v"})
    private = serialization.load_der_private_key(pair["PrivateKeyPlaintext"], password=None)
    public_der = private.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert public_der == pair["PublicKey"]
    unsealed = kms.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"], EncryptionContext={"k": "v"})["Plaintext"]
    assert unsealed == pair["PrivateKeyPlaintext"]
    blind = kms.generate_data_key_pair_without_plaintext(KeyId=key_id, KeyPairSpec="RSA_2048")
    assert "PrivateKeyPlaintext" not in blind and blind["KeyPairSpec"] == "RSA_2048"
    rsa_private = serialization.load_der_private_key(kms.decrypt(CiphertextBlob=blind["PrivateKeyCiphertextBlob"])["Plaintext"], password=None)
    assert rsa_private.key_size == 2048


def test_disabled_signing_key(kms) -> None:
    key = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    kms.disable_key(KeyId=key["KeyId"])
    with pytest.raises(ClientError) as exc:
        kms.sign(KeyId=key["KeyId"], Message=b"x", SigningAlgorithm="ECDSA_SHA_256")
    assert error_of(exc) == ("DisabledException", 400, f"{key['Arn']} is disabled.")

"""The cryptography behind KMS keys, with no knowledge of the store or of requests.

Key material is generated and used here with the ``cryptography`` library:

- symmetric keys (``SYMMETRIC_DEFAULT``): 256-bit AES-GCM. A ciphertext blob is self-describing
  so that Decrypt needs no KeyId and rotated keys still decrypt::

      0x01 | len(key ref) | key ref (the key's ARN, UTF-8) | material id (32 bytes)
           | nonce (12 bytes) | AES-GCM ciphertext and 16-byte tag

  The whole header and the canonical encryption context are the GCM associated data, so a
  changed header, a changed context or a flipped bit all fail authentication.
- RSA keys: PKCS#8 DER private keys; OAEP encryption, PSS (salt length = digest length) and
  PKCS#1 v1.5 signatures.
- ECC keys (NIST P-256/384/521, secp256k1): PKCS#8 DER; DER-encoded ECDSA signatures.
- HMAC keys: raw secrets of the spec's size.

Failures are raised as ``CryptoInputError`` (bad input: the caller's message) and
``CiphertextError`` (a blob that cannot be authenticated), which the provider maps to AWS errors.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap_with_padding

BLOB_VERSION = 1
MATERIAL_ID_BYTES = 32
NONCE_BYTES = 12

RSA_SIZES = {"RSA_2048": 2048, "RSA_3072": 3072, "RSA_4096": 4096}
ECC_CURVES: dict[str, type[ec.EllipticCurve]] = {
    "ECC_NIST_P256": ec.SECP256R1,
    "ECC_NIST_P384": ec.SECP384R1,
    "ECC_NIST_P521": ec.SECP521R1,
    "ECC_SECG_P256K1": ec.SECP256K1,
}
HMAC_BYTES = {"HMAC_224": 28, "HMAC_256": 32, "HMAC_384": 48, "HMAC_512": 64}

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "SHA_1": hashes.SHA1,
    "SHA_224": hashes.SHA224,
    "SHA_256": hashes.SHA256,
    "SHA_384": hashes.SHA384,
    "SHA_512": hashes.SHA512,
}
RSA_SIGNING = [
    "RSASSA_PSS_SHA_256",
    "RSASSA_PSS_SHA_384",
    "RSASSA_PSS_SHA_512",
    "RSASSA_PKCS1_V1_5_SHA_256",
    "RSASSA_PKCS1_V1_5_SHA_384",
    "RSASSA_PKCS1_V1_5_SHA_512",
]
ECC_SIGNING = {
    "ECC_NIST_P256": ["ECDSA_SHA_256"],
    "ECC_NIST_P384": ["ECDSA_SHA_384"],
    "ECC_NIST_P521": ["ECDSA_SHA_512"],
    "ECC_SECG_P256K1": ["ECDSA_SHA_256"],
}
RSA_ENCRYPTION = ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]
HMAC_ALGORITHMS = {"HMAC_224": "HMAC_SHA_224", "HMAC_256": "HMAC_SHA_256", "HMAC_384": "HMAC_SHA_384", "HMAC_512": "HMAC_SHA_512"}

#: the key usages each key spec allows, the first being the default
USAGES: dict[str, list[str]] = {
    "SYMMETRIC_DEFAULT": ["ENCRYPT_DECRYPT"],
    **{spec: ["ENCRYPT_DECRYPT", "SIGN_VERIFY"] for spec in RSA_SIZES},
    **{spec: ["SIGN_VERIFY"] for spec in ECC_CURVES},
    **{spec: ["GENERATE_VERIFY_MAC"] for spec in HMAC_BYTES},
}


class CryptoInputError(ValueError):
    """Input that cannot be used with this key or algorithm; the message is AWS's wording."""


class CiphertextError(ValueError):
    """A ciphertext that does not parse or does not authenticate."""


@dataclass(frozen=True)
class Blob:
    """A parsed symmetric ciphertext blob."""

    key_ref: str
    material_id: str
    header: bytes
    nonce: bytes
    body: bytes


def algorithms_for(spec: str, usage: str) -> dict[str, list[str]]:
    """The algorithm lists DescribeKey reports for a key of ``spec`` and ``usage``."""
    if spec == "SYMMETRIC_DEFAULT":
        return {"EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"]}
    if spec in RSA_SIZES:
        if usage == "ENCRYPT_DECRYPT":
            return {"EncryptionAlgorithms": list(RSA_ENCRYPTION)}
        return {"SigningAlgorithms": list(RSA_SIGNING)}
    if spec in ECC_CURVES:
        return {"SigningAlgorithms": list(ECC_SIGNING[spec])}
    if spec in HMAC_BYTES:
        return {"MacAlgorithms": [HMAC_ALGORITHMS[spec]]}
    return {}


def new_material_id() -> str:
    """A fresh key material id: 64 hex digits, as AWS writes them."""
    return os.urandom(MATERIAL_ID_BYTES).hex()


def material_id_of(secret: bytes) -> str:
    """The material id of imported material: derived from it, so a re-import keeps its id."""
    return hashlib.sha256(b"fogbank-kms-material" + secret).hexdigest()


def generate_material(spec: str) -> bytes:
    """New key material for ``spec``: raw bytes (symmetric, HMAC) or a PKCS#8 DER private key."""
    if spec == "SYMMETRIC_DEFAULT":
        return os.urandom(32)
    if spec in HMAC_BYTES:
        return os.urandom(HMAC_BYTES[spec])
    if spec in RSA_SIZES:
        key: Any = rsa.generate_private_key(public_exponent=65537, key_size=RSA_SIZES[spec])
    elif spec in ECC_CURVES:
        key = ec.generate_private_key(ECC_CURVES[spec]())
    else:
        raise CryptoInputError(f"KeySpec {spec} is not supported")
    return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def public_der(private_der: bytes) -> bytes:
    """The DER SubjectPublicKeyInfo of a PKCS#8 DER private key."""
    key: Any = serialization.load_der_private_key(private_der, password=None)
    return key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def check_imported(spec: str, material: bytes) -> None:
    """Raise ``CryptoInputError`` unless ``material`` is usable key material for ``spec``."""
    if spec == "SYMMETRIC_DEFAULT":
        ok = len(material) == 32
    elif spec in HMAC_BYTES:
        ok = len(material) == HMAC_BYTES[spec]
    else:
        try:
            key: Any = serialization.load_der_private_key(material, password=None)
        except (ValueError, TypeError):
            ok = False
        else:
            if spec in RSA_SIZES:
                ok = isinstance(key, rsa.RSAPrivateKey) and key.key_size == RSA_SIZES[spec]
            else:
                ok = isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ECC_CURVES[spec])
    if not ok:
        raise CryptoInputError(f"The key material is not valid for a {spec} key.")


# -- symmetric ------------------------------------------------------------------------------


def context_bytes(context: dict[str, str] | None) -> bytes:
    """The encryption context in a canonical form (sorted keys), bound as associated data."""
    if not context:
        return b""
    return json.dumps(context, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def encrypt_symmetric(secret: bytes, key_ref: str, material_id: str, plaintext: bytes, context: dict[str, str] | None) -> bytes:
    """A ciphertext blob of ``plaintext`` under ``secret`` (see the module docstring)."""
    ref = key_ref.encode()
    header = bytes([BLOB_VERSION, len(ref)]) + ref + bytes.fromhex(material_id)
    nonce = os.urandom(NONCE_BYTES)
    body = AESGCM(secret).encrypt(nonce, plaintext, header + context_bytes(context))
    return header + nonce + body


def parse_blob(blob: bytes) -> Blob:
    """Split a symmetric ciphertext blob; ``CiphertextError`` when it is not one."""
    if len(blob) < 2 or blob[0] != BLOB_VERSION:
        raise CiphertextError("not a fogbank ciphertext blob")
    ref_end = 2 + blob[1]
    header_end = ref_end + MATERIAL_ID_BYTES
    if len(blob) < header_end + NONCE_BYTES + 16:
        raise CiphertextError("ciphertext blob is truncated")
    try:
        ref = blob[2:ref_end].decode()
    except UnicodeDecodeError as exc:
        raise CiphertextError("ciphertext blob has a malformed key reference") from exc
    return Blob(
        key_ref=ref,
        material_id=blob[ref_end:header_end].hex(),
        header=blob[:header_end],
        nonce=blob[header_end : header_end + NONCE_BYTES],
        body=blob[header_end + NONCE_BYTES :],
    )


def decrypt_symmetric(secret: bytes, blob: Blob, context: dict[str, str] | None) -> bytes:
    """The plaintext of ``blob``; ``CiphertextError`` when it does not authenticate."""
    try:
        return AESGCM(secret).decrypt(blob.nonce, blob.body, blob.header + context_bytes(context))
    except InvalidTag as exc:
        raise CiphertextError("ciphertext does not authenticate") from exc


# -- asymmetric -----------------------------------------------------------------------------


def _hash(name: str) -> hashes.HashAlgorithm:
    return _HASHES[name]()


def _oaep(algorithm: str) -> padding.OAEP:
    digest = _hash("SHA_1" if algorithm == "RSAES_OAEP_SHA_1" else "SHA_256")
    return padding.OAEP(mgf=padding.MGF1(digest), algorithm=digest, label=None)


def rsa_max_plaintext(spec: str, algorithm: str) -> int:
    """The largest plaintext RSA OAEP can encrypt for this key size and hash."""
    digest_size = 20 if algorithm == "RSAES_OAEP_SHA_1" else 32
    return RSA_SIZES[spec] // 8 - 2 * digest_size - 2


def rsa_encrypt(public: bytes, algorithm: str, plaintext: bytes) -> bytes:
    """RSA OAEP encryption with a DER public key (SubjectPublicKeyInfo)."""
    key: Any = serialization.load_der_public_key(public)
    return key.encrypt(plaintext, _oaep(algorithm))


def rsa_decrypt(private_der: bytes, algorithm: str, ciphertext: bytes) -> bytes:
    """RSA OAEP decryption; ``CiphertextError`` when the ciphertext does not decrypt."""
    key: Any = serialization.load_der_private_key(private_der, password=None)
    try:
        return key.decrypt(ciphertext, _oaep(algorithm))
    except ValueError as exc:
        raise CiphertextError("RSA ciphertext does not decrypt") from exc


def _signing_parts(algorithm: str) -> tuple[str, hashes.HashAlgorithm]:
    family, _, digest = algorithm.partition("_SHA_")
    return family, _hash("SHA_" + digest)


def _prepared(algorithm: str, message: bytes, message_type: str) -> tuple[str, hashes.HashAlgorithm, bytes, Any]:
    family, digest = _signing_parts(algorithm)
    if message_type == "DIGEST":
        if len(message) != digest.digest_size:
            raise CryptoInputError(f"Digest is invalid length for algorithm {algorithm}.")
        return family, digest, message, utils.Prehashed(digest)
    hasher = hashes.Hash(digest)
    hasher.update(message)
    return family, digest, hasher.finalize(), utils.Prehashed(digest)


def _rsa_padding(family: str, digest: hashes.HashAlgorithm) -> padding.AsymmetricPadding:
    if family == "RSASSA_PSS":
        return padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size)
    return padding.PKCS1v15()


def sign(private_der: bytes, algorithm: str, message: bytes, message_type: str) -> bytes:
    """A signature of ``message`` (RAW: hashed here; DIGEST: already hashed)."""
    family, digest, data, prehashed = _prepared(algorithm, message, message_type)
    key: Any = serialization.load_der_private_key(private_der, password=None)
    if family == "ECDSA":
        return key.sign(data, ec.ECDSA(prehashed))
    return key.sign(data, _rsa_padding(family, digest), prehashed)


def verify(public: bytes, algorithm: str, message: bytes, message_type: str, signature: bytes) -> bool:
    """Whether ``signature`` is valid for ``message`` under the DER public key."""
    family, digest, data, prehashed = _prepared(algorithm, message, message_type)
    key: Any = serialization.load_der_public_key(public)
    try:
        if family == "ECDSA":
            key.verify(signature, data, ec.ECDSA(prehashed))
        else:
            key.verify(signature, data, _rsa_padding(family, digest), prehashed)
    except (InvalidSignature, ValueError):
        return False
    return True


# -- HMAC -----------------------------------------------------------------------------------


def mac(secret: bytes, algorithm: str, message: bytes) -> bytes:
    """The HMAC of ``message`` (``HMAC_SHA_256`` and the others)."""
    name = algorithm.removeprefix("HMAC_SHA_")
    return hmac.new(secret, message, getattr(hashlib, f"sha{name}")).digest()


# -- imported key material ------------------------------------------------------------------


def new_wrapping_key(spec: str) -> bytes:
    """A fresh RSA wrapping key pair (PKCS#8 DER) for GetParametersForImport."""
    return generate_material(spec)


def unwrap_material(wrapping_private_der: bytes, algorithm: str, wrapped: bytes) -> bytes:
    """Key material wrapped by the importer with the wrapping public key and ``algorithm``."""
    key: Any = serialization.load_der_private_key(wrapping_private_der, password=None)
    try:
        if algorithm == "RSAES_PKCS1_V1_5":
            return key.decrypt(wrapped, padding.PKCS1v15())
        if algorithm in ("RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"):
            return key.decrypt(wrapped, _oaep(algorithm))
        if algorithm in ("RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256"):
            # an ephemeral AES key wrapped with RSA OAEP, then the material wrapped with AES-KWP
            size = key.key_size // 8
            oaep = "RSAES_OAEP_SHA_1" if algorithm.endswith("SHA_1") else "RSAES_OAEP_SHA_256"
            aes_key = key.decrypt(wrapped[:size], _oaep(oaep))
            return aes_key_unwrap_with_padding(aes_key, wrapped[size:])
    except (ValueError, InvalidUnwrap) as exc:
        raise CiphertextError("wrapped key material does not unwrap") from exc
    raise CryptoInputError(f"Wrapping algorithm {algorithm} is not supported.")

"""KMS's cryptographic operations: Encrypt, Decrypt, ReEncrypt, data keys and data key pairs,
GenerateRandom, Sign/Verify, GenerateMac/VerifyMac and GetPublicKey.

Each takes the request dict and answers the response dict; key lookup and state checks are in
``keys``, the cryptography itself in ``crypto``. Grant tokens are accepted and not checked
(key policies and grants are not enforced).
"""

from __future__ import annotations

import hmac
import os
from typing import Any

from fogbank.context import Ctx
from fogbank.errors import InvalidInput
from fogbank.services.kms import crypto, keys
from fogbank.services.kms import store as kstore
from fogbank.services.kms.errors import (
    DryRunOperationException,
    IncorrectKeyException,
    InvalidCiphertextException,
    InvalidKeyUsageException,
    KMSInvalidMacException,
    KMSInvalidSignatureException,
    UnsupportedOperationException,
    key_not_found,
)

DATA_KEY_BYTES = {"AES_128": 16, "AES_256": 32}
PAIR_SPECS = (*crypto.RSA_SIZES, *crypto.ECC_CURVES)


def dry_run(request: dict[str, Any]) -> None:
    """Stop a request that asked only whether it would succeed."""
    if request.get("DryRun"):
        raise DryRunOperationException("The request would have succeeded, but the DryRun option is set.")


def _incompatible(algorithm: str, spec: str) -> InvalidKeyUsageException:
    return InvalidKeyUsageException(f"Algorithm {algorithm} is incompatible with key spec {spec}.")


def _encryption_key(ctx: Ctx, key_id: str, operation: str) -> dict[str, Any]:
    record = keys.resolve(ctx, key_id)
    keys.usable(record, operation, "ENCRYPT_DECRYPT")
    return record


def _encrypt_with(
    ctx: Ctx, record: dict[str, Any], plaintext: bytes, context: dict[str, str] | None, algorithm: str | None
) -> tuple[bytes, str, str | None]:
    """(ciphertext, algorithm, material id) of ``plaintext`` under a usable key."""
    spec = record["spec"]
    if spec == "SYMMETRIC_DEFAULT":
        algorithm = algorithm or "SYMMETRIC_DEFAULT"
        if algorithm != "SYMMETRIC_DEFAULT":
            raise _incompatible(algorithm, spec)
        material_id, secret = keys.current_material(ctx, record)
        blob = crypto.encrypt_symmetric(secret, keys.arn(record), material_id, plaintext, context)
        return blob, algorithm, material_id
    if algorithm not in crypto.RSA_ENCRYPTION:
        raise _incompatible(algorithm or "SYMMETRIC_DEFAULT", spec)
    if context:
        raise InvalidInput("EncryptionContext is not supported with asymmetric KMS keys.")
    if len(plaintext) > crypto.rsa_max_plaintext(spec, algorithm):
        raise InvalidInput(
            f"Plaintext is too long for {spec} with {algorithm}: at most "
            f"{crypto.rsa_max_plaintext(spec, algorithm)} bytes."
        )
    return crypto.rsa_encrypt(kstore.unb64(record["public"]), algorithm, plaintext), algorithm, None


def _blob_key(ctx: Ctx, blob: crypto.Blob) -> dict[str, Any]:
    """The key a symmetric blob names (a multi-Region key: its sibling in this Region)."""
    try:
        kind, account, region, key_id = keys.parse_key_id(ctx, blob.key_ref)
    except Exception as exc:
        raise InvalidCiphertextException("") from exc
    if kind != "key":
        raise InvalidCiphertextException("")
    if region != ctx.region:
        if not key_id.startswith("mrk-"):
            raise InvalidCiphertextException("")
        region = ctx.region
    record = keys.load(ctx, account, region, key_id)
    if record is None:
        raise key_not_found(keys.key_arn(region, account, key_id))
    return record


def _decrypt_with(
    ctx: Ctx, ciphertext: bytes, key_id: str | None, context: dict[str, str] | None,
    algorithm: str | None, operation: str,
) -> tuple[dict[str, Any], bytes, str, str | None]:
    """(key, plaintext, algorithm, material id) of a ciphertext."""
    blob: crypto.Blob | None = None
    if key_id is None:
        if algorithm not in (None, "SYMMETRIC_DEFAULT"):
            raise InvalidInput("KeyId is required for decryption with an asymmetric KMS key.")
        try:
            blob = crypto.parse_blob(ciphertext)
        except crypto.CiphertextError as exc:
            raise InvalidCiphertextException("") from exc
        record = _blob_key(ctx, blob)
    else:
        record = keys.resolve(ctx, key_id)
    keys.usable(record, operation, "ENCRYPT_DECRYPT")
    spec = record["spec"]
    if spec != "SYMMETRIC_DEFAULT":
        if algorithm not in crypto.RSA_ENCRYPTION:
            raise _incompatible(algorithm or "SYMMETRIC_DEFAULT", spec)
        try:
            plaintext = crypto.rsa_decrypt(keys.secret(record) or b"", algorithm, ciphertext)
        except crypto.CiphertextError as exc:
            raise InvalidCiphertextException("") from exc
        return record, plaintext, algorithm, None
    if algorithm not in (None, "SYMMETRIC_DEFAULT"):
        raise _incompatible(algorithm, spec)
    if blob is None:
        try:
            blob = crypto.parse_blob(ciphertext)
        except crypto.CiphertextError as exc:
            raise InvalidCiphertextException("") from exc
        if blob.key_ref.rsplit("/", 1)[-1] != record["id"]:
            raise IncorrectKeyException(
                "The key ID in the request does not identify a CMK that can perform this operation."
            )
    material = keys.all_materials(ctx, record).get(blob.material_id)
    if material is None or not material.get("secret"):
        raise InvalidCiphertextException("")
    try:
        plaintext = crypto.decrypt_symmetric(kstore.unb64(material["secret"]), blob, context)
    except crypto.CiphertextError as exc:
        raise InvalidCiphertextException("") from exc
    return record, plaintext, "SYMMETRIC_DEFAULT", blob.material_id


def encrypt(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Encrypt up to 4 KB under a key."""
    record = _encryption_key(ctx, request["KeyId"], "Encrypt")
    blob, algorithm, _ = _encrypt_with(
        ctx, record, request["Plaintext"], request.get("EncryptionContext"), request.get("EncryptionAlgorithm")
    )
    dry_run(request)
    return {"CiphertextBlob": blob, "KeyId": keys.arn(record), "EncryptionAlgorithm": algorithm}


def decrypt(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Decrypt a ciphertext; the key comes from the blob when KeyId is not given."""
    record, plaintext, algorithm, material_id = _decrypt_with(
        ctx, request["CiphertextBlob"], request.get("KeyId"), request.get("EncryptionContext"),
        request.get("EncryptionAlgorithm"), "Decrypt",
    )
    dry_run(request)
    out = {"KeyId": keys.arn(record), "Plaintext": plaintext, "EncryptionAlgorithm": algorithm}
    if material_id:
        out["KeyMaterialId"] = material_id
    return out


def re_encrypt(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Decrypt under one key and encrypt under another, the plaintext never leaving KMS."""
    source, plaintext, source_alg, source_material = _decrypt_with(
        ctx, request["CiphertextBlob"], request.get("SourceKeyId"), request.get("SourceEncryptionContext"),
        request.get("SourceEncryptionAlgorithm"), "ReEncrypt",
    )
    destination = _encryption_key(ctx, request["DestinationKeyId"], "ReEncrypt")
    blob, dest_alg, dest_material = _encrypt_with(
        ctx, destination, plaintext, request.get("DestinationEncryptionContext"), request.get("DestinationEncryptionAlgorithm")
    )
    dry_run(request)
    out: dict[str, Any] = {
        "CiphertextBlob": blob,
        "SourceKeyId": keys.arn(source),
        "KeyId": keys.arn(destination),
        "SourceEncryptionAlgorithm": source_alg,
        "DestinationEncryptionAlgorithm": dest_alg,
    }
    if source_material:
        out["SourceKeyMaterialId"] = source_material
    if dest_material:
        out["DestinationKeyMaterialId"] = dest_material
    return out


def _data_key_size(request: dict[str, Any]) -> int:
    spec, count = request.get("KeySpec"), request.get("NumberOfBytes")
    if (spec is None) == (count is None):
        raise InvalidInput("Please specify either number of bytes or key spec.")
    return DATA_KEY_BYTES[spec] if spec is not None else int(count)


def _symmetric_key(ctx: Ctx, key_id: str, operation: str) -> dict[str, Any]:
    record = _encryption_key(ctx, key_id, operation)
    if record["spec"] != "SYMMETRIC_DEFAULT":
        raise InvalidKeyUsageException(f"{keys.arn(record)} key usage is ENCRYPT_DECRYPT with key spec {record['spec']}, which is not valid for {operation}.")
    return record


def generate_data_key(ctx: Ctx, request: dict[str, Any], *, plaintext: bool = True) -> dict[str, Any]:
    """A fresh data key, in plaintext (unless ``plaintext`` is False) and encrypted under the key."""
    operation = "GenerateDataKey" if plaintext else "GenerateDataKeyWithoutPlaintext"
    record = _symmetric_key(ctx, request["KeyId"], operation)
    data_key = os.urandom(_data_key_size(request))
    blob, _, material_id = _encrypt_with(ctx, record, data_key, request.get("EncryptionContext"), None)
    dry_run(request)
    out: dict[str, Any] = {"CiphertextBlob": blob, "KeyId": keys.arn(record), "KeyMaterialId": material_id}
    if plaintext:
        out["Plaintext"] = data_key
    return out


def generate_data_key_pair(ctx: Ctx, request: dict[str, Any], *, plaintext: bool = True) -> dict[str, Any]:
    """A fresh asymmetric data key pair; the private key also encrypted under the key."""
    operation = "GenerateDataKeyPair" if plaintext else "GenerateDataKeyPairWithoutPlaintext"
    record = _symmetric_key(ctx, request["KeyId"], operation)
    pair_spec = request["KeyPairSpec"]
    if pair_spec not in PAIR_SPECS:
        raise UnsupportedOperationException(f"KeyPairSpec {pair_spec} is not supported in this Region.")
    private = crypto.generate_material(pair_spec)
    blob, _, material_id = _encrypt_with(ctx, record, private, request.get("EncryptionContext"), None)
    dry_run(request)
    out: dict[str, Any] = {
        "PrivateKeyCiphertextBlob": blob,
        "PublicKey": crypto.public_der(private),
        "KeyId": keys.arn(record),
        "KeyPairSpec": pair_spec,
        "KeyMaterialId": material_id,
    }
    if plaintext:
        out["PrivateKeyPlaintext"] = private
    return out


def generate_random(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Random bytes from the operating system's generator."""
    count = request.get("NumberOfBytes")
    if count is None:
        raise InvalidInput("1 validation error detected: Value null at 'numberOfBytes' failed to satisfy constraint: Member must not be null")
    return {"Plaintext": os.urandom(int(count))}


def _signing_key(ctx: Ctx, request: dict[str, Any], operation: str) -> tuple[dict[str, Any], str]:
    record = keys.resolve(ctx, request["KeyId"])
    keys.usable(record, operation, "SIGN_VERIFY")
    algorithm = request["SigningAlgorithm"]
    if algorithm not in crypto.algorithms_for(record["spec"], "SIGN_VERIFY").get("SigningAlgorithms", []):
        raise _incompatible(algorithm, record["spec"])
    return record, algorithm


def sign(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Sign a message or digest with an asymmetric SIGN_VERIFY key."""
    record, algorithm = _signing_key(ctx, request, "Sign")
    try:
        signature = crypto.sign(keys.secret(record) or b"", algorithm, request["Message"], request.get("MessageType", "RAW"))
    except crypto.CryptoInputError as exc:
        raise InvalidInput(str(exc)) from exc
    dry_run(request)
    return {"KeyId": keys.arn(record), "Signature": signature, "SigningAlgorithm": algorithm}


def verify(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Check a signature made by Sign (or by anyone holding the private key)."""
    record, algorithm = _signing_key(ctx, request, "Verify")
    try:
        valid = crypto.verify(
            kstore.unb64(record["public"]), algorithm, request["Message"], request.get("MessageType", "RAW"), request["Signature"]
        )
    except crypto.CryptoInputError as exc:
        raise InvalidInput(str(exc)) from exc
    if not valid:
        raise KMSInvalidSignatureException("")
    dry_run(request)
    return {"KeyId": keys.arn(record), "SignatureValid": True, "SigningAlgorithm": algorithm}


def _mac_key(ctx: Ctx, request: dict[str, Any], operation: str) -> tuple[dict[str, Any], str]:
    record = keys.resolve(ctx, request["KeyId"])
    keys.usable(record, operation, "GENERATE_VERIFY_MAC")
    algorithm = request["MacAlgorithm"]
    if algorithm != crypto.HMAC_ALGORITHMS[record["spec"]]:
        raise _incompatible(algorithm, record["spec"])
    return record, algorithm


def generate_mac(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """The HMAC of a message under an HMAC key."""
    record, algorithm = _mac_key(ctx, request, "GenerateMac")
    _, secret = keys.current_material(ctx, record)
    dry_run(request)
    return {"Mac": crypto.mac(secret, algorithm, request["Message"]), "MacAlgorithm": algorithm, "KeyId": keys.arn(record)}


def verify_mac(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Check an HMAC made by GenerateMac."""
    record, algorithm = _mac_key(ctx, request, "VerifyMac")
    _, secret = keys.current_material(ctx, record)
    if not hmac.compare_digest(crypto.mac(secret, algorithm, request["Message"]), request["Mac"]):
        raise KMSInvalidMacException("")
    dry_run(request)
    return {"KeyId": keys.arn(record), "MacValid": True, "MacAlgorithm": algorithm}


def get_public_key(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """The public half of an asymmetric key, as DER SubjectPublicKeyInfo."""
    record = keys.resolve(ctx, request["KeyId"])
    if record["state"] in ("PendingDeletion", "Disabled"):
        keys.usable(record, "GetPublicKey")
    if record["public"] is None:
        raise UnsupportedOperationException(f"{keys.arn(record)} key usage is {record['usage']} and key spec {record['spec']}, which does not have a public key.")
    return {
        "KeyId": keys.arn(record),
        "PublicKey": kstore.unb64(record["public"]),
        "CustomerMasterKeySpec": record["spec"],
        "KeySpec": record["spec"],
        "KeyUsage": record["usage"],
        **crypto.algorithms_for(record["spec"], record["usage"]),
    }

"""Server-side encryption of object bytes at rest: SSE-S3, SSE-KMS and SSE-C.

Every encrypted object (or multipart part) is a blob encrypted with AES-256 in CTR mode under a
per-object data key, with a random 16-byte initial counter per blob. CTR was chosen over GCM so
that a range GET decrypts only the bytes it returns: the counter for any offset is the initial
counter plus ``offset // 16``. Integrity comes from the ETag/checksums S3 already keeps, not
from the cipher (CTR is unauthenticated; the threat model is "bytes at rest are not plaintext").

Data keys:
- SSE-S3 (``AES256``): the account and region's S3 key, kept in the store, with the blob's own
  random initial counter. Every bucket encrypts this way by default (as S3 does since January
  2023), so the cost per object is kept to one cipher setup: no per-object key to generate, wrap
  and unwrap. Random 128-bit counters make two blobs sharing keystream as unlikely as guessing
  the key. Records written with a per-object key wrapped under the region key (``wrapped``)
  are still read.
- SSE-KMS (``aws:kms``): the data key comes from KMS's GenerateDataKey (``ctx.call``), and only
  its ciphertext is stored; reading calls KMS's Decrypt, so a disabled key or a caller without
  ``kms:Decrypt`` gets KMS's error. The default key is the account's ``aws/s3`` key. Where no KMS
  provider can be reached (a context without dispatch) the data key is wrapped locally like
  SSE-S3's, with the key id recorded so responses still echo it.
- SSE-C: the customer's own key (verified against its MD5) encrypts the bytes; only the key's
  MD5 is stored, so the object cannot be read without the key.
"""

from __future__ import annotations

import base64
import hashlib
import os
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from fogbank.context import Ctx
from fogbank.errors import NotImplementedOperation, ServiceError
from fogbank.services.s3 import store as keys
from fogbank.services.s3.errors import AccessDenied, InvalidArgument, InvalidRequest, KmsError

AES256 = "AES256"
# A bucket's encryption configuration when none was put (or after DeleteBucketEncryption).
DEFAULT_ENCRYPTION: dict[str, Any] = {
    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": AES256}, "BucketKeyEnabled": False}]
}
KMS = "aws:kms"
SSE_C = "SSE-C"
_BLOCK = 16


def new_iv() -> bytes:
    """A random initial counter block for one blob."""
    return os.urandom(_BLOCK)


def cipher(key: bytes, iv: bytes, offset: int = 0) -> Any:
    """A CTR transformer (``update(bytes) -> bytes``) positioned at byte ``offset`` of the blob;
    CTR encrypts and decrypts alike."""
    block, skip = divmod(offset, _BLOCK)
    counter = (int.from_bytes(iv, "big") + block) % (1 << 128)
    ctr = Cipher(algorithms.AES(key), modes.CTR(counter.to_bytes(_BLOCK, "big"))).encryptor()
    if skip:
        ctr.update(b"\0" * skip)
    return ctr


def _master(ctx: Ctx, account: str, region: str) -> bytes:
    key = keys.master_key(account, region)
    raw = ctx.store.get(key)
    if raw is None:
        with ctx.store.transaction() as txn:
            raw = txn.get(key)
            if raw is None:
                raw = os.urandom(32)
                txn.put(key, raw)
    return bytes(raw)


def _wrap(master: bytes, data_key: bytes) -> str:
    nonce = os.urandom(12)
    return base64.b64encode(nonce + AESGCM(master).encrypt(nonce, data_key, b"s3-data-key")).decode()


def _unwrap(master: bytes, wrapped: str) -> bytes:
    raw = base64.b64decode(wrapped)
    return AESGCM(master).decrypt(raw[:12], raw[12:], b"s3-data-key")


def default_kms_key(account: str, region: str) -> str:
    """The ARN S3 reports for the account's AWS-managed ``aws/s3`` key."""
    return f"arn:aws:kms:{region}:{account}:alias/aws/s3"


def kms_key_arn(key_id: str, account: str, region: str) -> str:
    """A KMS key id as S3 echoes it: an ARN."""
    if key_id.startswith("arn:"):
        return key_id
    if key_id.startswith("alias/"):
        return f"arn:aws:kms:{region}:{account}:{key_id}"
    return f"arn:aws:kms:{region}:{account}:key/{key_id}"


def kms_data_key(ctx: Ctx, key_arn: str) -> tuple[bytes, dict[str, str]] | None:
    """The KMS hook: a data key from KMS's GenerateDataKey, or None while fogbank has no KMS.

    Returns the plaintext key and what to store to get it back (``kms_blob``).
    """
    if ctx.dispatch is None:
        return None
    try:
        out = _call_kms(ctx, "GenerateDataKey", {"KeyId": key_arn, "KeySpec": "AES_256"})  # as the caller
    except NotImplementedOperation:
        return None
    stored = {"kms_blob": base64.b64encode(out["CiphertextBlob"]).decode()}
    if out.get("KeyId"):
        stored["kms_key"] = out["KeyId"]
    return out["Plaintext"], stored


def _call_kms(ctx: Ctx, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    """A KMS call whose errors reach the S3 client the way S3 reports them: a denial as S3's
    ``AccessDenied``, any other KMS error under its own code prefixed ``KMS.``."""
    try:
        return ctx.call("kms", operation, request)
    except NotImplementedOperation:
        raise
    except ServiceError as err:
        if err.code == "AccessDeniedException":
            raise AccessDenied(err.message) from None
        raise KmsError(err) from None


def customer_key(algorithm: str | None, key_b64: str | None, key_md5: str | None, *, source: bool = False) -> bytes | None:
    """The SSE-C key from its three headers (None when none are sent); checks algorithm and MD5."""
    if algorithm is None and key_b64 is None and key_md5 is None:
        return None
    prefix = "x-amz-copy-source-server-side-encryption-customer" if source else "x-amz-server-side-encryption-customer"
    if algorithm is None:
        raise InvalidArgument(
            "Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.",
            ArgumentName=f"{prefix}-algorithm",
        )
    if algorithm != AES256:
        raise InvalidArgument("The encryption algorithm specified is not valid.", ArgumentName=f"{prefix}-algorithm", ArgumentValue=algorithm)
    try:
        key = base64.b64decode(key_b64 or "", validate=True)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise InvalidArgument(
            "The secret key was invalid for the specified algorithm.", ArgumentName=f"{prefix}-key"
        )
    expected = base64.b64encode(hashlib.md5(key, usedforsecurity=False).digest()).decode()
    if key_md5 is not None and key_md5 != expected:
        raise InvalidArgument(
            "The calculated MD5 hash of the key did not match the hash that was provided.",
            ArgumentName=f"{prefix}-key-MD5",
        )
    return key


def key_md5(key: bytes) -> str:
    """The base64 MD5 of an SSE-C key, as S3 echoes it."""
    return base64.b64encode(hashlib.md5(key, usedforsecurity=False).digest()).decode()


def new_object_key(ctx: Ctx, account: str, region: str, mode: str | None, kms_key: str | None,
                   sse_c: bytes | None) -> tuple[bytes | None, dict[str, Any] | None]:
    """The data key for a new object and the ``sse`` record to store with it (None, None: plain)."""
    if sse_c is not None:
        if mode is not None:
            raise InvalidRequest("Server Side Encryption with Customer provided key is incompatible with the encryption method specified")
        return sse_c, {"mode": SSE_C, "key_md5": key_md5(sse_c)}
    if mode is None:
        return None, None
    if mode == AES256:
        return _master(ctx, account, region), {"mode": AES256}
    data_key = os.urandom(32)
    record: dict[str, Any] = {"mode": mode}
    if mode == KMS:
        arn = kms_key_arn(kms_key, account, region) if kms_key else default_kms_key(account, region)
        record["kms_key"] = arn
        from_kms = kms_data_key(ctx, arn)
        if from_kms is not None:
            data_key, stored = from_kms
            record.update(stored)
            return data_key, record
    record["wrapped"] = _wrap(_master(ctx, account, region), data_key)
    return data_key, record


def object_data_key(ctx: Ctx, account: str, region: str, sse: dict[str, Any] | None,
                    sse_c: bytes | None, *, source: bool = False) -> bytes | None:
    """The key that decrypts an existing object, checking SSE-C keys; None for plain objects."""
    if sse is None:
        if sse_c is not None:
            raise InvalidRequest("The encryption parameters are not applicable to this object.")
        return None
    if sse["mode"] == SSE_C:
        if sse_c is None:
            raise InvalidRequest(
                "The object was stored using a form of Server Side Encryption. The correct parameters "
                "must be provided to retrieve the object."
            )
        if key_md5(sse_c) != sse["key_md5"]:
            raise AccessDenied(
                "The provided encryption key does not match the key used to encrypt the object"
                if not source else "The provided copy source key does not match the key used to encrypt the object"
            )
        return sse_c
    if "kms_blob" in sse:
        try:
            out = _call_kms(ctx, "Decrypt", {"CiphertextBlob": base64.b64decode(sse["kms_blob"]), "KeyId": sse["kms_key"]})
        except NotImplementedOperation:
            raise AccessDenied("fogbank cannot reach KMS to decrypt this object") from None
        return out["Plaintext"]
    master = _master(ctx, account, region)
    return _unwrap(master, sse["wrapped"]) if "wrapped" in sse else master


def response_fields(sse: dict[str, Any] | None) -> dict[str, Any]:
    """The SSE members a response echoes for an object."""
    if not sse:
        return {}
    if sse["mode"] == SSE_C:
        return {"SSECustomerAlgorithm": AES256, "SSECustomerKeyMD5": sse["key_md5"]}
    out: dict[str, Any] = {"ServerSideEncryption": sse["mode"]}
    if sse["mode"] == KMS:
        out["SSEKMSKeyId"] = sse["kms_key"]
        if sse.get("bucket_key"):
            out["BucketKeyEnabled"] = True
    return out

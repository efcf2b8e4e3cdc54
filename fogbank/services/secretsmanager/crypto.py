"""Secret values encrypted for real through KMS (``ctx.call("kms", ...)``), under the secret's key
(``alias/aws/secretsmanager`` by default) with an encryption context naming the secret's ARN."""

from __future__ import annotations

import base64
from typing import Any

from fogbank.context import Ctx
from fogbank.errors import ServiceError
from fogbank.services.secretsmanager.errors import DecryptionFailure, EncryptionFailure

DEFAULT_KEY = "alias/aws/secretsmanager"
_CONTEXT_KEY = "SecretARN"


def encrypt(ctx: Ctx, arn: str, key_id: str | None, plaintext: bytes) -> tuple[str, str]:
    """``(base64 ciphertext, ARN of the key used)`` of one secret value."""
    try:
        out = ctx.call("kms", "Encrypt", {
            "KeyId": key_id or DEFAULT_KEY,
            "Plaintext": plaintext or b"\0",  # KMS refuses empty plaintext; see decrypt()
            "EncryptionContext": {_CONTEXT_KEY: arn},
        })
    except ServiceError as err:
        if err.code in ("NotFoundException", "DisabledException", "InvalidKeyUsageException",
                        "KMSInvalidStateException", "AccessDeniedException"):
            raise EncryptionFailure(f"Access to KMS is not allowed ({err.code}: {err.message})") from err
        raise
    return base64.b64encode(out["CiphertextBlob"]).decode(), out["KeyId"]


def decrypt(ctx: Ctx, arn: str, stored: dict[str, Any]) -> bytes:
    """The plaintext of a stored value."""
    try:
        out = ctx.call("kms", "Decrypt", {
            "CiphertextBlob": base64.b64decode(stored["blob"]),
            "EncryptionContext": {_CONTEXT_KEY: arn},
        })
    except ServiceError as err:
        raise DecryptionFailure(
            "Secrets Manager can't decrypt the protected secret text using the provided KMS key."
        ) from err
    plain = out["Plaintext"]
    return b"" if stored.get("empty") else plain

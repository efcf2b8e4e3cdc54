"""What other services call to use KMS: their AWS managed key and envelope helpers, always
through ``ctx.call("kms", ...)`` so that KMS's own validation, states and errors apply.

``ctx.call("kms", "DescribeKey", {"KeyId": "alias/aws/s3"})`` creates the AWS managed key of S3
on first use, as AWS does; ``managed_key_arn`` wraps exactly that.
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Ctx


def managed_key_arn(ctx: Ctx, service: str) -> str:
    """The ARN of the AWS managed key ``alias/aws/<service>`` of the caller's account and Region."""
    return ctx.call("kms", "DescribeKey", {"KeyId": f"alias/aws/{service}"})["KeyMetadata"]["Arn"]


def encrypt(ctx: Ctx, key_id: str, plaintext: bytes, context: dict[str, str] | None = None) -> dict[str, Any]:
    """Encrypt under ``key_id`` (an id, ARN or alias); the Encrypt response."""
    params: dict[str, Any] = {"KeyId": key_id, "Plaintext": plaintext}
    if context:
        params["EncryptionContext"] = context
    return ctx.call("kms", "Encrypt", params)


def decrypt(ctx: Ctx, blob: bytes, context: dict[str, str] | None = None) -> dict[str, Any]:
    """Decrypt a symmetric ciphertext blob; the Decrypt response."""
    params: dict[str, Any] = {"CiphertextBlob": blob}
    if context:
        params["EncryptionContext"] = context
    return ctx.call("kms", "Decrypt", params)

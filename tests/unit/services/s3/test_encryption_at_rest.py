"""Encrypted objects are not plaintext on disk, and CTR decryption works from any offset."""

from __future__ import annotations

import os
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fogbank.context import Ctx
from fogbank.services.s3 import crypto

MARKER = b"PLAINTEXT-MARKER-" * 4096  # larger than the inline limit: stored as a blob file


def _blob_bytes(ctx: Ctx) -> bytes:
    return b"".join(p.read_bytes() for p in ctx.blobs.root.rglob("*") if p.is_file())


def test_no_object_is_plaintext_at_rest(ctx: Ctx, provider: Any) -> None:
    provider.create_bucket(ctx, {"Bucket": "rest-bucket"})
    for key, extra in [
        ("default", {}),
        ("s3", {"ServerSideEncryption": "AES256"}),
        ("kms", {"ServerSideEncryption": "aws:kms"}),
        ("c", {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": __import__("base64").b64encode(b"k" * 32).decode()}),
    ]:
        provider.put_object(ctx, {"Bucket": "rest-bucket", "Key": key, "Body": MARKER, **extra})
    stored = _blob_bytes(ctx)
    assert len(stored) == 4 * len(MARKER)
    assert b"PLAINTEXT-MARKER" not in stored
    for key in ("default", "s3"):
        got = provider.get_object(ctx, {"Bucket": "rest-bucket", "Key": key})
        assert b"".join(got["Body"]) == MARKER
        got["Body"].close()


def test_small_encrypted_objects_are_not_plaintext_in_the_store(ctx: Ctx, provider: Any) -> None:
    import base64

    from fogbank.services.s3 import store as keys

    provider.create_bucket(ctx, {"Bucket": "small-bucket"})
    secret = b"tiny secret value"
    provider.put_object(ctx, {"Bucket": "small-bucket", "Key": "default", "Body": secret})
    provider.put_object(ctx, {"Bucket": "small-bucket", "Key": "sealed", "Body": secret, "ServerSideEncryption": "AES256"})
    stored = {k[-1]: keys.loads(v) for k, v in ctx.store.scan(keys.objects_prefix("111111111111", "us-east-1", "small-bucket"))}
    for name in ("default", "sealed"):
        sealed = base64.b64decode(stored[name]["segs"][0][3])
        assert len(sealed) == len(secret) and sealed != secret
        assert stored[name]["sse"] == {"mode": "AES256"}  # no per-object key: the region's key and a fresh counter
    assert stored["default"]["segs"][0][2] != stored["sealed"]["segs"][0][2]
    assert provider.get_object(ctx, {"Bucket": "small-bucket", "Key": "default"})["Body"] == secret
    assert provider.get_object(ctx, {"Bucket": "small-bucket", "Key": "sealed"})["Body"] == secret


@settings(max_examples=50)
@given(st.binary(min_size=1, max_size=300), st.data())
def test_ctr_from_any_offset(data: bytes, draw: Any) -> None:
    key, iv = os.urandom(32), crypto.new_iv()
    sealed = crypto.cipher(key, iv).update(data)
    offset = draw.draw(st.integers(min_value=0, max_value=len(data) - 1))
    assert crypto.cipher(key, iv, offset).update(sealed[offset:]) == data[offset:]


def test_iv_counter_wraps() -> None:
    key = os.urandom(32)
    iv = (2**128 - 1).to_bytes(16, "big")
    data = os.urandom(64)
    sealed = crypto.cipher(key, iv).update(data)
    assert crypto.cipher(key, iv, 33).update(sealed[33:]) == data[33:]


def test_chunk_verifier_refusal_stores_nothing(ctx: Ctx, provider: Any) -> None:
    import pytest

    from fogbank.auth.chunked import encode
    from fogbank.services.s3.errors import SignatureDoesNotMatch

    provider.create_bucket(ctx, {"Bucket": "signed-bucket"})
    seen: list[str | None] = []

    def verifier(signature: str | None, data: bytes) -> None:
        seen.append(signature)
        if signature != "good":
            raise ValueError("The request signature we calculated does not match the signature you provided.")

    ctx.extras["chunk_verifier"] = verifier
    body = encode(b"x" * 100_000, 40_000, signature="good")
    provider.put_object(ctx, {"Bucket": "signed-bucket", "Key": "ok", "Body": body, "ContentEncoding": "aws-chunked"})
    assert seen == ["good"] * 4
    bad = encode(b"y" * 100_000, 40_000, signature="forged")
    with pytest.raises(SignatureDoesNotMatch):
        provider.put_object(ctx, {"Bucket": "signed-bucket", "Key": "bad", "Body": bad, "ContentEncoding": "aws-chunked"})
    listed = provider.list_objects_v2(ctx, {"Bucket": "signed-bucket"})
    assert [c["Key"] for c in listed["Contents"]] == ["ok"]
    assert sum(1 for p in ctx.blobs.root.rglob("*") if p.is_file()) == 1


def test_objects_with_a_wrapped_per_object_key_still_read(ctx: Ctx) -> None:
    data_key = os.urandom(32)
    region_key, sse = crypto.new_object_key(ctx, "111111111111", "us-east-1", crypto.AES256, None, None)
    assert sse == {"mode": "AES256"} and region_key is not None
    older = {"mode": "AES256", "wrapped": crypto._wrap(region_key, data_key)}
    assert crypto.object_data_key(ctx, "111111111111", "us-east-1", older, None) == data_key
    assert crypto.object_data_key(ctx, "111111111111", "us-east-1", sse, None) == region_key

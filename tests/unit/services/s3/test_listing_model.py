"""ListObjectsV2 paging with prefix and delimiter agrees with a naive model of S3's listing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fogbank.clock import Clock
from fogbank.config import Config
from fogbank.context import Ctx
from fogbank.services.s3.provider import Provider
from fogbank.store.blobs import TempBlobStore
from fogbank.store.memory import MemoryStore

KEYS = st.lists(st.text(alphabet="ab/é.", min_size=1, max_size=6), max_size=25, unique=True)


def _model(keys: list[str], prefix: str, delimiter: str) -> list[str]:
    out: list[str] = []
    for key in sorted(keys):
        if not key.startswith(prefix):
            continue
        cut = key.find(delimiter, len(prefix)) if delimiter else -1
        entry = key[: cut + len(delimiter)] if cut >= 0 else key
        if entry not in out:
            out.append(entry)
    return out


@settings(max_examples=60, deadline=None)
@given(KEYS, st.sampled_from(["", "a", "b/", "é"]), st.sampled_from(["", "/", "."]), st.integers(min_value=1, max_value=4))
def test_paging_matches_model(keys: list[str], prefix: str, delimiter: str, page_size: int) -> None:
    blobs = TempBlobStore()
    try:
        ctx = Ctx(account="1", region="us-east-1", request_id="r", clock=Clock(), store=MemoryStore(), blobs=blobs,
                  config=Config(in_memory=True), service="s3")
        provider = Provider()
        provider.create_bucket(ctx, {"Bucket": "model-bucket"})
        for key in keys:
            provider.put_object(ctx, {"Bucket": "model-bucket", "Key": key, "Body": b""})
        seen: list[str] = []
        request = {"Bucket": "model-bucket", "Prefix": prefix, "Delimiter": delimiter, "MaxKeys": page_size}
        while True:
            page = provider.list_objects_v2(ctx, request)
            entries = [c["Key"] for c in page.get("Contents", [])] + [p["Prefix"] for p in page.get("CommonPrefixes", [])]
            assert len(entries) <= page_size
            seen += entries
            if not page["IsTruncated"]:
                break
            request = {**request, "ContinuationToken": page["NextContinuationToken"]}
        assert sorted(seen) == _model(keys, prefix, delimiter)
    finally:
        blobs.close()

"""Sequences of puts, deletes, version deletes and versioning changes agree with a model of S3's
versioning rules (null versions, delete markers, newest-first order)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fogbank.clock import Clock
from fogbank.config import Config
from fogbank.context import Ctx
from fogbank.services.s3.errors import NoSuchKey
from fogbank.services.s3.provider import Provider
from fogbank.store.blobs import TempBlobStore
from fogbank.store.memory import MemoryStore

OPS = st.lists(st.one_of(
    st.tuples(st.just("put"), st.sampled_from(["a", "b"]), st.binary(max_size=8)),
    st.tuples(st.just("delete"), st.sampled_from(["a", "b"]), st.just(b"")),
    st.tuples(st.just("delete_version"), st.sampled_from(["a", "b"]), st.integers(min_value=0, max_value=4)),
    st.tuples(st.just("versioning"), st.sampled_from(["Enabled", "Suspended"]), st.just(b"")),
), max_size=20)


class Model:
    """S3's versioning rules, written as plainly as possible."""

    def __init__(self) -> None:
        self.status: str | None = None
        self.versions: dict[str, list[dict[str, Any]]] = {}

    def write(self, key: str, entry: dict[str, Any]) -> None:
        history = self.versions.setdefault(key, [])
        if self.status is None:
            history.clear()
            if not entry["dm"]:
                history.append({**entry, "vid": "null"})
            return
        if self.status == "Suspended":
            history[:] = [v for v in history if v["vid"] != "null"]
            entry = {**entry, "vid": "null"}
        history.insert(0, entry)


@settings(max_examples=80, deadline=None)
@given(OPS)
def test_versioning_matches_model(ops: list[tuple[str, str, Any]]) -> None:
    blobs = TempBlobStore()
    try:
        ctx = Ctx(account="1", region="us-east-1", request_id="r", clock=Clock(), store=MemoryStore(), blobs=blobs,
                  config=Config(in_memory=True), service="s3")
        provider = Provider()
        provider.create_bucket(ctx, {"Bucket": "model-bucket"})
        model = Model()
        for op, arg, extra in ops:
            if op == "put":
                out = provider.put_object(ctx, {"Bucket": "model-bucket", "Key": arg, "Body": extra})
                model.write(arg, {"vid": out.get("VersionId", "null"), "dm": False, "body": extra})
            elif op == "delete":
                out = provider.delete_object(ctx, {"Bucket": "model-bucket", "Key": arg})
                model.write(arg, {"vid": out.get("VersionId", "null"), "dm": True, "body": b""})
            elif op == "delete_version":
                history = model.versions.get(arg) or []
                if extra < len(history):
                    vid = history.pop(extra)["vid"]
                    provider.delete_object(ctx, {"Bucket": "model-bucket", "Key": arg, "VersionId": vid})
            else:
                provider.put_bucket_versioning(ctx, {"Bucket": "model-bucket", "VersioningConfiguration": {"Status": arg}})
                model.status = arg
            _check(ctx, provider, model)
    finally:
        blobs.close()


def _check(ctx: Ctx, provider: Provider, model: Model) -> None:
    for key in ("a", "b"):
        history = model.versions.get(key) or []
        try:
            body = provider.get_object(ctx, {"Bucket": "model-bucket", "Key": key})["Body"]
        except NoSuchKey:
            body = None
        expected = history[0]["body"] if history and not history[0]["dm"] else None
        assert body == expected
    listed = provider.list_object_versions(ctx, {"Bucket": "model-bucket"})
    entries = sorted(listed.get("Versions", []) + listed.get("DeleteMarkers", []),
                     key=lambda v: (v["Key"], [e["vid"] for e in model.versions[v["Key"]]].index(v["VersionId"])))
    expected_entries = [(key, v["vid"], i == 0) for key in sorted(model.versions) for i, v in enumerate(model.versions[key])]
    assert [(e["Key"], e["VersionId"], e["IsLatest"]) for e in entries] == expected_entries
    versions_only = [(v["Key"], v["VersionId"]) for v in listed.get("Versions", [])]
    assert versions_only == [(key, v["vid"]) for key in sorted(model.versions) for v in model.versions[key] if not v["dm"]]

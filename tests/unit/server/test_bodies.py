"""Streamed request bodies: spooled to disk with their MD5, removed when the request ends."""

from __future__ import annotations

from pathlib import Path

from fogbank.server.bodies import SPOOL_ABOVE, StreamedBody, streams_payload, worth_spooling
from fogbank.spec.loader import service_model


def test_spool_read_hash_and_cleanup(tmp_path: Path) -> None:
    body = StreamedBody(tmp_path)
    parts = [b"a" * 1000, b"", b"b" * 3_000_000, b"c"]
    for part in parts:
        body.write(part)
    whole = b"".join(parts)
    assert len(body) == len(whole)
    assert b"".join(body.chunks(65536)) == whole
    assert body.read(10) == whole[:10] and body.read() == whole[10:]
    assert body.path.parent == tmp_path and body.path.name.startswith(".tmp-")
    body.close()
    assert list(tmp_path.iterdir()) == []


def test_only_streaming_blob_payloads_stream() -> None:
    s3 = service_model("s3")
    streaming = {op for op in s3.operation_names if streams_payload(s3.operation_model(op))}
    assert {"PutObject", "UploadPart"} <= streaming
    assert not streaming & {"GetObject", "CreateBucket", "PutBucketCors", "CompleteMultipartUpload"}
    assert not streams_payload(service_model("sts").operation_model("GetCallerIdentity"))


def test_small_bodies_of_known_length_stay_in_memory() -> None:
    assert not worth_spooling({"content-length": str(SPOOL_ABOVE)})
    assert worth_spooling({"content-length": str(SPOOL_ABOVE + 1)})
    assert worth_spooling({})  # chunked transfer: the length is unknown
    assert worth_spooling({"content-length": "junk"})

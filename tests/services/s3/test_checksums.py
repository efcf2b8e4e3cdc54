"""Checksums: boto3's default CRC32, every algorithm S3 accepts, Content-MD5, aws-chunked bodies
with trailing checksums (sent raw), and mismatches refused with nothing stored."""

from __future__ import annotations

import base64
import hashlib
import io
import urllib.request
import zlib
from typing import Any

import pytest

from fogbank.auth.chunked import encode
from fogbank.services.s3.checksums import compute
from tests.services.s3.helpers import assert_error


def test_boto3_default_crc32_is_stored_and_returned(s3: Any, bucket: str) -> None:
    data = b"checksummed" * 100
    put = s3.put_object(Bucket=bucket, Key="k", Body=data)
    expected = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
    assert put["ChecksumCRC32"] == expected
    got = s3.get_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert got["ChecksumCRC32"] == expected
    assert got["ChecksumType"] == "FULL_OBJECT"
    assert got["Body"].read() == data


def test_file_like_body_streams_through_aws_chunked(s3: Any, bucket: str) -> None:
    data = bytes(range(256)) * 4096  # 1 MiB, sent by boto3 as a streaming body
    put = s3.put_object(Bucket=bucket, Key="stream", Body=io.BytesIO(data))
    assert put["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'
    assert s3.get_object(Bucket=bucket, Key="stream")["Body"].read() == data


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"])
def test_every_algorithm(s3: Any, bucket: str, algorithm: str) -> None:
    data = b"the quick brown fox"
    value = compute(algorithm, data)
    put = s3.put_object(Bucket=bucket, Key="k", Body=data, **{f"Checksum{algorithm}": value})
    assert put[f"Checksum{algorithm}"] == value
    head = s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert head[f"Checksum{algorithm}"] == value


def test_known_check_values() -> None:
    assert int.from_bytes(base64.b64decode(compute("CRC32C", b"123456789")), "big") == 0xE3069283
    assert int.from_bytes(base64.b64decode(compute("CRC64NVME", b"123456789")), "big") == 0xAE8B14860A799888


@pytest.mark.parametrize("algorithm", ["CRC32", "SHA256"])
def test_wrong_checksum_is_refused_and_nothing_stored(s3: Any, bucket: str, algorithm: str) -> None:
    wrong = compute(algorithm, b"something else")
    err = assert_error(s3.put_object, "BadDigest", 400, Bucket=bucket, Key="k", Body=b"data", **{f"Checksum{algorithm}": wrong})
    assert algorithm in err["Message"]
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_content_md5(s3: Any, bucket: str) -> None:
    data = b"md5 me"
    good = base64.b64encode(hashlib.md5(data).digest()).decode()
    s3.put_object(Bucket=bucket, Key="ok", Body=data, ContentMD5=good)
    bad = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    assert_error(s3.put_object, "BadDigest", 400, Bucket=bucket, Key="bad", Body=data, ContentMD5=bad)
    assert_error(s3.put_object, "InvalidDigest", 400, Bucket=bucket, Key="bad", Body=data, ContentMD5="not-md5")
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["ok"]


def _raw_put(endpoint: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    auth = "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00"
    req = urllib.request.Request(endpoint + path, data=body, method="PUT", headers={"Authorization": auth, **headers})
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@pytest.mark.parametrize("mode", ["STREAMING-UNSIGNED-PAYLOAD-TRAILER", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"])
def test_aws_chunked_with_trailing_checksum(s3: Any, bucket: str, fogbank: Any, mode: str) -> None:
    data = b"chunked payload " * 5000
    crc = compute("CRC32C", data)
    signature = "0" * 64 if "HMAC" in mode else None
    body = encode(data, 8192, trailers={"x-amz-checksum-crc32c": crc}, signature=signature)
    status, _ = _raw_put(fogbank.endpoint, f"/{bucket}/chunked", body, {
        "Content-Encoding": "aws-chunked", "x-amz-content-sha256": mode, "x-amz-trailer": "x-amz-checksum-crc32c",
        "x-amz-decoded-content-length": str(len(data)), "x-amz-sdk-checksum-algorithm": "CRC32C",
    })
    assert status == 200
    got = s3.get_object(Bucket=bucket, Key="chunked", ChecksumMode="ENABLED")
    assert got["Body"].read() == data
    assert got["ChecksumCRC32C"] == crc
    assert got.get("ContentEncoding") is None
    assert got["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'


def test_signed_chunks_without_trailer(s3: Any, bucket: str, fogbank: Any) -> None:
    data = b"x" * 70000
    body = encode(data, 65536, signature="f" * 64)
    status, _ = _raw_put(fogbank.endpoint, f"/{bucket}/signed", body, {
        "Content-Encoding": "aws-chunked", "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "x-amz-decoded-content-length": str(len(data)),
    })
    assert status == 200
    assert s3.get_object(Bucket=bucket, Key="signed")["Body"].read() == data


def test_aws_chunked_trailer_mismatch_is_refused(s3: Any, bucket: str, fogbank: Any) -> None:
    body = encode(b"real data", 4, trailers={"x-amz-checksum-crc32": compute("CRC32", b"other")})
    status, payload = _raw_put(fogbank.endpoint, f"/{bucket}/k", body, {
        "Content-Encoding": "aws-chunked", "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "x-amz-trailer": "x-amz-checksum-crc32",
    })
    assert status == 400
    assert b"<Code>BadDigest</Code>" in payload
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_truncated_aws_chunked_body_stores_nothing(s3: Any, bucket: str, fogbank: Any) -> None:
    body = encode(b"abcdefgh" * 100, 100)[:150]
    status, payload = _raw_put(fogbank.endpoint, f"/{bucket}/k", body, {
        "Content-Encoding": "aws-chunked", "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
    })
    assert status == 400
    assert b"IncompleteBody" in payload
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0

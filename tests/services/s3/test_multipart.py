"""Multipart uploads: the whole cycle, part checks (order, ETags, sizes), copy parts, listings,
abort, and the AWS CLI's `aws s3 cp` of a 100 MiB file round-tripping byte-exact."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.services.s3.helpers import assert_error

MIB = 1024 * 1024


def _etag(parts: list[bytes]) -> str:
    return '"' + hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest() + f'-{len(parts)}"'


def test_upload_complete_and_read_back(s3: Any, bucket: str) -> None:
    parts = [os.urandom(5 * MIB), b"tail" * 1000]
    upload = s3.create_multipart_upload(Bucket=bucket, Key="big", ContentType="text/csv", Metadata={"m": "1"})
    uid = upload["UploadId"]
    etags = [s3.upload_part(Bucket=bucket, Key="big", UploadId=uid, PartNumber=i + 1, Body=p)["ETag"] for i, p in enumerate(parts)]
    assert etags == [f'"{hashlib.md5(p).hexdigest()}"' for p in parts]
    listed = s3.list_parts(Bucket=bucket, Key="big", UploadId=uid)
    assert [(p["PartNumber"], p["Size"]) for p in listed["Parts"]] == [(1, 5 * MIB), (2, 4000)]
    done = s3.complete_multipart_upload(Bucket=bucket, Key="big", UploadId=uid, MultipartUpload={
        "Parts": [{"PartNumber": i + 1, "ETag": e} for i, e in enumerate(etags)]})
    assert done["ETag"] == _etag(parts)
    whole = b"".join(parts)
    got = s3.get_object(Bucket=bucket, Key="big")
    assert got["Body"].read() == whole
    assert got["ContentType"] == "text/csv"
    assert got["Metadata"] == {"m": "1"}
    assert got["ETag"] == _etag(parts)
    # a range across the part boundary, and a part by number
    span = s3.get_object(Bucket=bucket, Key="big", Range=f"bytes={5 * MIB - 3}-{5 * MIB + 2}")["Body"].read()
    assert span == whole[5 * MIB - 3 : 5 * MIB + 3]
    part2 = s3.get_object(Bucket=bucket, Key="big", PartNumber=2)
    assert part2["Body"].read() == parts[1]
    assert part2["PartsCount"] == 2
    assert_error(s3.list_parts, "NoSuchUpload", 404, Bucket=bucket, Key="big", UploadId=uid)


def test_part_rules(s3: Any, bucket: str) -> None:
    uid = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    e1 = s3.upload_part(Bucket=bucket, Key="k", UploadId=uid, PartNumber=1, Body=b"small")["ETag"]
    e2 = s3.upload_part(Bucket=bucket, Key="k", UploadId=uid, PartNumber=2, Body=b"last")["ETag"]
    assert_error(s3.complete_multipart_upload, "EntityTooSmall", 400, Bucket=bucket, Key="k", UploadId=uid,
                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]})
    assert_error(s3.complete_multipart_upload, "InvalidPartOrder", 400, Bucket=bucket, Key="k", UploadId=uid,
                 MultipartUpload={"Parts": [{"PartNumber": 2, "ETag": e2}, {"PartNumber": 1, "ETag": e1}]})
    assert_error(s3.complete_multipart_upload, "InvalidPart", 400, Bucket=bucket, Key="k", UploadId=uid,
                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"0123"'}]})
    assert_error(s3.complete_multipart_upload, "InvalidPart", 400, Bucket=bucket, Key="k", UploadId=uid,
                 MultipartUpload={"Parts": [{"PartNumber": 7, "ETag": e1}]})
    assert_error(s3.upload_part, "InvalidArgument", 400, Bucket=bucket, Key="k", UploadId=uid, PartNumber=10001, Body=b"x")
    # a single small part is a valid (last) part; the upload is still open after the failures
    done = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=uid,
                                        MultipartUpload={"Parts": [{"PartNumber": 2, "ETag": e2}]})
    assert done["ETag"] == _etag([b"last"])
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"last"


def test_reuploading_a_part_replaces_it(s3: Any, bucket: str) -> None:
    uid = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="k", UploadId=uid, PartNumber=1, Body=b"first")
    etag = s3.upload_part(Bucket=bucket, Key="k", UploadId=uid, PartNumber=1, Body=b"second")["ETag"]
    s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=uid, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"second"


def test_no_such_upload(s3: Any, bucket: str) -> None:
    err = assert_error(s3.upload_part, "NoSuchUpload", 404, Bucket=bucket, Key="k", UploadId="nope", PartNumber=1, Body=b"x")
    assert err["UploadId"] == "nope"
    assert_error(s3.complete_multipart_upload, "NoSuchUpload", 404, Bucket=bucket, Key="k", UploadId="nope",
                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"x"'}]})
    assert_error(s3.abort_multipart_upload, "NoSuchUpload", 404, Bucket=bucket, Key="k", UploadId="nope")


def test_abort_and_list_uploads(s3: Any, bucket: str) -> None:
    ids = {key: s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"] for key in ("a/1", "a/2", "b")}
    listed = s3.list_multipart_uploads(Bucket=bucket)
    assert [u["Key"] for u in listed["Uploads"]] == ["a/1", "a/2", "b"]
    folded = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/")
    assert folded["CommonPrefixes"] == [{"Prefix": "a/"}]
    assert [u["Key"] for u in folded["Uploads"]] == ["b"]
    page = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=2)
    assert page["IsTruncated"] and page["NextKeyMarker"] == "a/2"
    rest = s3.list_multipart_uploads(Bucket=bucket, KeyMarker=page["NextKeyMarker"], UploadIdMarker=page["NextUploadIdMarker"])
    assert [u["Key"] for u in rest["Uploads"]] == ["b"]
    s3.upload_part(Bucket=bucket, Key="b", UploadId=ids["b"], PartNumber=1, Body=b"x")
    assert_error(s3.delete_bucket, "BucketNotEmpty", 409, Bucket=bucket)
    for key, uid in ids.items():
        s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=uid)
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)
    s3.delete_bucket(Bucket=bucket)


def test_upload_part_copy_with_ranges(s3: Any, bucket: str) -> None:
    source = os.urandom(6 * MIB)
    s3.put_object(Bucket=bucket, Key="src", Body=source)
    uid = s3.create_multipart_upload(Bucket=bucket, Key="dst")["UploadId"]
    first = s3.upload_part_copy(Bucket=bucket, Key="dst", UploadId=uid, PartNumber=1, CopySource=f"{bucket}/src",
                                CopySourceRange=f"bytes=0-{5 * MIB - 1}")
    second = s3.upload_part_copy(Bucket=bucket, Key="dst", UploadId=uid, PartNumber=2, CopySource={"Bucket": bucket, "Key": "src"},
                                 CopySourceRange=f"bytes={5 * MIB}-{6 * MIB - 1}")
    assert first["CopyPartResult"]["ETag"] == f'"{hashlib.md5(source[: 5 * MIB]).hexdigest()}"'
    s3.complete_multipart_upload(Bucket=bucket, Key="dst", UploadId=uid, MultipartUpload={"Parts": [
        {"PartNumber": 1, "ETag": first["CopyPartResult"]["ETag"]}, {"PartNumber": 2, "ETag": second["CopyPartResult"]["ETag"]}]})
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == source
    uid = s3.create_multipart_upload(Bucket=bucket, Key="dst2")["UploadId"]
    assert_error(s3.upload_part_copy, "InvalidArgument", 400, Bucket=bucket, Key="dst2", UploadId=uid, PartNumber=1,
                 CopySource=f"{bucket}/src", CopySourceRange=f"bytes=0-{6 * MIB}")
    assert_error(s3.upload_part_copy, "NoSuchKey", 404, Bucket=bucket, Key="dst2", UploadId=uid, PartNumber=1,
                 CopySource=f"{bucket}/missing")


def test_composite_checksum(s3: Any, bucket: str) -> None:
    import base64
    import zlib

    parts = [b"a" * (5 * MIB), b"b" * 100]
    uid = s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumAlgorithm="CRC32")["UploadId"]
    done_parts = []
    for i, p in enumerate(parts):
        out = s3.upload_part(Bucket=bucket, Key="k", UploadId=uid, PartNumber=i + 1, Body=p, ChecksumAlgorithm="CRC32")
        done_parts.append({"PartNumber": i + 1, "ETag": out["ETag"], "ChecksumCRC32": out["ChecksumCRC32"]})
    done = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=uid, MultipartUpload={"Parts": done_parts})
    raw = b"".join(zlib.crc32(p).to_bytes(4, "big") for p in parts)
    expected = base64.b64encode(zlib.crc32(raw).to_bytes(4, "big")).decode() + "-2"
    assert done["ChecksumCRC32"] == expected
    assert s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")["ChecksumType"] == "COMPOSITE"


def test_aws_cli_cp_100_mib_round_trip(fogbank: Any, bucket: str, tmp_path: Path) -> None:
    source = tmp_path / "big.bin"
    with open(source, "wb") as f:
        for _ in range(100):
            f.write(os.urandom(MIB))
    back = tmp_path / "back.bin"
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_CONFIG_FILE": str(tmp_path / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}
    base = [sys.executable, "-m", "awscli", "--endpoint-url", fogbank.endpoint, "s3", "cp"]
    up = subprocess.run([*base, str(source), f"s3://{bucket}/big.bin"], env=env, capture_output=True, text=True, timeout=300)
    assert up.returncode == 0, up.stderr
    down = subprocess.run([*base, f"s3://{bucket}/big.bin", str(back)], env=env, capture_output=True, text=True, timeout=300)
    assert down.returncode == 0, down.stderr
    assert back.stat().st_size == 100 * MIB
    with open(source, "rb") as a, open(back, "rb") as b:
        assert hashlib.sha256(a.read()).digest() == hashlib.sha256(b.read()).digest()


def test_boto3_upload_file_and_download_file(s3: Any, bucket: str, tmp_path: Path) -> None:
    # boto3's managed transfer: 8 MiB parts sent on threads with CRC32 checksums, ranged GETs back
    data = os.urandom(20 * MIB)
    source, back = tmp_path / "up.bin", tmp_path / "down.bin"
    source.write_bytes(data)
    s3.upload_file(str(source), bucket, "managed.bin")
    head = s3.head_object(Bucket=bucket, Key="managed.bin", ChecksumMode="ENABLED")
    assert head["ContentLength"] == 20 * MIB
    assert head["ETag"] == _etag([data[:8 * MIB], data[8 * MIB:16 * MIB], data[16 * MIB:]])
    assert head["ChecksumCRC32"].endswith("-3")
    s3.download_file(bucket, "managed.bin", str(back))
    assert hashlib.sha256(back.read_bytes()).digest() == hashlib.sha256(data).digest()
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []

"""Objects: put/get/head/delete, metadata and content headers, conditions, ranges, DeleteObjects,
CopyObject and tagging."""

from __future__ import annotations

import hashlib
import socket
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from tests.services.s3.helpers import assert_error, error_of


def test_put_get_head_with_metadata(s3: Any, bucket: str) -> None:
    body = b"hello, fogbank"
    put = s3.put_object(
        Bucket=bucket, Key="docs/readme.txt", Body=body, ContentType="text/plain", Metadata={"Owner": "me", "n": "1"},
        CacheControl="max-age=60", ContentDisposition="inline", ContentLanguage="en", ContentEncoding="identity",
        Expires=datetime(2030, 1, 1, tzinfo=UTC),
    )
    assert put["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'
    got = s3.get_object(Bucket=bucket, Key="docs/readme.txt")
    assert got["Body"].read() == body
    assert got["ContentType"] == "text/plain"
    assert got["Metadata"] == {"owner": "me", "n": "1"}
    assert got["CacheControl"] == "max-age=60"
    assert got["ContentDisposition"] == "inline"
    assert got["ContentLanguage"] == "en"
    assert got["ContentEncoding"] == "identity"
    assert got["ExpiresString"].startswith("Tue, 01 Jan 2030")
    assert got["ETag"] == put["ETag"]
    assert got["ContentLength"] == len(body)
    assert "VersionId" not in got
    head = s3.head_object(Bucket=bucket, Key="docs/readme.txt")
    assert head["ContentLength"] == len(body)
    assert head["ETag"] == put["ETag"]
    assert head["LastModified"] == got["LastModified"]


def test_metadata_limit(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="ok", Body=b"x", Metadata={"m": "v" * 2000})
    assert_error(s3.put_object, "MetadataTooLarge", 400, Bucket=bucket, Key="big", Body=b"x", Metadata={"m": "v" * 2100})
    assert_error(s3.create_multipart_upload, "MetadataTooLarge", 400, Bucket=bucket, Key="big", Metadata={"m": "v" * 2100})
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["ok"]


def test_default_content_type_and_empty_object(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    got = s3.get_object(Bucket=bucket, Key="empty")
    assert got["Body"].read() == b""
    assert got["ContentType"] == "binary/octet-stream"
    assert got["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'


def test_overwrite_replaces(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"one", Metadata={"a": "1"})
    s3.put_object(Bucket=bucket, Key="k", Body=b"two")
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == b"two"
    assert got["Metadata"] == {}


def test_missing_key_and_bucket_errors(s3: Any, bucket: str) -> None:
    err = assert_error(s3.get_object, "NoSuchKey", 404, Bucket=bucket, Key="nope/ключ")
    assert err["Key"] == "nope/ключ"
    assert err["Message"] == "The specified key does not exist."
    assert_error(s3.get_object, "NoSuchBucket", 404, Bucket="missing-bucket", Key="k")
    assert_error(s3.put_object, "NoSuchBucket", 404, Bucket="missing-bucket", Key="k", Body=b"x")
    assert_error(s3.head_object, "404", 404, Bucket=bucket, Key="nope")


def test_response_header_overrides(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ContentType="text/plain")
    got = s3.get_object(Bucket=bucket, Key="k", ResponseContentType="application/json",
                        ResponseContentDisposition="attachment; filename=x.json", ResponseCacheControl="no-cache")
    assert got["ContentType"] == "application/json"
    assert got["ContentDisposition"] == "attachment; filename=x.json"
    assert got["CacheControl"] == "no-cache"


def test_conditional_get(s3: Any, bucket: str) -> None:
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"data")["ETag"]
    modified = s3.head_object(Bucket=bucket, Key="k")["LastModified"]
    assert s3.get_object(Bucket=bucket, Key="k", IfMatch=etag)["Body"].read() == b"data"
    assert_error(s3.get_object, "PreconditionFailed", 412, Bucket=bucket, Key="k", IfMatch='"0000"')
    response = error_of(s3.get_object, Bucket=bucket, Key="k", IfNoneMatch=etag)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 304
    response = error_of(s3.get_object, Bucket=bucket, Key="k", IfModifiedSince=modified + timedelta(seconds=5))
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 304
    assert s3.get_object(Bucket=bucket, Key="k", IfModifiedSince=modified - timedelta(seconds=5))["Body"].read() == b"data"
    assert_error(s3.get_object, "PreconditionFailed", 412, Bucket=bucket, Key="k",
                 IfUnmodifiedSince=modified - timedelta(seconds=5))
    # If-Match decides over If-Unmodified-Since, If-None-Match over If-Modified-Since
    assert s3.get_object(Bucket=bucket, Key="k", IfMatch=etag, IfUnmodifiedSince=modified - timedelta(days=1))
    assert s3.get_object(Bucket=bucket, Key="k", IfNoneMatch='"other"', IfModifiedSince=modified + timedelta(days=1))
    response = error_of(s3.head_object, Bucket=bucket, Key="k", IfNoneMatch=etag)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 304
    assert_error(s3.head_object, "412", 412, Bucket=bucket, Key="k", IfMatch='"0000"')


def test_conditional_writes(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="once", Body=b"first", IfNoneMatch="*")
    err = assert_error(s3.put_object, "PreconditionFailed", 412, Bucket=bucket, Key="once", Body=b"second", IfNoneMatch="*")
    assert err["Condition"] == "If-None-Match"
    assert s3.get_object(Bucket=bucket, Key="once")["Body"].read() == b"first"
    etag = s3.head_object(Bucket=bucket, Key="once")["ETag"]
    assert_error(s3.put_object, "PreconditionFailed", 412, Bucket=bucket, Key="once", Body=b"x", IfMatch='"nope"')
    s3.put_object(Bucket=bucket, Key="once", Body=b"third", IfMatch=etag)
    assert s3.get_object(Bucket=bucket, Key="once")["Body"].read() == b"third"
    assert_error(s3.put_object, "NoSuchKey", 404, Bucket=bucket, Key="absent", Body=b"x", IfMatch=etag)


def test_ranges(s3: Any, bucket: str) -> None:
    data = bytes(range(256)) * 40
    s3.put_object(Bucket=bucket, Key="r", Body=data)
    got = s3.get_object(Bucket=bucket, Key="r", Range="bytes=10-19")
    assert got["Body"].read() == data[10:20]
    assert got["ContentRange"] == f"bytes 10-19/{len(data)}"
    assert got["ContentLength"] == 10
    assert s3.get_object(Bucket=bucket, Key="r", Range="bytes=-5")["Body"].read() == data[-5:]
    assert s3.get_object(Bucket=bucket, Key="r", Range="bytes=10000-")["Body"].read() == data[10000:]
    assert s3.get_object(Bucket=bucket, Key="r", Range="bytes=5-999999")["Body"].read() == data[5:]
    err = assert_error(s3.get_object, "InvalidRange", 416, Bucket=bucket, Key="r", Range=f"bytes={len(data)}-")
    assert err["ActualObjectSize"] == str(len(data))
    # a range S3 cannot parse is ignored: the whole object
    assert s3.get_object(Bucket=bucket, Key="r", Range="bytes=9-3")["Body"].read() == data


def test_delete_object_is_idempotent(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert s3.delete_object(Bucket=bucket, Key="k")["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.delete_object(Bucket=bucket, Key="k")["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert_error(s3.get_object, "NoSuchKey", 404, Bucket=bucket, Key="k")
    assert_error(s3.delete_object, "NoSuchBucket", 404, Bucket="missing-bucket", Key="k")


def test_delete_objects(s3: Any, bucket: str) -> None:
    for key in ("a", "b", "c"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    out = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a"}, {"Key": "b"}, {"Key": "zz"}]})
    assert sorted(d["Key"] for d in out["Deleted"]) == ["a", "b", "zz"]
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["c"]
    quiet = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "c"}], "Quiet": True})
    assert "Deleted" not in quiet
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
    too_long = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "k" * 1025}]})
    assert too_long["Errors"][0]["Code"] == "KeyTooLongError"


def test_copy_object_directives(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="src", Body=b"payload", ContentType="text/plain", Metadata={"a": "1"},
                  Tagging="t1=v1")
    out = s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    assert out["CopyObjectResult"]["ETag"] == s3.head_object(Bucket=bucket, Key="src")["ETag"]
    got = s3.get_object(Bucket=bucket, Key="dst")
    assert got["Body"].read() == b"payload"
    assert got["ContentType"] == "text/plain"
    assert got["Metadata"] == {"a": "1"}
    assert s3.get_object_tagging(Bucket=bucket, Key="dst")["TagSet"] == [{"Key": "t1", "Value": "v1"}]
    s3.copy_object(Bucket=bucket, Key="dst2", CopySource=f"{bucket}/src", MetadataDirective="REPLACE",
                   ContentType="application/json", Metadata={"b": "2"}, TaggingDirective="REPLACE", Tagging="t2=v2")
    got = s3.head_object(Bucket=bucket, Key="dst2")
    assert got["ContentType"] == "application/json"
    assert got["Metadata"] == {"b": "2"}
    assert s3.get_object_tagging(Bucket=bucket, Key="dst2")["TagSet"] == [{"Key": "t2", "Value": "v2"}]
    # copying onto itself needs a change
    assert_error(s3.copy_object, "InvalidRequest", 400, Bucket=bucket, Key="src", CopySource=f"{bucket}/src")
    s3.copy_object(Bucket=bucket, Key="src", CopySource=f"{bucket}/src", MetadataDirective="REPLACE", Metadata={"c": "3"})
    assert s3.head_object(Bucket=bucket, Key="src")["Metadata"] == {"c": "3"}


def test_copy_object_errors_and_conditions(s3: Any, bucket: str) -> None:
    etag = s3.put_object(Bucket=bucket, Key="src", Body=b"payload")["ETag"]
    assert_error(s3.copy_object, "NoSuchKey", 404, Bucket=bucket, Key="dst", CopySource=f"{bucket}/missing")
    assert_error(s3.copy_object, "NoSuchBucket", 404, Bucket=bucket, Key="dst", CopySource="missing-bucket/src")
    assert_error(s3.copy_object, "NoSuchBucket", 404, Bucket="missing-bucket", Key="dst", CopySource=f"{bucket}/src")
    assert_error(s3.copy_object, "PreconditionFailed", 412, Bucket=bucket, Key="dst", CopySource=f"{bucket}/src",
                 CopySourceIfMatch='"nope"')
    assert_error(s3.copy_object, "PreconditionFailed", 412, Bucket=bucket, Key="dst", CopySource=f"{bucket}/src",
                 CopySourceIfNoneMatch=etag)
    s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/src", CopySourceIfMatch=etag)
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == b"payload"


def test_copy_across_buckets_with_odd_key(s3: Any, bucket: str) -> None:
    s3.create_bucket(Bucket="other-bucket")
    key = "dir/100% sure?&=+ ü.txt"
    s3.put_object(Bucket=bucket, Key=key, Body=b"odd")
    s3.copy_object(Bucket="other-bucket", Key=key, CopySource={"Bucket": bucket, "Key": key})
    assert s3.get_object(Bucket="other-bucket", Key=key)["Body"].read() == b"odd"


def test_object_tagging(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="a=1&b=two%20words")
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "two words"}]
    assert s3.get_object(Bucket=bucket, Key="k")["TagCount"] == 2
    s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": [{"Key": "c", "Value": "3"}]})
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == [{"Key": "c", "Value": "3"}]
    s3.delete_object_tagging(Bucket=bucket, Key="k")
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == []
    too_many = {"TagSet": [{"Key": f"k{i}", "Value": "v"} for i in range(11)]}
    assert_error(s3.put_object_tagging, "InvalidTag", 400, Bucket=bucket, Key="k", Tagging=too_many)
    assert_error(s3.put_object_tagging, "NoSuchKey", 404, Bucket=bucket, Key="missing", Tagging={"TagSet": []})


def test_object_acl_canned(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="public-read")
    grants = s3.get_object_acl(Bucket=bucket, Key="k")["Grants"]
    assert {g["Permission"] for g in grants} == {"FULL_CONTROL", "READ"}
    s3.put_object_acl(Bucket=bucket, Key="k", ACL="private")
    assert [g["Permission"] for g in s3.get_object_acl(Bucket=bucket, Key="k")["Grants"]] == ["FULL_CONTROL"]


def test_get_object_attributes(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"12345", ChecksumAlgorithm="SHA256")
    out = s3.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=["ETag", "ObjectSize", "StorageClass", "Checksum"])
    assert out["ObjectSize"] == 5
    assert out["StorageClass"] == "STANDARD"
    assert out["ETag"] == hashlib.md5(b"12345").hexdigest()
    assert "ChecksumSHA256" in out["Checksum"]


def test_range_status_over_http(s3: Any, bucket: str, fogbank: Any) -> None:
    s3.put_object(Bucket=bucket, Key="r", Body=b"0123456789")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "r"})
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Range": "bytes=2-4"})) as resp:
        assert resp.read() == b"234"
        assert resp.headers["Content-Range"] == "bytes 2-4/10"
        assert resp.status == 206


def test_client_disconnect_mid_upload_stores_nothing(s3: Any, bucket: str, fogbank: Any) -> None:
    url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "partial"})
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port)) as sock:
        head = (f"PUT {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                "Content-Length: 1000000\r\n\r\n").encode()
        sock.sendall(head + b"x" * 300_000)
    s3.put_object(Bucket=bucket, Key="after", Body=b"ok")  # the server is still fine
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["after"]

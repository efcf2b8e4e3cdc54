"""ListObjects (v1) and ListObjectsV2: prefix, delimiter, max-keys, markers, tokens, encoding."""

from __future__ import annotations

from typing import Any

from tests.services.s3.helpers import assert_error

KEYS = ["a.txt", "dir/one", "dir/sub/two", "dir/three", "dir2/x", "z", "ü/unicode"]


def _fill(s3: Any, bucket: str) -> None:
    for key in KEYS:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")


def test_v2_order_prefix_delimiter(s3: Any, bucket: str) -> None:
    _fill(s3, bucket)
    out = s3.list_objects_v2(Bucket=bucket)
    assert [o["Key"] for o in out["Contents"]] == sorted(KEYS, key=lambda k: k.encode())
    assert out["KeyCount"] == len(KEYS)
    folded = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    assert [o["Key"] for o in folded["Contents"]] == ["a.txt", "z"]
    assert [p["Prefix"] for p in folded["CommonPrefixes"]] == ["dir/", "dir2/", "ü/"]
    inner = s3.list_objects_v2(Bucket=bucket, Prefix="dir/", Delimiter="/")
    assert [o["Key"] for o in inner["Contents"]] == ["dir/one", "dir/three"]
    assert [p["Prefix"] for p in inner["CommonPrefixes"]] == ["dir/sub/"]
    assert s3.list_objects_v2(Bucket=bucket, Prefix="nothing")["KeyCount"] == 0


def test_v2_pagination(s3: Any, bucket: str) -> None:
    _fill(s3, bucket)
    seen: list[str] = []
    kwargs: dict[str, Any] = {}
    pages = 0
    while True:
        page = s3.list_objects_v2(Bucket=bucket, MaxKeys=2, Delimiter="/", **kwargs)
        pages += 1
        seen += [o["Key"] for o in page.get("Contents", [])] + [p["Prefix"] for p in page.get("CommonPrefixes", [])]
        if not page["IsTruncated"]:
            break
        kwargs = {"ContinuationToken": page["NextContinuationToken"]}
    assert sorted(seen) == sorted(["a.txt", "dir/", "dir2/", "z", "ü/"])
    assert pages == 3
    paginated = [o["Key"] for p in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, PaginationConfig={"PageSize": 3})
                 for o in p.get("Contents", [])]
    assert paginated == sorted(KEYS, key=lambda k: k.encode())
    after = s3.list_objects_v2(Bucket=bucket, StartAfter="dir/three")
    assert [o["Key"] for o in after["Contents"]] == ["dir2/x", "z", "ü/unicode"]
    assert s3.list_objects_v2(Bucket=bucket, MaxKeys=0)["KeyCount"] == 0


def test_v1_markers(s3: Any, bucket: str) -> None:
    _fill(s3, bucket)
    page = s3.list_objects(Bucket=bucket, MaxKeys=3)
    assert [o["Key"] for o in page["Contents"]] == ["a.txt", "dir/one", "dir/sub/two"]
    assert page["IsTruncated"] and "NextMarker" not in page
    rest = s3.list_objects(Bucket=bucket, Marker="dir/sub/two")
    assert [o["Key"] for o in rest["Contents"]] == ["dir/three", "dir2/x", "z", "ü/unicode"]
    folded = s3.list_objects(Bucket=bucket, Delimiter="/", MaxKeys=2)
    assert folded["NextMarker"] == "dir/"
    assert "Owner" in page["Contents"][0]


def test_encoding_type_url(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="with space/ü+", Body=b"x")
    raw = s3.list_objects_v2(Bucket=bucket, EncodingType="url")
    # asked for explicitly, boto3 leaves the encoding to the caller
    assert raw["Contents"][0]["Key"] == "with%20space/%C3%BC%2B"
    assert raw["EncodingType"] == "url"
    assert_error(s3.list_objects_v2, "InvalidArgument", 400, Bucket=bucket, EncodingType="base64")


def test_list_missing_bucket(s3: Any) -> None:
    err = assert_error(s3.list_objects_v2, "NoSuchBucket", 404, Bucket="missing-bucket")
    assert err["BucketName"] == "missing-bucket"
    assert_error(s3.list_objects, "NoSuchBucket", 404, Bucket="missing-bucket")

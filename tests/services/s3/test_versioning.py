"""Versioning: enable/suspend, version ids, delete markers, GET/DELETE by version, the null
version, and ListObjectVersions order."""

from __future__ import annotations

from typing import Any

from tests.services.s3.helpers import assert_error, error_of


def _enable(s3: Any, bucket: str, status: str = "Enabled") -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": status})


def test_status(s3: Any, bucket: str) -> None:
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)
    _enable(s3, bucket)
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    _enable(s3, bucket, "Suspended")
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"
    assert_error(s3.put_bucket_versioning, "MalformedXML", 400, Bucket=bucket, VersioningConfiguration={"Status": "Off"})
    assert_error(s3.get_bucket_versioning, "NoSuchBucket", 404, Bucket="missing-bucket")


def test_versions_and_delete_markers(s3: Any, bucket: str) -> None:
    _enable(s3, bucket)
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"one")["VersionId"]
    v2 = s3.put_object(Bucket=bucket, Key="k", Body=b"two")["VersionId"]
    assert v1 != v2 and v1 != "null"
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"two"
    assert s3.get_object(Bucket=bucket, Key="k", VersionId=v1)["Body"].read() == b"one"
    assert s3.get_object(Bucket=bucket, Key="k")["VersionId"] == v2
    marker = s3.delete_object(Bucket=bucket, Key="k")
    assert marker["DeleteMarker"] is True
    response = error_of(s3.get_object, Bucket=bucket, Key="k")
    assert response["Error"]["Code"] == "NoSuchKey"
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    by_id = error_of(s3.get_object, Bucket=bucket, Key="k", VersionId=marker["VersionId"])
    assert by_id["ResponseMetadata"]["HTTPStatusCode"] == 405
    assert s3.get_object(Bucket=bucket, Key="k", VersionId=v2)["Body"].read() == b"two"
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
    listed = s3.list_object_versions(Bucket=bucket)
    assert [(v["VersionId"], v["IsLatest"]) for v in listed["Versions"]] == [(v2, False), (v1, False)]
    assert [(m["VersionId"], m["IsLatest"]) for m in listed["DeleteMarkers"]] == [(marker["VersionId"], True)]
    # removing the delete marker brings the object back
    removed = s3.delete_object(Bucket=bucket, Key="k", VersionId=marker["VersionId"])
    assert removed["DeleteMarker"] is True
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"two"
    # removing the newest version makes the previous one current
    s3.delete_object(Bucket=bucket, Key="k", VersionId=v2)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"one"
    assert_error(s3.get_object, "NoSuchVersion", 404, Bucket=bucket, Key="k", VersionId=v2)


def test_existing_objects_become_null_versions(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"before")
    _enable(s3, bucket)
    v = s3.put_object(Bucket=bucket, Key="k", Body=b"after")["VersionId"]
    listed = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert [x["VersionId"] for x in listed] == [v, "null"]
    assert s3.get_object(Bucket=bucket, Key="k", VersionId="null")["Body"].read() == b"before"


def test_suspended_writes_the_null_version(s3: Any, bucket: str) -> None:
    _enable(s3, bucket)
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"v1")["VersionId"]
    _enable(s3, bucket, "Suspended")
    assert s3.put_object(Bucket=bucket, Key="k", Body=b"n1").get("VersionId") == "null"
    s3.put_object(Bucket=bucket, Key="k", Body=b"n2")
    versions = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert [x["VersionId"] for x in versions] == ["null", v1]
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"n2"
    marker = s3.delete_object(Bucket=bucket, Key="k")
    assert marker["VersionId"] == "null" and marker["DeleteMarker"]
    listed = s3.list_object_versions(Bucket=bucket)
    assert [x["VersionId"] for x in listed["Versions"]] == [v1]
    assert [x["VersionId"] for x in listed["DeleteMarkers"]] == ["null"]


def test_list_versions_order_and_paging(s3: Any, bucket: str) -> None:
    _enable(s3, bucket)
    ids: dict[str, list[str]] = {}
    for key in ("b", "a", "c"):
        ids[key] = [s3.put_object(Bucket=bucket, Key=key, Body=f"{key}{i}".encode())["VersionId"] for i in range(3)]
    listed = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert [(v["Key"], v["VersionId"]) for v in listed] == [(k, vid) for k in "abc" for vid in reversed(ids[k])]
    seen = []
    kwargs: dict[str, Any] = {}
    while True:
        page = s3.list_object_versions(Bucket=bucket, MaxKeys=2, **kwargs)
        seen += [(v["Key"], v["VersionId"]) for v in page.get("Versions", [])]
        if not page["IsTruncated"]:
            break
        kwargs = {"KeyMarker": page["NextKeyMarker"], "VersionIdMarker": page["NextVersionIdMarker"]}
    assert seen == [(v["Key"], v["VersionId"]) for v in listed]
    # a version-id marker means nothing without the key it belongs to
    error = assert_error(s3.list_object_versions, "InvalidArgument", 400, Bucket=bucket, VersionIdMarker=ids["a"][0])
    assert error["ArgumentName"] == "version-id-marker"


def test_delete_objects_with_versions(s3: Any, bucket: str) -> None:
    _enable(s3, bucket)
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"x")["VersionId"]
    out = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "k"}, {"Key": "k", "VersionId": v1}]})
    assert len(out["Deleted"]) == 2
    assert any(d.get("DeleteMarker") and d.get("DeleteMarkerVersionId") for d in out["Deleted"])
    remaining = s3.list_object_versions(Bucket=bucket)
    assert "Versions" not in remaining
    assert len(remaining["DeleteMarkers"]) == 1


def test_copy_from_a_version(s3: Any, bucket: str) -> None:
    _enable(s3, bucket)
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"old")["VersionId"]
    s3.put_object(Bucket=bucket, Key="k", Body=b"new")
    out = s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "k", "VersionId": v1})
    assert out["CopySourceVersionId"] == v1
    assert s3.get_object(Bucket=bucket, Key="copy")["Body"].read() == b"old"
    marker = s3.delete_object(Bucket=bucket, Key="k")["VersionId"]
    assert_error(s3.copy_object, "NoSuchKey", 404, Bucket=bucket, Key="c2", CopySource={"Bucket": bucket, "Key": "k"})
    error = assert_error(s3.copy_object, "InvalidRequest", 400, Bucket=bucket, Key="c2",
                         CopySource={"Bucket": bucket, "Key": "k", "VersionId": marker})
    assert "delete marker" in error["Message"]

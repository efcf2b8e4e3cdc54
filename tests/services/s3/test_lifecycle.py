"""Lifecycle rules applied when fogbank's clock passes midnight: expiration, transitions,
noncurrent versions, expired delete markers and incomplete uploads."""

from __future__ import annotations

from typing import Any

DAY = 86400


def _rules(s3: Any, bucket: str, *rules: dict[str, Any]) -> None:
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": list(rules)})


def test_expiration_and_transition(s3: Any, bucket: str, fogbank: Any) -> None:
    _rules(s3, bucket,
           {"ID": "tmp", "Status": "Enabled", "Filter": {"Prefix": "tmp/"}, "Expiration": {"Days": 1}},
           {"ID": "cold", "Status": "Enabled", "Filter": {"Prefix": "logs/"}, "Transitions": [{"Days": 1, "StorageClass": "GLACIER"}]},
           {"ID": "off", "Status": "Disabled", "Filter": {"Prefix": "keep/"}, "Expiration": {"Days": 1}})
    put = s3.put_object(Bucket=bucket, Key="tmp/a", Body=b"x")
    assert 'rule-id="tmp"' in put["Expiration"]
    s3.put_object(Bucket=bucket, Key="logs/b", Body=b"y")
    s3.put_object(Bucket=bucket, Key="keep/c", Body=b"z")
    assert 'rule-id="tmp"' in s3.head_object(Bucket=bucket, Key="tmp/a")["Expiration"]
    fogbank.advance(2 * DAY + 1)
    assert sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]) == ["keep/c", "logs/b"]
    assert s3.head_object(Bucket=bucket, Key="logs/b")["StorageClass"] == "GLACIER"
    assert "StorageClass" not in s3.head_object(Bucket=bucket, Key="keep/c")


def test_versioned_expiration_and_noncurrent_versions(s3: Any, bucket: str, fogbank: Any) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    _rules(s3, bucket, {"ID": "all", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 3},
                        "NoncurrentVersionExpiration": {"NoncurrentDays": 1}})
    old = s3.put_object(Bucket=bucket, Key="k", Body=b"old")["VersionId"]
    new = s3.put_object(Bucket=bucket, Key="k", Body=b"new")["VersionId"]
    fogbank.advance(2 * DAY + 1)
    versions = [v["VersionId"] for v in s3.list_object_versions(Bucket=bucket).get("Versions", [])]
    assert versions == [new] and old not in versions
    fogbank.advance(2 * DAY)
    listed = s3.list_object_versions(Bucket=bucket)
    assert len(listed["DeleteMarkers"]) == 1 and listed["DeleteMarkers"][0]["IsLatest"]
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_abort_incomplete_uploads(s3: Any, bucket: str, fogbank: Any) -> None:
    _rules(s3, bucket, {"ID": "mpu", "Status": "Enabled", "Filter": {"Prefix": ""},
                        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}})
    uid = s3.create_multipart_upload(Bucket=bucket, Key="big")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="big", UploadId=uid, PartNumber=1, Body=b"x")
    fogbank.advance(2 * DAY + 1)
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)

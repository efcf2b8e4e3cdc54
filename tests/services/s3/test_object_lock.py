"""Object Lock: configuration, default retention, GOVERNANCE/COMPLIANCE, legal holds, on the clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.services.s3.helpers import assert_error

DAY = 86400


@pytest.fixture
def locked(s3: Any) -> str:
    s3.create_bucket(Bucket="locked-bucket", ObjectLockEnabledForBucket=True)
    return "locked-bucket"


def test_configuration(s3: Any, bucket: str, locked: str) -> None:
    assert s3.get_bucket_versioning(Bucket=locked)["Status"] == "Enabled"
    assert s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"]["ObjectLockEnabled"] == "Enabled"
    assert_error(s3.get_object_lock_configuration, "ObjectLockConfigurationNotFoundError", 404, Bucket=bucket)
    config = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}}
    assert_error(s3.put_object_lock_configuration, "InvalidBucketState", 409, Bucket=bucket, ObjectLockConfiguration=config)
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration=config)
    assert s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]["Days"] == 1
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert_error(s3.put_object_legal_hold, "InvalidRequest", 400, Bucket=bucket, Key="k", LegalHold={"Status": "ON"})


def test_default_governance_retention(s3: Any, locked: str, fogbank: Any) -> None:
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})
    vid = s3.put_object(Bucket=locked, Key="k", Body=b"x")["VersionId"]
    head = s3.head_object(Bucket=locked, Key="k")
    assert head["ObjectLockMode"] == "GOVERNANCE"
    assert_error(s3.delete_object, "AccessDenied", 403, Bucket=locked, Key="k", VersionId=vid)
    # a delete marker is always allowed
    assert s3.delete_object(Bucket=locked, Key="k")["DeleteMarker"] is True
    s3.delete_object(Bucket=locked, Key="k", VersionId=vid, BypassGovernanceRetention=True)
    assert "Versions" not in s3.list_object_versions(Bucket=locked)


def test_compliance_until_it_ends(s3: Any, locked: str, fogbank: Any) -> None:
    until = datetime.fromtimestamp(fogbank.advance(0), UTC) + timedelta(days=2)  # fogbank's now, not the machine's
    vid = s3.put_object(Bucket=locked, Key="k", Body=b"x", ObjectLockMode="COMPLIANCE", ObjectLockRetainUntilDate=until)["VersionId"]
    assert s3.get_object_retention(Bucket=locked, Key="k")["Retention"]["Mode"] == "COMPLIANCE"
    assert_error(s3.delete_object, "AccessDenied", 403, Bucket=locked, Key="k", VersionId=vid, BypassGovernanceRetention=True)
    assert_error(s3.put_object_retention, "AccessDenied", 403, Bucket=locked, Key="k",
                 Retention={"Mode": "COMPLIANCE", "RetainUntilDate": until - timedelta(days=1)})
    s3.put_object_retention(Bucket=locked, Key="k", Retention={"Mode": "COMPLIANCE", "RetainUntilDate": until + timedelta(days=1)})
    fogbank.advance(4 * DAY)
    s3.delete_object(Bucket=locked, Key="k", VersionId=vid)
    assert "Versions" not in s3.list_object_versions(Bucket=locked)


def test_legal_hold(s3: Any, locked: str) -> None:
    vid = s3.put_object(Bucket=locked, Key="k", Body=b"x", ObjectLockLegalHoldStatus="ON")["VersionId"]
    assert s3.get_object_legal_hold(Bucket=locked, Key="k")["LegalHold"]["Status"] == "ON"
    assert s3.get_object(Bucket=locked, Key="k")["ObjectLockLegalHoldStatus"] == "ON"
    assert_error(s3.delete_object, "AccessDenied", 403, Bucket=locked, Key="k", VersionId=vid)
    s3.put_object_legal_hold(Bucket=locked, Key="k", LegalHold={"Status": "OFF"})
    s3.delete_object(Bucket=locked, Key="k", VersionId=vid)
    assert_error(s3.get_object_retention, "NoSuchKey", 404, Bucket=locked, Key="k")


def test_multipart_and_copy_take_the_default_retention(s3: Any, locked: str) -> None:
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}}})
    uid = s3.create_multipart_upload(Bucket=locked, Key="mp")["UploadId"]
    etag = s3.upload_part(Bucket=locked, Key="mp", UploadId=uid, PartNumber=1, Body=b"x")["ETag"]
    vid = s3.complete_multipart_upload(Bucket=locked, Key="mp", UploadId=uid,
                                       MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})["VersionId"]
    assert s3.head_object(Bucket=locked, Key="mp")["ObjectLockMode"] == "COMPLIANCE"
    assert_error(s3.delete_object, "AccessDenied", 403, Bucket=locked, Key="mp", VersionId=vid)
    s3.copy_object(Bucket=locked, Key="copy", CopySource=f"{locked}/mp")
    assert s3.head_object(Bucket=locked, Key="copy")["ObjectLockMode"] == "COMPLIANCE"

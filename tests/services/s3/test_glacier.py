"""Archived objects and RestoreObject on fogbank's clock: tiers, x-amz-restore, expiry."""

from __future__ import annotations

from typing import Any

from tests.services.s3.helpers import assert_error

HOUR = 3600


def test_archived_object_needs_a_restore(s3: Any, bucket: str, fogbank: Any) -> None:
    s3.put_object(Bucket=bucket, Key="cold", Body=b"frozen", StorageClass="GLACIER")
    head = s3.head_object(Bucket=bucket, Key="cold")
    assert head["StorageClass"] == "GLACIER"
    assert "Restore" not in head
    err = assert_error(s3.get_object, "InvalidObjectState", 403, Bucket=bucket, Key="cold")
    assert err["StorageClass"] == "GLACIER"
    assert_error(s3.copy_object, "InvalidObjectState", 403, Bucket=bucket, Key="copy", CopySource=f"{bucket}/cold")
    s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 2, "GlacierJobParameters": {"Tier": "Standard"}})
    assert s3.head_object(Bucket=bucket, Key="cold")["Restore"] == 'ongoing-request="true"'
    assert_error(s3.restore_object, "RestoreAlreadyInProgress", 409, Bucket=bucket, Key="cold", RestoreRequest={"Days": 2})
    fogbank.advance(4 * HOUR)
    assert_error(s3.get_object, "InvalidObjectState", 403, Bucket=bucket, Key="cold")
    fogbank.advance(1 * HOUR + 60)
    restore = s3.head_object(Bucket=bucket, Key="cold")["Restore"]
    assert restore.startswith('ongoing-request="false", expiry-date="')
    assert restore.endswith('00:00:00 GMT"')
    assert s3.get_object(Bucket=bucket, Key="cold")["Body"].read() == b"frozen"
    fogbank.advance(3 * 24 * HOUR)
    assert "Restore" not in s3.head_object(Bucket=bucket, Key="cold")
    assert_error(s3.get_object, "InvalidObjectState", 403, Bucket=bucket, Key="cold")


def test_tiers(s3: Any, bucket: str, fogbank: Any) -> None:
    s3.put_object(Bucket=bucket, Key="fast", Body=b"x", StorageClass="GLACIER")
    s3.put_object(Bucket=bucket, Key="deep", Body=b"y", StorageClass="DEEP_ARCHIVE")
    s3.restore_object(Bucket=bucket, Key="fast", RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}})
    s3.restore_object(Bucket=bucket, Key="deep", RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Bulk"}})
    assert_error(s3.restore_object, "InvalidObjectState", 403, Bucket=bucket, Key="deep",
                 RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}})
    fogbank.advance(5 * 60 + 1)
    assert s3.get_object(Bucket=bucket, Key="fast")["Body"].read() == b"x"
    fogbank.advance(24 * HOUR)
    assert_error(s3.get_object, "InvalidObjectState", 403, Bucket=bucket, Key="deep")
    fogbank.advance(24 * HOUR)
    assert s3.get_object(Bucket=bucket, Key="deep")["Body"].read() == b"y"


def test_restore_of_a_standard_object_is_refused(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="warm", Body=b"x")
    assert_error(s3.restore_object, "ObjectAlreadyInActiveTierError", 403, Bucket=bucket, Key="warm", RestoreRequest={"Days": 1})
    assert_error(s3.restore_object, "NoSuchKey", 404, Bucket=bucket, Key="missing", RestoreRequest={"Days": 1})


def test_restore_answers_202_when_it_starts_and_200_once_restored(s3: Any, bucket: str, fogbank: Any) -> None:
    s3.put_object(Bucket=bucket, Key="cold", Body=b"frozen", StorageClass="GLACIER")
    started = s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}})
    assert started["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert_error(s3.restore_object, "RestoreAlreadyInProgress", 409, Bucket=bucket, Key="cold", RestoreRequest={"Days": 1})
    fogbank.advance(5 * 60 + 1)
    again = s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 3})
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.head_object(Bucket=bucket, Key="cold")["Restore"].startswith('ongoing-request="false"')
    # the status belongs to that one answer: the next operation is a plain 200
    assert s3.head_object(Bucket=bucket, Key="cold")["ResponseMetadata"]["HTTPStatusCode"] == 200

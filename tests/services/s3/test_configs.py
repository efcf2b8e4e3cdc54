"""Bucket configurations that are stored and returned, with their not-found errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.services.s3.helpers import assert_error

POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::test-bucket/*"}]})


def test_policy(s3: Any, bucket: str) -> None:
    assert_error(s3.get_bucket_policy, "NoSuchBucketPolicy", 404, Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=POLICY)
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == json.loads(POLICY)
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is True
    assert_error(s3.put_bucket_policy, "MalformedPolicy", 400, Bucket=bucket, Policy="not json")
    s3.delete_bucket_policy(Bucket=bucket)
    assert_error(s3.get_bucket_policy, "NoSuchBucketPolicy", 404, Bucket=bucket)


def test_lifecycle(s3: Any, bucket: str) -> None:
    assert_error(s3.get_bucket_lifecycle_configuration, "NoSuchLifecycleConfiguration", 404, Bucket=bucket)
    rules = [{"ID": "expire-logs", "Filter": {"Prefix": "logs/"}, "Status": "Enabled", "Expiration": {"Days": 30},
              "Transitions": [{"Days": 7, "StorageClass": "GLACIER"}]}]
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
    assert s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"] == rules
    s3.delete_bucket_lifecycle(Bucket=bucket)
    assert_error(s3.get_bucket_lifecycle_configuration, "NoSuchLifecycleConfiguration", 404, Bucket=bucket)


def test_website(s3: Any, bucket: str) -> None:
    assert_error(s3.get_bucket_website, "NoSuchWebsiteConfiguration", 404, Bucket=bucket)
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"},
                                                              "ErrorDocument": {"Key": "error.html"}})
    got = s3.get_bucket_website(Bucket=bucket)
    assert got["IndexDocument"] == {"Suffix": "index.html"}
    assert got["ErrorDocument"] == {"Key": "error.html"}
    s3.delete_bucket_website(Bucket=bucket)
    assert_error(s3.get_bucket_website, "NoSuchWebsiteConfiguration", 404, Bucket=bucket)


def test_public_access_block_and_ownership(s3: Any, bucket: str) -> None:
    assert_error(s3.get_public_access_block, "NoSuchPublicAccessBlockConfiguration", 404, Bucket=bucket)
    pab = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False, "RestrictPublicBuckets": False}
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=pab)
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == pab
    s3.delete_public_access_block(Bucket=bucket)
    assert_error(s3.get_bucket_ownership_controls, "OwnershipControlsNotFoundError", 404, Bucket=bucket)
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    assert s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"][0]["ObjectOwnership"] == "BucketOwnerEnforced"


def test_notification(s3: Any, aws: Any, bucket: str) -> None:
    assert "QueueConfigurations" not in s3.get_bucket_notification_configuration(Bucket=bucket)
    aws("sqs").create_queue(QueueName="events")
    config = {"QueueConfigurations": [{"Id": "q", "QueueArn": "arn:aws:sqs:us-east-1:000000000000:events",
                                       "Events": ["s3:ObjectCreated:*"]}]}
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config)
    got = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert got["QueueConfigurations"][0]["QueueArn"].endswith(":events")


def test_bucket_tagging(s3: Any, bucket: str) -> None:
    assert_error(s3.get_bucket_tagging, "NoSuchTagSet", 404, Bucket=bucket)
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "team", "Value": "data"}]})
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "team", "Value": "data"}]
    assert_error(s3.put_bucket_tagging, "InvalidTag", 400, Bucket=bucket,
                 Tagging={"TagSet": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]})
    s3.delete_bucket_tagging(Bucket=bucket)
    assert_error(s3.get_bucket_tagging, "NoSuchTagSet", 404, Bucket=bucket)


@pytest.mark.parametrize("acl", ["private", "public-read", "authenticated-read"])
def test_bucket_acl_canned(s3: Any, bucket: str, acl: str) -> None:
    s3.put_bucket_acl(Bucket=bucket, ACL=acl)
    grants = s3.get_bucket_acl(Bucket=bucket)["Grants"]
    assert grants[0]["Permission"] == "FULL_CONTROL"
    assert len(grants) == (1 if acl == "private" else 2)


def test_configs_on_missing_bucket(s3: Any) -> None:
    assert_error(s3.get_bucket_policy, "NoSuchBucket", 404, Bucket="missing-bucket")
    assert_error(s3.put_bucket_tagging, "NoSuchBucket", 404, Bucket="missing-bucket", Tagging={"TagSet": []})
    assert_error(s3.get_bucket_versioning, "NoSuchBucket", 404, Bucket="missing-bucket")


def test_request_payment_and_accelerate_defaults(s3: Any, bucket: str) -> None:
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "BucketOwner"
    s3.put_bucket_accelerate_configuration(Bucket=bucket, AccelerateConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_accelerate_configuration(Bucket=bucket)["Status"] == "Enabled"

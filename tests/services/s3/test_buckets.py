"""Buckets: create (location rules, naming, ownership across accounts), head, list, delete."""

from __future__ import annotations

from typing import Any

import pytest

from tests.services.s3.helpers import assert_error


def test_create_list_head_delete(s3: Any) -> None:
    s3.create_bucket(Bucket="alpha-bucket")
    s3.create_bucket(Bucket="beta.bucket")
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert names == ["alpha-bucket", "beta.bucket"]
    assert s3.head_bucket(Bucket="alpha-bucket")["BucketRegion"] == "us-east-1"
    assert s3.get_bucket_location(Bucket="alpha-bucket")["LocationConstraint"] is None
    s3.delete_bucket(Bucket="alpha-bucket")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["beta.bucket"]
    assert_error(s3.head_bucket, "404", 404, Bucket="alpha-bucket")


def test_region_and_location_constraint(aws: Any) -> None:
    eu = aws("s3", region="eu-west-2")
    eu.create_bucket(Bucket="eu-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    assert eu.get_bucket_location(Bucket="eu-bucket")["LocationConstraint"] == "eu-west-2"
    listed = eu.list_buckets()["Buckets"]
    assert listed[0]["BucketRegion"] == "eu-west-2"
    assert_error(eu.create_bucket, "IllegalLocationConstraintException", 400, Bucket="no-constraint")
    assert_error(eu.create_bucket, "IllegalLocationConstraintException", 400, Bucket="wrong-constraint",
                 CreateBucketConfiguration={"LocationConstraint": "ap-south-1"})
    us = aws("s3")
    assert_error(us.create_bucket, "InvalidLocationConstraint", 400, Bucket="explicit-us",
                 CreateBucketConfiguration={"LocationConstraint": "us-east-1"})


def test_already_owned_vs_already_exists(aws: Any) -> None:
    mine = aws("s3", region="eu-west-1", account="111111111111")
    theirs = aws("s3", region="eu-west-1", account="222222222222")
    cfg = {"LocationConstraint": "eu-west-1"}
    mine.create_bucket(Bucket="shared-name", CreateBucketConfiguration=cfg)
    err = assert_error(mine.create_bucket, "BucketAlreadyOwnedByYou", 409, Bucket="shared-name", CreateBucketConfiguration=cfg)
    assert err["BucketName"] == "shared-name"
    assert_error(theirs.create_bucket, "BucketAlreadyExists", 409, Bucket="shared-name", CreateBucketConfiguration=cfg)
    # us-east-1 answers a repeated create of one's own bucket with success
    us = aws("s3", account="111111111111")
    us.create_bucket(Bucket="legacy-name")
    us.create_bucket(Bucket="legacy-name")
    assert_error(aws("s3", account="333333333333").create_bucket, "BucketAlreadyExists", 409, Bucket="legacy-name")
    # each account lists only its own buckets
    assert [b["Name"] for b in theirs.list_buckets()["Buckets"]] == []


@pytest.mark.parametrize("name", ["ab", "UPPER-case", "a" * 64, "-leading", "trailing-", "two..dots", "192.168.1.1",
                                  "xn--punycode", "under_score", "bucket-s3alias"])
def test_invalid_bucket_names(s3: Any, name: str) -> None:
    assert_error(s3.create_bucket, "InvalidBucketName", 400, Bucket=name)


def test_delete_non_empty_and_missing(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    err = assert_error(s3.delete_bucket, "BucketNotEmpty", 409, Bucket=bucket)
    assert err["BucketName"] == bucket
    s3.delete_object(Bucket=bucket, Key="k")
    s3.delete_bucket(Bucket=bucket)
    err = assert_error(s3.delete_bucket, "NoSuchBucket", 404, Bucket=bucket)
    assert err["BucketName"] == bucket
    assert err["Message"] == "The specified bucket does not exist"


def test_virtual_host_addressing(aws: Any, bucket: str, fogbank: Any) -> None:
    import urllib.request

    port = fogbank.endpoint.rsplit(":", 1)[1]
    client = aws("s3")
    client.put_object(Bucket=bucket, Key="hello.txt", Body=b"vhost")
    req = urllib.request.Request(f"http://127.0.0.1:{port}/hello.txt", headers={"Host": f"{bucket}.s3.localhost:{port}"})
    with urllib.request.urlopen(req) as resp:
        assert resp.read() == b"vhost"


def test_legacy_eu_constraint(aws: Any) -> None:
    eu = aws("s3", region="eu-west-1")
    eu.create_bucket(Bucket="legacy-eu", CreateBucketConfiguration={"LocationConstraint": "EU"})
    assert eu.get_bucket_location(Bucket="legacy-eu")["LocationConstraint"] == "EU"
    assert eu.head_bucket(Bucket="legacy-eu")["BucketRegion"] == "eu-west-1"

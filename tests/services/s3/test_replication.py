"""Replication: configuration checks, PENDING -> COMPLETED on the source and REPLICA on the copy
(in another region and in another account), filters and delete-marker replication."""

from __future__ import annotations

from typing import Any

import pytest

from tests.services.s3.helpers import assert_error

ROLE = "arn:aws:iam::000000000000:role/replication"


@pytest.fixture
def pair(aws: Any) -> tuple[Any, Any]:
    """A versioned source bucket in us-east-1 and destination in eu-west-1."""
    src = aws("s3")
    dst = aws("s3", region="eu-west-1")
    src.create_bucket(Bucket="source-bucket")
    dst.create_bucket(Bucket="dest-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    for client, name in ((src, "source-bucket"), (dst, "dest-bucket")):
        client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return src, dst


def _config(dest: str = "dest-bucket", **rule: Any) -> dict[str, Any]:
    return {"Role": ROLE, "Rules": [{"ID": "r1", "Priority": 1, "Status": "Enabled", "Filter": rule.pop("Filter", {}),
                                     "DeleteMarkerReplication": {"Status": rule.pop("markers", "Disabled")},
                                     "Destination": {"Bucket": f"arn:aws:s3:::{dest}"}, **rule}]}


def test_configuration_requires_versioning(aws: Any) -> None:
    s3 = aws("s3")
    s3.create_bucket(Bucket="plain-source")
    s3.create_bucket(Bucket="plain-dest")
    assert_error(s3.put_bucket_replication, "InvalidRequest", 400, Bucket="plain-source", ReplicationConfiguration=_config("plain-dest"))
    s3.put_bucket_versioning(Bucket="plain-source", VersioningConfiguration={"Status": "Enabled"})
    err = assert_error(s3.put_bucket_replication, "InvalidRequest", 400, Bucket="plain-source", ReplicationConfiguration=_config("plain-dest"))
    assert "Destination bucket must have versioning enabled" in err["Message"]
    assert_error(s3.put_bucket_replication, "InvalidRequest", 400, Bucket="plain-source", ReplicationConfiguration=_config("no-such-dest"))
    assert_error(s3.get_bucket_replication, "ReplicationConfigurationNotFoundError", 404, Bucket="plain-source")


def test_new_versions_replicate_across_regions(pair: tuple[Any, Any], fogbank: Any) -> None:
    src, dst = pair
    src.put_bucket_replication(Bucket="source-bucket", ReplicationConfiguration=_config())
    assert src.get_bucket_replication(Bucket="source-bucket")["ReplicationConfiguration"]["Rules"][0]["ID"] == "r1"
    vid = src.put_object(Bucket="source-bucket", Key="doc.txt", Body=b"replicate me", Metadata={"a": "b"})["VersionId"]
    assert src.head_object(Bucket="source-bucket", Key="doc.txt")["ReplicationStatus"] == "PENDING"
    fogbank.advance(2)
    assert src.head_object(Bucket="source-bucket", Key="doc.txt")["ReplicationStatus"] == "COMPLETED"
    copy = dst.get_object(Bucket="dest-bucket", Key="doc.txt")
    assert copy["Body"].read() == b"replicate me"
    assert copy["ReplicationStatus"] == "REPLICA"
    assert copy["VersionId"] == vid
    assert copy["Metadata"] == {"a": "b"}
    # versioning cannot be suspended while replication is configured
    assert_error(src.put_bucket_versioning, "InvalidBucketState", 409, Bucket="source-bucket",
                 VersioningConfiguration={"Status": "Suspended"})


def test_prefix_filter_and_delete_markers(pair: tuple[Any, Any], fogbank: Any) -> None:
    src, dst = pair
    src.put_bucket_replication(Bucket="source-bucket", ReplicationConfiguration=_config(Filter={"Prefix": "logs/"}, markers="Enabled"))
    src.put_object(Bucket="source-bucket", Key="logs/1", Body=b"x")
    src.put_object(Bucket="source-bucket", Key="other", Body=b"y")
    assert "ReplicationStatus" not in src.head_object(Bucket="source-bucket", Key="other")
    fogbank.advance(2)
    assert [o["Key"] for o in dst.list_objects_v2(Bucket="dest-bucket")["Contents"]] == ["logs/1"]
    marker = src.delete_object(Bucket="source-bucket", Key="logs/1")["VersionId"]
    fogbank.advance(2)
    listed = dst.list_object_versions(Bucket="dest-bucket")
    assert [m["VersionId"] for m in listed["DeleteMarkers"]] == [marker]
    assert dst.list_objects_v2(Bucket="dest-bucket")["KeyCount"] == 0


def test_tag_filter(pair: tuple[Any, Any], fogbank: Any) -> None:
    src, dst = pair
    src.put_bucket_replication(Bucket="source-bucket", ReplicationConfiguration=_config(Filter={"Tag": {"Key": "copy", "Value": "yes"}}))
    src.put_object(Bucket="source-bucket", Key="tagged", Body=b"x", Tagging="copy=yes")
    src.put_object(Bucket="source-bucket", Key="untagged", Body=b"y")
    fogbank.advance(2)
    assert [o["Key"] for o in dst.list_objects_v2(Bucket="dest-bucket")["Contents"]] == ["tagged"]


def test_replication_to_another_account(aws: Any, fogbank: Any) -> None:
    src = aws("s3", account="111111111111")
    dst = aws("s3", region="eu-west-1", account="222222222222")
    src.create_bucket(Bucket="acct-source")
    dst.create_bucket(Bucket="acct-dest", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    src.put_bucket_versioning(Bucket="acct-source", VersioningConfiguration={"Status": "Enabled"})
    dst.put_bucket_versioning(Bucket="acct-dest", VersioningConfiguration={"Status": "Enabled"})
    config = _config("acct-dest")
    config["Rules"][0]["Destination"]["Account"] = "222222222222"
    src.put_bucket_replication(Bucket="acct-source", ReplicationConfiguration=config)
    src.put_object(Bucket="acct-source", Key="k", Body=b"shared", ServerSideEncryption="AES256")
    fogbank.advance(2)
    got = dst.get_object(Bucket="acct-dest", Key="k")
    assert got["Body"].read() == b"shared"
    assert got["ReplicationStatus"] == "REPLICA"

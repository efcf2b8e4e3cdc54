"""Calls one service makes to another carry the caller's identity (S3 -> KMS for SSE-KMS), with
``kms:ViaService`` telling key policies which service asked, as AWS's KMS documentation describes."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.security.conftest import allow, policy


def _denied(call: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as info:
        call()
    return info.value.response["Error"]


def test_sse_kms_runs_as_the_caller_through_s3(root, user) -> None:
    alice = user("alice", policy(allow("s3:*")))
    bob = user("bob", policy(allow("s3:*")))
    key = root("kms").create_key(BypassPolicyLockoutSafetyCheck=True, Policy=policy(
        {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "ThroughS3", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:user/alice"},
         "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*",
         "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}}))["KeyMetadata"]["Arn"]
    root("s3").create_bucket(Bucket="secure-bucket")
    s3 = alice("s3")
    s3.put_object(Bucket="secure-bucket", Key="a", Body=b"secret", ServerSideEncryption="aws:kms", SSEKMSKeyId=key)
    assert s3.get_object(Bucket="secure-bucket", Key="a")["Body"].read() == b"secret"
    # the same permissions do not reach KMS directly: the condition needs S3 to ask
    _denied(lambda: alice("kms").generate_data_key(KeyId=key, KeySpec="AES_256"))
    # bob may use S3 but the key policy does not name him
    _denied(lambda: bob("s3").put_object(Bucket="secure-bucket", Key="b", Body=b"x",
                                         ServerSideEncryption="aws:kms", SSEKMSKeyId=key))
    _denied(lambda: bob("s3").get_object(Bucket="secure-bucket", Key="a"))
    assert [o["Key"] for o in root("s3").list_objects_v2(Bucket="secure-bucket")["Contents"]] == ["a"]

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


FUNCTION_PY = """
import boto3

def handler(event, context):
    out = {"arn": boto3.client("sts").get_caller_identity()["Arn"]}
    sqs = boto3.client("sqs")
    for url in event["urls"]:
        try:
            sqs.send_message(QueueUrl=url, MessageBody="from lambda")
            out[url] = "sent"
        except Exception as exc:
            out[url] = getattr(exc, "response", {}).get("Error", {}).get("Code", repr(exc))
    return out
"""


def test_a_functions_sdk_calls_run_as_its_execution_role(root) -> None:
    import json

    from tests.services.lambda_.helpers import zip_of

    iam = root("iam")
    trust = policy({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})
    role = iam.create_role(RoleName="fn-role", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    iam.put_role_policy(RoleName="fn-role", PolicyName="send", PolicyDocument=policy(
        allow("sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:allowed")))
    sqs = root("sqs")
    allowed = sqs.create_queue(QueueName="allowed")["QueueUrl"]
    other = sqs.create_queue(QueueName="other")["QueueUrl"]
    lam = root("lambda")
    lam.create_function(FunctionName="sender", Runtime="python3.11", Role=role, Handler="app.handler",
                        Code={"ZipFile": zip_of({"app.py": FUNCTION_PY})}, Timeout=30)
    answer = lam.invoke(FunctionName="sender", Payload=json.dumps({"urls": [allowed, other]}).encode())
    out = json.loads(answer["Payload"].read())
    assert out["arn"].startswith("arn:aws:sts::000000000000:assumed-role/fn-role/")
    assert (out[allowed], out[other]) == ("sent", "AccessDenied")
    assert sqs.receive_message(QueueUrl=other).get("Messages") is None

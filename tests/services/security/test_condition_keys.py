"""Global condition keys in force: aws:ResourceTag/* (SQS, KMS, Lambda, DynamoDB, SSM),
aws:SourceIp (local callers come from 127.0.0.1) and aws:SecureTransport (false over plain HTTP)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.security.conftest import allow, deny, policy

BLUE = {"StringEquals": {"aws:ResourceTag/team": "blue"}}


def _denied(call: Any) -> None:
    with pytest.raises(ClientError) as info:
        call()
    assert info.value.response["Error"]["Code"] in ("AccessDenied", "AccessDeniedException")


def test_resource_tags_decide_access(root, user) -> None:
    sqs = root("sqs")
    blue = sqs.create_queue(QueueName="blue", tags={"team": "blue"})["QueueUrl"]
    red = sqs.create_queue(QueueName="red", tags={"team": "red"})["QueueUrl"]
    ddb = root("dynamodb")
    for name, team in (("blue-table", "blue"), ("red-table", "red")):
        ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST", Tags=[{"Key": "team", "Value": team}])
    kms = root("kms")
    blue_key = kms.create_key(Tags=[{"TagKey": "team", "TagValue": "blue"}])["KeyMetadata"]["KeyId"]
    red_key = kms.create_key(Tags=[{"TagKey": "team", "TagValue": "red"}])["KeyMetadata"]["KeyId"]
    ssm = root("ssm")
    ssm.put_parameter(Name="/blue/p", Value="1", Type="String", Tags=[{"Key": "team", "Value": "blue"}])
    ssm.put_parameter(Name="/red/p", Value="2", Type="String", Tags=[{"Key": "team", "Value": "red"}])
    ann = user("ann", policy(allow(["sqs:SendMessage", "dynamodb:GetItem", "kms:Encrypt", "ssm:GetParameter"],
                                   Condition=BLUE)))
    ann("sqs").send_message(QueueUrl=blue, MessageBody="x")
    _denied(lambda: ann("sqs").send_message(QueueUrl=red, MessageBody="x"))
    ann("dynamodb").get_item(TableName="blue-table", Key={"pk": {"S": "a"}})
    _denied(lambda: ann("dynamodb").get_item(TableName="red-table", Key={"pk": {"S": "a"}}))
    ann("kms").encrypt(KeyId=blue_key, Plaintext=b"p")
    _denied(lambda: ann("kms").encrypt(KeyId=red_key, Plaintext=b"p"))
    assert ann("ssm").get_parameter(Name="/blue/p")["Parameter"]["Value"] == "1"
    _denied(lambda: ann("ssm").get_parameter(Name="/red/p"))
    # retagging takes effect on the next request
    sqs.tag_queue(QueueUrl=red, Tags={"team": "blue"})
    ann("sqs").send_message(QueueUrl=red, MessageBody="x")


def test_source_ip_and_secure_transport(root, user) -> None:
    url = root("sqs").create_queue(QueueName="q")["QueueUrl"]
    local = user("local", policy(allow("sqs:SendMessage", Condition={"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}})))
    local("sqs").send_message(QueueUrl=url, MessageBody="x")
    remote = user("remote", policy(allow("sqs:SendMessage", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})))
    _denied(lambda: remote("sqs").send_message(QueueUrl=url, MessageBody="x"))
    # the usual "deny unless TLS" statement denies plain-HTTP requests, even the owner's
    root("s3").create_bucket(Bucket="tls-bucket")
    root("s3").put_bucket_policy(Bucket="tls-bucket", Policy=policy(deny(
        "s3:*", ["arn:aws:s3:::tls-bucket", "arn:aws:s3:::tls-bucket/*"], Principal="*",
        Condition={"Bool": {"aws:SecureTransport": "false"}})))
    _denied(lambda: root("s3").put_object(Bucket="tls-bucket", Key="k", Body=b"1"))

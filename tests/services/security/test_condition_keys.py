"""Global condition keys in force: aws:ResourceTag/* (SQS, KMS, Lambda, DynamoDB, SSM),
aws:SourceIp (the address the request came from) and aws:SecureTransport (false over plain HTTP)."""

from __future__ import annotations

import http.client
import json
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from tests.conftest import Server
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


def _send_from(server: Server, source: str, key: dict[str, str], queue_url: str) -> tuple[int, dict[str, Any]]:
    """SendMessage signed with ``key`` and sent from the local address ``source``."""
    body = json.dumps({"QueueUrl": queue_url, "MessageBody": "x"}).encode()
    request = AWSRequest("POST", server.endpoint + "/", data=body, headers={
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.SendMessage"})
    SigV4Auth(Credentials(key["AccessKeyId"], key["SecretAccessKey"]), "sqs", "us-east-1").add_auth(request)
    port = int(server.endpoint.rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        conn.request("POST", "/", body=body, headers=dict(request.headers.items()))
        answer = conn.getresponse()
        return answer.status, json.loads(answer.read() or b"{}")
    finally:
        conn.close()


def test_source_ip_is_the_clients_address(secure: Server, root: Any) -> None:
    url = root("sqs").create_queue(QueueName="q")["QueueUrl"]
    iam = root("iam")
    iam.create_user(UserName="pinned")
    iam.put_user_policy(UserName="pinned", PolicyName="p", PolicyDocument=policy(
        allow("sqs:SendMessage", Condition={"IpAddress": {"aws:SourceIp": "127.0.0.2/32"}})))
    key = iam.create_access_key(UserName="pinned")["AccessKey"]
    # Every 127/8 address is local on Linux: the same user, two client addresses.
    status, answer = _send_from(secure, "127.0.0.2", key, url)
    assert status == 200, answer
    assert "MessageId" in answer
    status, answer = _send_from(secure, "127.0.0.1", key, url)
    assert status == 403
    assert "AccessDenied" in answer["__type"]
    assert root("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"]["ApproximateNumberOfMessages"] == "1"

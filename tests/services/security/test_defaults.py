"""The default server (no security flags) accepts any credentials and any signature, and enforces
no IAM policy: the switches are off unless asked for."""

from __future__ import annotations

import urllib.request
from typing import Any

import boto3
from botocore.config import Config as BotoConfig


def _client(fogbank: Any, service: str, key: str, secret: str, token: str | None = None) -> Any:
    return boto3.client(service, endpoint_url=fogbank.endpoint, region_name="us-east-1", aws_access_key_id=key,
                        aws_secret_access_key=secret, aws_session_token=token,
                        config=BotoConfig(retries={"max_attempts": 1}))


def test_any_key_secret_and_token_is_the_default_accounts_root(fogbank) -> None:
    for key, secret, token in [("AKIAANYTHINGATALL000", "wrong", None), ("ASIANOTISSUED0000000", "x", "not-a-token"),
                               ("whatever", "", None)]:
        assert _client(fogbank, "sts", key, secret, token).get_caller_identity()["Arn"] == \
            "arn:aws:iam::000000000000:root"
        _client(fogbank, "sqs", key, secret, token).create_queue(QueueName="q")
        assert _client(fogbank, "s3", key, secret, token).list_buckets()["Buckets"] == []
        assert _client(fogbank, "dynamodb", key, secret, token).list_tables()["TableNames"] == []


def test_unsigned_and_garbled_authorization_headers_are_served(fogbank) -> None:
    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    for header in [None, "garbage", "AWS4-HMAC-SHA256 Credential=incomplete"]:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if header is not None:
            headers["Authorization"] = header
        req = urllib.request.Request(fogbank.endpoint + "/", data=body, headers=headers, method="POST")
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert resp.status == 200 and b"arn:aws:iam::000000000000:root" in resp.read()


def test_users_without_policies_and_wrong_secrets_are_not_refused(aws, fogbank) -> None:
    iam = aws("iam")
    iam.create_user(UserName="nobody")
    key = iam.create_access_key(UserName="nobody")["AccessKey"]["AccessKeyId"]
    # signatures are not checked: the key alone says who is calling
    caller = _client(fogbank, "sts", key, "not-the-secret").get_caller_identity()
    assert caller["Arn"] == "arn:aws:iam::000000000000:user/nobody"
    # and no IAM policy is enforced for that user
    assert _client(fogbank, "iam", key, "not-the-secret").list_users()["Users"][0]["UserName"] == "nobody"
    url = _client(fogbank, "sqs", key, "x").create_queue(QueueName="free")["QueueUrl"]
    assert url.endswith("/000000000000/free")

"""Signature checks through real HTTP: a tampered signature, a skewed clock and an expired
presigned URL are refused with the service's own error; report mode lets denials through and
logs them."""

from __future__ import annotations

import datetime as dt
import urllib.error
import urllib.request
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from tests.conftest import start_server, stop_server
from tests.services.security.conftest import client


def _raw(secure: Any, request: AWSRequest) -> tuple[int, bytes]:
    prepared = request.prepare()
    req = urllib.request.Request(prepared.url, data=prepared.body, headers=dict(prepared.headers),
                                 method=prepared.method)
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_wrong_secret_and_unknown_key_are_refused(secure, root) -> None:
    with pytest.raises(ClientError) as info:
        client(secure, "sqs", secret="not-test").list_queues()
    assert info.value.response["Error"]["Code"] == "InvalidSignatureException"
    with pytest.raises(ClientError) as info:
        client(secure, "s3", key="AKIANOBODYKNOWS").list_buckets()
    assert info.value.response["Error"]["Code"] == "InvalidAccessKeyId"
    with pytest.raises(ClientError) as info:
        client(secure, "iam", key="AKIANOBODYKNOWS").list_users()
    assert info.value.response["Error"]["Code"] == "InvalidClientTokenId"


def test_tampered_signature_is_refused(secure, root) -> None:
    request = AWSRequest(method="POST", url=secure.endpoint + "/", data=b'{"QueueName":"q"}',
                         headers={"X-Amz-Target": "AmazonSQS.CreateQueue",
                                  "Content-Type": "application/x-amz-json-1.0"})
    SigV4Auth(Credentials("test", "test"), "sqs", "us-east-1").add_auth(request)
    assert _raw(secure, request)[0] == 200
    auth = request.headers["Authorization"]
    del request.headers["Authorization"]
    request.headers["Authorization"] = auth[:-4] + ("0000" if not auth.endswith("0000") else "1111")
    status, body = _raw(secure, request)
    assert status == 400 and b"InvalidSignatureException" in body


def test_skewed_clock_is_refused(secure, root, monkeypatch) -> None:
    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=20)

    class Skewed(dt.datetime):
        @classmethod
        def utcnow(cls) -> dt.datetime:
            return past.replace(tzinfo=None)

        @classmethod
        def now(cls, tz: Any = None) -> dt.datetime:
            return past if tz else past.replace(tzinfo=None)

    monkeypatch.setattr("botocore.auth.datetime.datetime", Skewed)
    with pytest.raises(ClientError) as info:
        client(secure, "s3").list_buckets()
    assert info.value.response["Error"]["Code"] == "RequestTimeTooSkewed"
    with pytest.raises(ClientError) as info:
        client(secure, "sts").get_caller_identity()
    assert info.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert info.value.response["Error"]["Message"].startswith("Signature expired")


def test_expired_presigned_url_is_refused(secure, root) -> None:
    s3 = root("s3")
    s3.create_bucket(Bucket="pre-bucket")
    s3.put_object(Bucket="pre-bucket", Key="k", Body=b"body")
    for version in ("s3v4", "s3"):
        signer = client(secure, "s3", signature_version=version)
        url = signer.generate_presigned_url("get_object", Params={"Bucket": "pre-bucket", "Key": "k"}, ExpiresIn=5)
        assert urllib.request.urlopen(url).read() == b"body"
        tampered = url.replace("pre-bucket/k", "pre-bucket/other")
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(tampered)
        assert info.value.code == 403 and b"SignatureDoesNotMatch" in info.value.read()
    secure.advance(60)
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(url)
    assert info.value.code == 403 and b"Request has expired" in info.value.read()


def test_signed_chunked_upload_is_accepted(secure, root) -> None:
    s3 = root("s3")
    s3.create_bucket(Bucket="chunk-bucket")
    import io

    s3.upload_fileobj(io.BytesIO(b"x" * 70000), "chunk-bucket", "big")
    assert s3.get_object(Bucket="chunk-bucket", Key="big")["ContentLength"] == 70000


def test_report_mode_allows_and_logs() -> None:
    srv = start_server("--verify-signatures", "--enforce-iam", "report")
    try:
        iam = client(srv, "iam")
        iam.create_user(UserName="watch")
        key = iam.create_access_key(UserName="watch")["AccessKey"]
        sqs = client(srv, "sqs", key["AccessKeyId"], key["SecretAccessKey"])
        sqs.create_queue(QueueName="allowed-anyway")
        assert "IAM would deny: principal=arn:aws:iam::000000000000:user/watch action=sqs:CreateQueue" in srv.log()
    finally:
        stop_server(srv)


def test_unsigned_requests_under_enforcement_alone() -> None:
    # with --enforce-iam (no signature checks) AWS still refuses unsigned requests outside S3
    from botocore import UNSIGNED

    srv = start_server("--enforce-iam")
    try:
        ddb = client(srv, "dynamodb", signature_version=UNSIGNED)
        with pytest.raises(ClientError) as info:
            ddb.list_tables()
        err = info.value.response
        assert (err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"]) == \
            ("MissingAuthenticationTokenException", 400)
        assert err["Error"]["Message"] == "Missing Authentication Token"
        sts = client(srv, "sts", signature_version=UNSIGNED)
        with pytest.raises(ClientError) as info:
            sts.get_caller_identity()
        err = info.value.response
        assert (err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"]) == ("MissingAuthenticationToken", 403)
        assert err["Error"]["Message"] == "Request is missing Authentication Token"
        # AssumeRoleWithWebIdentity is made without credentials: it reaches STS, which judges the token
        with pytest.raises(ClientError) as info:
            sts.assume_role_with_web_identity(RoleArn="arn:aws:iam::000000000000:role/none",
                                              RoleSessionName="web", WebIdentityToken="not-a-token")
        assert info.value.response["Error"]["Code"] != "MissingAuthenticationToken"
        # signed requests go on as before
        assert client(srv, "dynamodb").list_tables()["TableNames"] == []
    finally:
        stop_server(srv)

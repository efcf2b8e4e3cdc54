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


def _chunked_put(secure, key: str, chunks: list[bytes], tamper: int | None = None) -> tuple[int, bytes]:
    """PUT ``chunks`` as a STREAMING-AWS4-HMAC-SHA256-PAYLOAD body, each chunk signed by the
    chain AWS documents (seed = the request's signature); chunk ``tamper`` gets a wrong one."""
    import hashlib
    import hmac

    now = dt.datetime.now(dt.UTC)
    stamp, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    scope = f"{day}/us-east-1/s3/aws4_request"
    decoded = sum(len(c) for c in chunks)
    url = f"{secure.endpoint}/chunk-bucket/{key}"
    request = AWSRequest("PUT", url, headers={
        "X-Amz-Content-SHA256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "Content-Encoding": "aws-chunked",
        "X-Amz-Decoded-Content-Length": str(decoded), "X-Amz-Date": stamp})
    SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(request)
    seed = request.headers["Authorization"].rsplit("Signature=", 1)[1]

    def hm(k: bytes, text: str) -> bytes:
        return hmac.new(k, text.encode(), hashlib.sha256).digest()

    signing = hm(hm(hm(hm(b"AWS4test", day), "us-east-1"), "s3"), "aws4_request")
    body, previous = b"", seed
    empty = hashlib.sha256(b"").hexdigest()
    for i, chunk in enumerate([*chunks, b""]):
        text = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", stamp, scope, previous, empty,
                          hashlib.sha256(chunk).hexdigest()])
        signature = hmac.new(signing, text.encode(), hashlib.sha256).hexdigest()
        previous = signature
        if i == tamper:
            signature = "0" * 64
        body += f"{len(chunk):x};chunk-signature={signature}\r\n".encode() + chunk + b"\r\n"
    headers = {k: v for k, v in request.headers.items()}
    headers["Content-Length"] = str(len(body))
    req = urllib.request.Request(url, data=body, method="PUT", headers=headers)
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_chunk_signatures_are_checked(secure, root) -> None:
    s3 = root("s3")
    s3.create_bucket(Bucket="chunk-bucket")
    status, _ = _chunked_put(secure, "good", [b"a" * 8192, b"b" * 100])
    assert status == 200
    assert s3.get_object(Bucket="chunk-bucket", Key="good")["Body"].read() == b"a" * 8192 + b"b" * 100
    for tamper in (0, 1, 2):
        status, body = _chunked_put(secure, f"bad{tamper}", [b"a" * 8192, b"b" * 100], tamper=tamper)
        assert status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in body
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="chunk-bucket")["Contents"]] == ["good"]

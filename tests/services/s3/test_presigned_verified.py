"""Presigned URLs on a server that verifies signatures: valid until they expire on fogbank's clock."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config

from tests.conftest import Server, start_server, stop_server


@pytest.fixture(scope="module")
def verifying() -> Iterator[Server]:
    server = start_server("--verify-signatures")
    yield server
    stop_server(server)


def test_expired_presigned_url_is_refused(verifying: Server) -> None:
    s3 = boto3.client("s3", endpoint_url=verifying.endpoint, region_name="us-east-1", aws_access_key_id="test",
                      aws_secret_access_key="test", config=Config(retries={"max_attempts": 1}, signature_version="s3v4"))
    s3.create_bucket(Bucket="signed-bucket")
    s3.put_object(Bucket="signed-bucket", Key="k", Body=b"hello")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "signed-bucket", "Key": "k"}, ExpiresIn=60)
    with urllib.request.urlopen(url) as resp:
        assert resp.read() == b"hello"
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": "signed-bucket", "Key": "up"}, ExpiresIn=60)
    with urllib.request.urlopen(urllib.request.Request(put_url, data=b"uploaded", method="PUT")) as resp:
        assert resp.status == 200
    verifying.advance(120)
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(url)
    assert info.value.code == 403
    body = info.value.read()
    assert b"<Code>AccessDenied</Code>" in body and b"Request has expired" in body
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(urllib.request.Request(put_url, data=b"late", method="PUT"))
    assert info.value.code == 403
    assert s3.get_object(Bucket="signed-bucket", Key="up")["Body"].read() == b"uploaded"



def test_sigv2_presigned_get_expires(verifying: Server) -> None:
    v4 = boto3.client("s3", endpoint_url=verifying.endpoint, region_name="us-east-1", aws_access_key_id="test",
                      aws_secret_access_key="test", config=Config(retries={"max_attempts": 1}, signature_version="s3v4"))
    v4.create_bucket(Bucket="v2-bucket")
    v4.put_object(Bucket="v2-bucket", Key="k", Body=b"v2")
    v2 = boto3.client("s3", endpoint_url=verifying.endpoint, region_name="us-east-1", aws_access_key_id="test",
                      aws_secret_access_key="test", config=Config(signature_version="s3"))
    # generous: SigV2's Expires is machine time, and this server's clock may be ahead already
    url = v2.generate_presigned_url("get_object", Params={"Bucket": "v2-bucket", "Key": "k"}, ExpiresIn=3600)
    assert "Signature=" in url and "Expires=" in url
    with urllib.request.urlopen(url) as resp:
        assert resp.read() == b"v2"
    verifying.advance(2 * 3600)
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(url)
    assert info.value.code == 403 and b"Request has expired" in info.value.read()

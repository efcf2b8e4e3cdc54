"""Presigned URL expiry on fogbank's clock."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from botocore.config import Config

from fogbank.services.s3.errors import AccessDenied
from fogbank.services.s3.presigned import check_expiry


def _query(expires: int, signature_version: str = "s3v4") -> dict[str, list[str]]:
    client = boto3.client("s3", endpoint_url="http://127.0.0.1:1", region_name="us-east-1", aws_access_key_id="test",
                          aws_secret_access_key="test", config=Config(signature_version=signature_version))
    url = client.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"}, ExpiresIn=expires)
    return parse_qs(urlsplit(url).query)


def test_v4_expiry() -> None:
    import time

    query = _query(60)
    now = time.time()
    check_expiry(query, now)
    check_expiry(query, now + 50)
    with pytest.raises(AccessDenied, match="Request has expired") as info:
        check_expiry(query, now + 120)
    assert info.value.status == 403
    assert info.value.fields["X-Amz-Expires"] == "60"


def test_v2_expiry() -> None:
    import time

    query = _query(60, "s3")
    check_expiry(query, time.time())
    with pytest.raises(AccessDenied):
        check_expiry(query, time.time() + 3600)


def test_plain_requests_are_not_judged() -> None:
    check_expiry({}, 0)

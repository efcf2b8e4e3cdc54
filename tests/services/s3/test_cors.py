"""CORS configuration through boto3, and the preflight over HTTP once the server routes OPTIONS."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any

import pytest

from tests.services.s3.helpers import assert_error

RULES = [{"AllowedOrigins": ["https://*.example.com"], "AllowedMethods": ["GET", "PUT"], "AllowedHeaders": ["*"],
          "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 300}]


def test_put_get_delete_cors(s3: Any, bucket: str) -> None:
    assert_error(s3.get_bucket_cors, "NoSuchCORSConfiguration", 404, Bucket=bucket)
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES})
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == RULES
    s3.delete_bucket_cors(Bucket=bucket)
    assert_error(s3.get_bucket_cors, "NoSuchCORSConfiguration", 404, Bucket=bucket)
    bad = [{"AllowedOrigins": ["*"], "AllowedMethods": ["PATCH"]}]
    assert_error(s3.put_bucket_cors, "InvalidArgument", 400, Bucket=bucket, CORSConfiguration={"CORSRules": bad})
    assert_error(s3.put_bucket_cors, "NoSuchBucket", 404, Bucket="missing-bucket", CORSConfiguration={"CORSRules": RULES})


def _options(endpoint: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    req = urllib.request.Request(endpoint + path, method="OPTIONS", headers=headers)
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}


def test_preflight_over_http(s3: Any, bucket: str, fogbank: Any) -> None:
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES})
    status, headers = _options(fogbank.endpoint, f"/{bucket}/file.txt", {
        "Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "content-type"})
    assert status == 200
    assert headers["access-control-allow-origin"] == "https://app.example.com"
    status, _ = _options(fogbank.endpoint, f"/{bucket}/file.txt", {
        "Origin": "https://evil.org", "Access-Control-Request-Method": "PUT"})
    assert status == 403


def test_error_answers_carry_cors_headers_too(s3: Any, bucket: str, fogbank: Any) -> None:
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES})
    req = urllib.request.Request(f"{fogbank.endpoint}/{bucket}/missing.txt", headers={"Origin": "https://app.example.com"})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req)
    assert info.value.code == 404
    assert info.value.headers["Access-Control-Allow-Origin"] == "https://app.example.com"

"""CORS rule matching and the preflight/actual-request answers the server gets from ``cors``."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fogbank.context import Ctx
from fogbank.services.s3 import cors
from fogbank.services.s3.errors import AccessForbidden, NoSuchBucket

RULES = [
    {"AllowedOrigins": ["https://*.example.com"], "AllowedMethods": ["GET", "PUT"], "AllowedHeaders": ["x-amz-*", "content-type"],
     "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 600},
    {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]},
]


def test_wildcard_origin_and_headers() -> None:
    assert cors.match(RULES, "https://app.example.com", "PUT", ["x-amz-meta-a", "content-type"]) is RULES[0]
    assert cors.match(RULES, "https://app.example.com", "PUT", ["authorization"]) is None
    assert cors.match(RULES, "http://app.example.com", "PUT", []) is None
    assert cors.match(RULES, "https://elsewhere.org", "GET", []) is RULES[1]
    assert cors.match(RULES, "https://elsewhere.org", "DELETE", []) is None


@given(st.text(alphabet="abc.-", min_size=1, max_size=12))
def test_star_matches_any_subdomain(sub: str) -> None:
    assert cors.match(RULES[:1], f"https://{sub}.example.com", "GET", []) is RULES[0]


def _bucket_with_rules(ctx: Ctx, provider: Any) -> None:
    provider.create_bucket(ctx, {"Bucket": "web-bucket"})
    provider.put_bucket_cors(ctx, {"Bucket": "web-bucket", "CORSConfiguration": {"CORSRules": RULES}})


def test_browser_sequence(ctx: Ctx, provider: Any) -> None:
    _bucket_with_rules(ctx, provider)
    # 1. the browser's preflight for a PUT with custom headers
    status, headers = cors.preflight(ctx, "web-bucket", "https://app.example.com", "PUT", "Content-Type, X-Amz-Meta-Owner")
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert headers["Access-Control-Allow-Methods"] == "GET, PUT"
    assert headers["Access-Control-Allow-Headers"] == "content-type, x-amz-meta-owner"
    assert headers["Access-Control-Max-Age"] == "600"
    assert headers["Access-Control-Allow-Credentials"] == "true"
    # 2. the actual PUT carries Origin and gets the exposed headers
    actual = cors.response_headers(ctx, "web-bucket", "https://app.example.com", "PUT")
    assert actual["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert actual["Access-Control-Expose-Headers"] == "ETag"
    # 3. a GET from anywhere matches the second rule
    assert cors.response_headers(ctx, "web-bucket", "https://other.org", "GET")["Access-Control-Allow-Origin"] == "*"
    assert cors.response_headers(ctx, "web-bucket", "https://other.org", "PUT") == {}


def test_refusals(ctx: Ctx, provider: Any) -> None:
    provider.create_bucket(ctx, {"Bucket": "plain-bucket"})
    with pytest.raises(AccessForbidden, match="not enabled"):
        cors.preflight(ctx, "plain-bucket", "https://a.example.com", "GET", None)
    _bucket_with_rules(ctx, provider)
    with pytest.raises(AccessForbidden) as info:
        cors.preflight(ctx, "web-bucket", "https://app.example.com", "DELETE", None)
    assert info.value.status == 403
    with pytest.raises(AccessForbidden):
        cors.preflight(ctx, "web-bucket", "https://app.example.com", "PUT", "Authorization")
    with pytest.raises(NoSuchBucket):
        cors.preflight(ctx, "missing-bucket", "https://a.example.com", "GET", None)
    provider.delete_bucket_cors(ctx, {"Bucket": "web-bucket"})
    with pytest.raises(AccessForbidden):
        cors.preflight(ctx, "web-bucket", "https://other.org", "GET", None)

"""CORS for buckets: matching a request against the bucket's CORSRules, answering preflight
``OPTIONS`` requests and the ``Access-Control-*`` headers of actual requests.

The server calls these (S3's REST model has no OPTIONS operation):

    preflight(ctx, bucket, origin, method, request_headers) -> (200, headers)
        for ``OPTIONS /{bucket}[/{key}]`` with ``Origin`` and ``Access-Control-Request-Method``;
        raises S3's errors (403 ``AccessForbidden`` when no rule allows it, 404 ``NoSuchBucket``)
    response_headers(ctx, bucket, origin, method) -> headers
        to add to the answer of any other request that carries ``Origin`` (empty when no rule
        matches: the browser then blocks the response, as with S3)

Rules are tried in order and the first that matches wins. ``AllowedOrigin`` and
``AllowedHeader`` may hold one ``*`` wildcard each; header names compare case-insensitively.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from fogbank.context import Ctx
from fogbank.services.s3 import buckets
from fogbank.services.s3.errors import AccessForbidden, NoSuchBucket


@lru_cache(maxsize=512)
def _pattern(glob: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in glob.lower().split("*")) + r"\Z", re.DOTALL)


def _matches(glob: str, value: str) -> bool:
    return _pattern(glob).match(value.lower()) is not None


def split_headers(text: str | None) -> list[str]:
    """The header names of an ``Access-Control-Request-Headers`` value."""
    return [h.strip().lower() for h in (text or "").split(",") if h.strip()]


def match(rules: list[dict[str, Any]], origin: str, method: str, request_headers: list[str]) -> dict[str, Any] | None:
    """The first rule allowing ``origin``, ``method`` and every requested header, or None."""
    for rule in rules:
        if method not in (rule.get("AllowedMethods") or []):
            continue
        if not any(_matches(o, origin) for o in rule.get("AllowedOrigins") or []):
            continue
        allowed = rule.get("AllowedHeaders") or []
        if all(any(_matches(a, h) for a in allowed) for h in request_headers):
            return rule
    return None


def _headers(rule: dict[str, Any], origin: str, method: str, request_headers: list[str], preflight: bool) -> dict[str, str]:
    wildcard = "*" in (rule.get("AllowedOrigins") or [])
    out: dict[str, str] = {
        "Access-Control-Allow-Origin": "*" if wildcard else origin,
        "Access-Control-Allow-Methods": ", ".join(rule.get("AllowedMethods") or []),
        "Vary": "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
    }
    if not wildcard:
        out["Access-Control-Allow-Credentials"] = "true"
    if preflight and request_headers:
        out["Access-Control-Allow-Headers"] = ", ".join(request_headers)
    if rule.get("ExposeHeaders"):
        out["Access-Control-Expose-Headers"] = ", ".join(rule["ExposeHeaders"])
    if rule.get("MaxAgeSeconds") is not None:
        out["Access-Control-Max-Age"] = str(rule["MaxAgeSeconds"])
    return out


def preflight(ctx: Ctx, bucket: str, origin: str | None, method: str | None,
              request_headers: str | None) -> tuple[int, dict[str, str]]:
    """Answer a preflight ``OPTIONS`` request for ``bucket`` (see the module docstring)."""
    found = buckets.load(ctx, bucket)
    if not origin or not method:
        raise AccessForbidden("Insufficient information. Origin request header needed.", Method="OPTIONS", ResourceType="BUCKET")
    rules = (found.cfg("cors") or {}).get("CORSRules") or []
    if not rules:
        raise AccessForbidden("CORSResponse: CORS is not enabled for this bucket.", Method=method, ResourceType="BUCKET")
    wanted = split_headers(request_headers)
    rule = match(rules, origin, method.upper(), wanted)
    if rule is None:
        raise AccessForbidden(Method=method, ResourceType="OBJECT")
    return 200, _headers(rule, origin, method.upper(), wanted, True)


def response_headers(ctx: Ctx, bucket: str, origin: str | None, method: str) -> dict[str, str]:
    """The ``Access-Control-*`` headers for an actual request with ``Origin`` (else empty)."""
    if not origin:
        return {}
    try:
        found = buckets.load(ctx, bucket)
    except NoSuchBucket:
        return {}
    rules = (found.cfg("cors") or {}).get("CORSRules") or []
    rule = match(rules, origin, method.upper(), [])
    return _headers(rule, origin, method.upper(), [], False) if rule is not None else {}

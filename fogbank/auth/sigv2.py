"""S3's legacy signature (SigV2, ``Authorization: AWS key:signature`` and presigned
``?AWSAccessKeyId=&Signature=&Expires=``), which boto3 still uses to presign S3 URLs unless told
``signature_version='s3v4'``: HMAC-SHA1 over method, Content-MD5, Content-Type, Date (or Expires),
the ``x-amz-*`` headers and the resource with its sub-resources."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from urllib.parse import unquote

# the query parameters that are part of the signed resource
SUBRESOURCES = frozenset({
    "accelerate", "acl", "cors", "defaultObjectAcl", "location", "logging", "partNumber", "policy", "requestPayment",
    "torrent", "versioning", "versionId", "versions", "website", "uploads", "uploadId", "response-content-type",
    "response-content-language", "response-expires", "response-cache-control", "response-content-disposition",
    "response-content-encoding", "delete", "lifecycle", "tagging", "restore", "storageClass", "notification",
    "replication", "analytics", "metrics", "inventory", "select", "select-type", "object-lock",
})


def canonical_resource(path: str, raw_query: str) -> str:
    """The path-style resource (``/bucket/key`` as sent) with its signed sub-resources."""
    pairs = []
    for item in raw_query.split("&") if raw_query else []:
        name, sep, value = item.partition("=")
        if name in SUBRESOURCES:
            pairs.append((name, f"{name}={unquote(value)}" if sep else name))
    pairs.sort(key=lambda p: p[0])
    return path + ("?" + "&".join(text for _, text in pairs) if pairs else "")


def string_to_sign(method: str, headers: Mapping[str, str], date: str, resource: str,
                   extra_amz: Sequence[tuple[str, str]] = ()) -> str:
    """The SigV2 string to sign (``date`` is the Date header, or Expires for a presigned URL)."""
    amz = {name: value.strip() for name, value in headers.items() if name.startswith("x-amz-")}
    amz.update(extra_amz)
    lines = [method.upper(), headers.get("content-md5", "").strip(), headers.get("content-type", "").strip(), date]
    lines += [f"{name}:{amz[name]}" for name in sorted(amz)]
    return "\n".join(lines) + "\n" + resource


def signature(secret: str, text: str) -> str:
    """The base64 HMAC-SHA1 signature."""
    return base64.b64encode(hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha1).digest()).decode()

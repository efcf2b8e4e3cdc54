"""Building object records from requests and response members from records.

Shared by PutObject, CopyObject, CreateMultipartUpload and GetObject/HeadObject, so that every
way of creating an object stores the same fields and every way of reading one answers the same
members.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from fogbank.services.s3 import checksums, crypto, glacier
from fogbank.services.s3.buckets import Bucket
from fogbank.services.s3.errors import (
    BadDigest,
    InvalidArgument,
    InvalidDigest,
    InvalidRequest,
    InvalidTag,
    KeyTooLongError,
    MetadataTooLarge,
)

#: content headers kept with an object, besides Content-Type
CONTENT_MEMBERS = ("CacheControl", "ContentDisposition", "ContentEncoding", "ContentLanguage", "Expires", "WebsiteRedirectLocation")
#: response-header overrides of GetObject, by the member they replace
OVERRIDES = {
    "ResponseCacheControl": "CacheControl",
    "ResponseContentDisposition": "ContentDisposition",
    "ResponseContentEncoding": "ContentEncoding",
    "ResponseContentLanguage": "ContentLanguage",
    "ResponseContentType": "ContentType",
    "ResponseExpires": "Expires",
}
DEFAULT_TYPE = "binary/octet-stream"
MAX_KEY_BYTES = 1024
MAX_OBJECT_TAGS = 10
MAX_METADATA_BYTES = 2 * 1024


def check_key(key: str) -> None:
    """S3's key limits: at most 1024 bytes of UTF-8."""
    if len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
        raise KeyTooLongError(Size=len(key.encode("utf-8", "surrogatepass")), MaxSizeAllowed=MAX_KEY_BYTES)


def check_metadata(metadata: dict[str, str] | None) -> None:
    """S3's 2 KB limit on user metadata (names and values, as UTF-8)."""
    size = sum(len(k.encode()) + len(v.encode()) for k, v in (metadata or {}).items())
    if size > MAX_METADATA_BYTES:
        raise MetadataTooLarge(Size=size, MaxSizeAllowed=MAX_METADATA_BYTES)


def strip_chunked(encoding: str | None) -> tuple[str | None, bool]:
    """The Content-Encoding to store and whether the body is ``aws-chunked``."""
    if not encoding:
        return None, False
    parts = [p.strip() for p in encoding.split(",")]
    chunked = "aws-chunked" in parts
    rest = [p for p in parts if p and p != "aws-chunked"]
    return (",".join(rest) or None), chunked


def content_fields(request: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Content-Type and the other content headers of a write request."""
    headers = {m: request[m] for m in CONTENT_MEMBERS if request.get(m) is not None}
    if "ContentEncoding" in headers:
        encoding, _ = strip_chunked(headers["ContentEncoding"])
        if encoding is None:
            del headers["ContentEncoding"]
        else:
            headers["ContentEncoding"] = encoding
    return request.get("ContentType") or DEFAULT_TYPE, headers


def parse_tagging(text: str | None) -> dict[str, str] | None:
    """The ``x-amz-tagging`` header (URL-encoded ``k=v&k2=v2``) as a dict."""
    if text is None:
        return None
    pairs = parse_qsl(text, keep_blank_values=True)
    return check_tags([{"Key": k, "Value": v} for k, v in pairs])


def check_tags(tag_set: list[dict[str, str]], limit: int = MAX_OBJECT_TAGS) -> dict[str, str]:
    """A TagSet validated as S3 does, as an ordered dict."""
    tags: dict[str, str] = {}
    for tag in tag_set:
        key, value = tag.get("Key", ""), tag.get("Value", "")
        if key in tags:
            raise InvalidTag("Cannot provide multiple Tags with the same key", TagKey=key)
        if not key or len(key) > 128:
            raise InvalidTag("The TagKey you have provided is invalid", TagKey=key)
        if len(value) > 256:
            raise InvalidTag("The TagValue you have provided is invalid", TagKey=key, TagValue=value)
        if key.startswith("aws:"):
            raise InvalidTag("Your TagKey cannot be prefixed with aws:", TagKey=key)
        tags[key] = value
    if len(tags) > limit:
        raise InvalidTag("Object tags cannot be greater than 10")
    return tags


def tag_set(tags: dict[str, str] | None) -> list[dict[str, str]]:
    """A stored tag dict as a TagSet."""
    return [{"Key": k, "Value": v} for k, v in (tags or {}).items()]


def requested_algorithms(request: dict[str, Any]) -> list[str]:
    """The checksum algorithms a write asks for (named, or implied by a checksum member)."""
    algos: list[str] = []
    named = request.get("ChecksumAlgorithm")
    if named:
        if named not in checksums.ALGORITHMS:
            raise InvalidRequest(
                "Checksum algorithm provided is unsupported. Please try again with any of the valid types: "
                "[CRC32, CRC32C, CRC64NVME, SHA1, SHA256]"
            )
        algos.append(named)
    for algo in checksums.ALGORITHMS:
        if request.get(checksums.MEMBER[algo]) is not None and algo not in algos:
            algos.append(algo)
    return algos


def verify(request: dict[str, Any], md5_hex: str, computed: dict[str, str], trailers: dict[str, str]) -> dict[str, str]:
    """Check Content-MD5 and every checksum sent (as a member or a trailer) against what was
    computed; returns the checksums to store. Raises ``InvalidDigest``/``BadDigest``."""
    content_md5 = request.get("ContentMD5")
    if content_md5 is not None:
        try:
            sent = base64.b64decode(content_md5, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidDigest(ContentMD5=content_md5) from None
        if len(sent) != 16:
            raise InvalidDigest(ContentMD5=content_md5)
        if sent.hex() != md5_hex:
            raise BadDigest(ExpectedDigest=sent.hex(), CalculatedDigest=base64.b64encode(bytes.fromhex(md5_hex)).decode())
    stored: dict[str, str] = {}
    for algo in checksums.ALGORITHMS:
        sent_value = request.get(checksums.MEMBER[algo]) or trailers.get(checksums.HEADER[algo])
        if sent_value is None:
            if algo in computed and request.get("ChecksumAlgorithm") == algo:
                stored[algo] = computed[algo]
            continue
        if computed.get(algo) != sent_value:
            raise BadDigest(f"The {algo} you specified did not match the calculated checksum.")
        stored[algo] = sent_value
    return stored


def last_modified(record: dict[str, Any]) -> datetime:
    """An object's Last-Modified (whole seconds, as S3 reports it)."""
    return datetime.fromtimestamp(int(record["mtime"]), UTC)


def object_fields(bucket: Bucket, record: dict[str, Any], now: float, *, checksum_mode: bool = False) -> dict[str, Any]:
    """The members GetObject and HeadObject answer for a record (without body and range)."""
    out: dict[str, Any] = {
        "LastModified": last_modified(record),
        "ContentLength": record["size"],
        "ETag": record["etag"],
        "ContentType": record.get("ct") or DEFAULT_TYPE,
        "AcceptRanges": "bytes",
    }
    out.update(record.get("hdr") or {})
    if record.get("meta"):
        out["Metadata"] = record["meta"]
    if bucket.versioning is not None:
        out["VersionId"] = record["vid"]
    if record.get("tags"):
        out["TagCount"] = len(record["tags"])
    if record.get("sc") and record["sc"] != "STANDARD":
        out["StorageClass"] = record["sc"]
    restore = glacier.header(record, now)
    if restore:
        out["Restore"] = restore
    if record.get("repl"):
        out["ReplicationStatus"] = record["repl"]
    if record.get("parts"):
        out["PartsCount"] = len(record["parts"])
    out.update(crypto.response_fields(record.get("sse")))
    if checksum_mode:
        out.update(checksum_fields(record))
    return out


def checksum_fields(record: dict[str, Any]) -> dict[str, Any]:
    """The Checksum* members (and ChecksumType) of a record."""
    sums = record.get("sums") or {}
    out: dict[str, Any] = {checksums.MEMBER[a]: v for a, v in sums.items()}
    if sums:
        out["ChecksumType"] = record.get("ctype") or "FULL_OBJECT"
    return out


def bad_argument(message: str, name: str, value: str | None = None) -> InvalidArgument:
    """S3's InvalidArgument naming the offending header."""
    fields: dict[str, Any] = {"ArgumentName": name}
    if value is not None:
        fields["ArgumentValue"] = value
    return InvalidArgument(message, **fields)

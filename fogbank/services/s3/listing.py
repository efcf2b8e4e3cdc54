"""ListObjects, ListObjectsV2 and ListObjectVersions: prefix, delimiter (CommonPrefixes),
max-keys, markers and continuation tokens, ``encoding-type=url``.

Keys are walked in the store's order (code point = S3's UTF-8 order). When a delimiter folds a
run of keys into one common prefix, the scan jumps past the whole run instead of reading it.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from fogbank.context import Ctx
from fogbank.services.s3 import buckets, records
from fogbank.services.s3 import store as keys
from fogbank.services.s3.buckets import Bucket
from fogbank.services.s3.errors import InvalidArgument
from fogbank.services.s3.events import Hooks

MAX_KEYS = 1000


def _after(text: str) -> str:
    """The smallest string above every string that starts with ``text``."""
    return text[:-1] + chr(ord(text[-1]) + 1)


def _walk(ctx: Ctx, bucket: Bucket, prefix: str, delimiter: str, start_after: str,
          versions: bool) -> Iterator[tuple[str, str | None, dict[str, Any] | None]]:
    """(key, common prefix, record) in order; records are None for common prefixes."""
    base = (keys.versions_prefix if versions else keys.objects_prefix)(bucket.account, bucket.region, bucket.name)
    start = max(prefix, start_after)
    while True:
        jumped = False
        for key_tuple, raw in ctx.store.scan(base, start=base + (start,)):
            key = key_tuple[len(base)]
            if start_after and key <= start_after:
                continue
            if not key.startswith(prefix):
                return
            if delimiter:
                cut = key.find(delimiter, len(prefix))
                if cut >= 0:
                    common = key[: cut + len(delimiter)]
                    if not (start_after and common <= start_after):
                        yield key, common, None
                    start = _after(common)
                    jumped = True
                    break
            yield key, None, keys.loads(raw)
        if not jumped:
            return


def _encode(value: str, url: bool) -> str:
    return quote(value, safe="/") if url else value


def _owner(record: dict[str, Any], bucket: Bucket) -> dict[str, str]:
    return buckets.owner(bucket.account)


def _check_encoding(request: dict[str, Any]) -> bool:
    encoding = request.get("EncodingType")
    if encoding not in (None, "url"):
        raise InvalidArgument("Invalid Encoding Method specified in Request", ArgumentName="encoding-type", ArgumentValue=encoding)
    return encoding == "url"


def _content(record: dict[str, Any], bucket: Bucket, url: bool, owner: bool) -> dict[str, Any]:
    item: dict[str, Any] = {
        "Key": _encode(record["key"], url),
        "LastModified": records.last_modified(record),
        "ETag": record["etag"],
        "Size": record["size"],
        "StorageClass": record.get("sc") or "STANDARD",
    }
    if record.get("sums"):
        item["ChecksumAlgorithm"] = list(record["sums"])
        item["ChecksumType"] = record.get("ctype") or "FULL_OBJECT"
    if owner:
        item["Owner"] = _owner(record, bucket)
    return item


def _page(ctx: Ctx, bucket: Bucket, request: dict[str, Any], start_after: str, url: bool,
          owner: bool) -> tuple[list[dict[str, Any]], list[str], bool, str | None]:
    max_keys = request.get("MaxKeys")
    max_keys = MAX_KEYS if max_keys is None else min(max_keys, MAX_KEYS)
    contents: list[dict[str, Any]] = []
    prefixes: list[str] = []
    last: str | None = None
    truncated = False
    if max_keys <= 0:
        return contents, prefixes, False, None
    for key, common, record in _walk(ctx, bucket, request.get("Prefix") or "", request.get("Delimiter") or "", start_after, False):
        if len(contents) + len(prefixes) >= max_keys:
            truncated = True
            break
        if common is not None:
            prefixes.append(common)
            last = common
        else:
            assert record is not None
            contents.append(_content(record, bucket, url, owner))
            last = key
    return contents, prefixes, truncated, last


def _common(request: dict[str, Any], url: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"Prefix": _encode(request.get("Prefix") or "", url), "MaxKeys": request.get("MaxKeys", MAX_KEYS)}
    if request.get("Delimiter"):
        out["Delimiter"] = _encode(request["Delimiter"], url)
    if url:
        out["EncodingType"] = "url"
    return out


class ListOperations:
    """Listing a bucket's objects and versions."""

    _hooks: Hooks

    def list_objects(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListObjects (v1): Marker, NextMarker (only with a delimiter), CommonPrefixes."""
        self._hooks.pump(ctx)
        bucket = buckets.load(ctx, request["Bucket"])
        url = _check_encoding(request)
        marker = request.get("Marker") or ""
        contents, prefixes, truncated, last = _page(ctx, bucket, request, marker, url, True)
        out = {"Name": bucket.name, "Marker": _encode(marker, url), "IsTruncated": truncated, **_common(request, url)}
        if contents:
            out["Contents"] = contents
        if prefixes:
            out["CommonPrefixes"] = [{"Prefix": _encode(p, url)} for p in prefixes]
        if truncated and request.get("Delimiter") and last:
            out["NextMarker"] = _encode(last, url)
        return out

    def list_objects_v2(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListObjectsV2: continuation tokens, StartAfter, KeyCount, FetchOwner."""
        self._hooks.pump(ctx)
        bucket = buckets.load(ctx, request["Bucket"])
        url = _check_encoding(request)
        token = request.get("ContinuationToken")
        start_after = request.get("StartAfter") or ""
        if token is not None:
            try:
                start_after = base64.urlsafe_b64decode(token.encode()).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                raise InvalidArgument("The continuation token provided is incorrect", ArgumentName="continuation-token") from None
        contents, prefixes, truncated, last = _page(ctx, bucket, request, start_after, url, bool(request.get("FetchOwner")))
        out = {"Name": bucket.name, "IsTruncated": truncated, "KeyCount": len(contents) + len(prefixes), **_common(request, url)}
        if contents:
            out["Contents"] = contents
        if prefixes:
            out["CommonPrefixes"] = [{"Prefix": _encode(p, url)} for p in prefixes]
        if token is not None:
            out["ContinuationToken"] = token
        if request.get("StartAfter"):
            out["StartAfter"] = _encode(request["StartAfter"], url)
        if truncated and last is not None:
            out["NextContinuationToken"] = base64.urlsafe_b64encode(last.encode()).decode()
        return out

    def list_object_versions(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListObjectVersions: by key, newest version first; delete markers apart; key/version markers."""
        self._hooks.pump(ctx)
        bucket = buckets.load(ctx, request["Bucket"])
        url = _check_encoding(request)
        max_keys = request.get("MaxKeys")
        max_keys = MAX_KEYS if max_keys is None else min(max_keys, MAX_KEYS)
        key_marker = request.get("KeyMarker") or ""
        vid_marker = request.get("VersionIdMarker") or ""
        if vid_marker and not key_marker:
            raise records.bad_argument("A version-id marker cannot be specified without a key marker.",
                                       "version-id-marker", vid_marker)
        prefix = request.get("Prefix") or ""
        delimiter = request.get("Delimiter") or ""
        out_versions: list[dict[str, Any]] = []
        markers: list[dict[str, Any]] = []
        prefixes: list[str] = []
        truncated = False
        next_key: str | None = None
        next_vid: str | None = None
        latest_seen: set[str] = set()
        # with a version-id marker the marker key's older versions come next, so start at that key
        start_after = key_marker if not vid_marker else ""
        skipping = bool(vid_marker)
        start_at = key_marker if vid_marker else prefix
        walk: Iterator[tuple[str, str | None, dict[str, Any] | None]]
        if bucket.versioning is None:
            walk = _walk(ctx, bucket, prefix, delimiter, start_after, False)
        else:
            walk = _walk(ctx, bucket, prefix, delimiter, start_after, True)
        for key, common, record in walk:
            if key < start_at:
                continue
            if skipping:
                if key == key_marker:
                    if record is not None and record["vid"] == vid_marker:
                        skipping = False
                    latest_seen.add(key)
                    continue
                skipping = False
            if len(out_versions) + len(markers) + len(prefixes) >= max_keys:
                truncated = True
                break
            if common is not None:
                prefixes.append(common)
                next_key, next_vid = common, None
                continue
            assert record is not None
            is_latest = key not in latest_seen
            latest_seen.add(key)
            item: dict[str, Any] = {
                "Key": _encode(key, url), "VersionId": record["vid"], "IsLatest": is_latest,
                "LastModified": records.last_modified(record), "Owner": buckets.owner(bucket.account),
            }
            if record.get("dm"):
                markers.append(item)
            else:
                item.update({"ETag": record["etag"], "Size": record["size"], "StorageClass": record.get("sc") or "STANDARD"})
                if record.get("sums"):
                    item["ChecksumAlgorithm"] = list(record["sums"])
                    item["ChecksumType"] = record.get("ctype") or "FULL_OBJECT"
                out_versions.append(item)
            next_key, next_vid = key, record["vid"]
        out: dict[str, Any] = {"Name": bucket.name, "IsTruncated": truncated, "KeyMarker": _encode(key_marker, url),
                               "VersionIdMarker": vid_marker, **_common(request, url)}
        if out_versions:
            out["Versions"] = out_versions
        if markers:
            out["DeleteMarkers"] = markers
        if prefixes:
            out["CommonPrefixes"] = [{"Prefix": _encode(p, url)} for p in prefixes]
        if truncated and next_key is not None:
            out["NextKeyMarker"] = _encode(next_key, url)
            if next_vid is not None:
                out["NextVersionIdMarker"] = next_vid
        return out

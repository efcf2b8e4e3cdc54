"""Conditional requests (If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since) and
byte ranges, with S3's precedence rules and answers (304, 412, 416).

S3 follows RFC 7232: If-Match decides over If-Unmodified-Since, and If-None-Match over
If-Modified-Since. Last-Modified has one-second precision on the wire, so comparisons use whole
seconds.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from fogbank.services.s3.errors import InvalidArgument, InvalidRange, NotModified, PreconditionFailed

_RANGE = re.compile(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*\Z")


def etag_matches(condition: str, etag: str) -> bool:
    """Whether an If-Match/If-None-Match list names ``etag`` (or is ``*``)."""
    bare = etag.strip('"')
    for item in condition.split(","):
        item = item.strip()
        if item == "*" or item.removeprefix("W/").strip('"') == bare:
            return True
    return False


def _seconds(when: datetime) -> int:
    return int(when.timestamp())


def check(record: dict[str, Any], request: dict[str, Any], *, prefix: str = "", copy: bool = False) -> None:
    """Raise 412/304 as S3 does when ``record`` fails the request's conditions.

    ``prefix`` selects the members (``"CopySource"`` for CopyObject's copy-source conditions, which
    answer 412 where a GET answers 304).
    """
    etag = record["etag"]
    modified = int(record["mtime"])
    if_match = request.get(f"{prefix}IfMatch")
    if_none_match = request.get(f"{prefix}IfNoneMatch")
    if_modified = request.get(f"{prefix}IfModifiedSince")
    if_unmodified = request.get(f"{prefix}IfUnmodifiedSince")
    headers = {"ETag": etag}
    if if_match is not None:
        if not etag_matches(if_match, etag):
            raise PreconditionFailed(Condition="If-Match" if not prefix else "x-amz-copy-source-If-Match")
    elif if_unmodified is not None and modified > _seconds(if_unmodified):
        raise PreconditionFailed(Condition="If-Unmodified-Since" if not prefix else "x-amz-copy-source-If-Unmodified-Since")
    if if_none_match is not None:
        if etag_matches(if_none_match, etag):
            if copy:
                raise PreconditionFailed(Condition="x-amz-copy-source-If-None-Match")
            raise NotModified(headers=headers)
    elif if_modified is not None and modified <= _seconds(if_modified):
        if copy:
            raise PreconditionFailed(Condition="x-amz-copy-source-If-Modified-Since")
        raise NotModified(headers=headers)


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive ``(first, last)`` byte positions a Range header asks for, None for the whole
    object (no header, or one S3 ignores); raises ``InvalidRange`` (416) when unsatisfiable."""
    if not header:
        return None
    m = _RANGE.match(header)
    if m is None:
        return None  # S3 ignores ranges it cannot parse (including multi-range requests)
    first_text, last_text = m.groups()
    if not first_text and not last_text:
        return None
    if not first_text:
        suffix = int(last_text)
        if suffix == 0 or size == 0:
            raise InvalidRange(ActualObjectSize=size, RangeRequested=header.strip())
        return max(0, size - suffix), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if last_text and last < first:
        return None
    if first >= size:
        raise InvalidRange(ActualObjectSize=size, RangeRequested=header.strip())
    return first, min(last, size - 1)


def copy_range(header: str | None, size: int) -> tuple[int, int] | None:
    """UploadPartCopy's ``x-amz-copy-source-range`` (``bytes=first-last``, both required)."""
    if header is None:
        return None
    m = _RANGE.match(header)
    if m is None or not m.group(1) or not m.group(2):
        raise InvalidArgument("The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy",
                              ArgumentName="x-amz-copy-source-range", ArgumentValue=header)
    first, last = int(m.group(1)), int(m.group(2))
    if last < first or last >= size:
        raise InvalidArgument(f"Range specified is not valid for source object of size: {size}",
                              ArgumentName="x-amz-copy-source-range", ArgumentValue=header)
    return first, last

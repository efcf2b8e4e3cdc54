"""IAM pagination: ``Marker``/``MaxItems`` in, ``IsTruncated``/``Marker`` out, over sorted items.

A marker is the opaque (base64) sort key of the first item of the next page, so a page is
stable even when items before it are removed.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from fogbank.services.iam.errors import validation

T = TypeVar("T")
DEFAULT_MAX_ITEMS = 100


def page(items: Iterable[T], request: dict[str, Any], sort_key: Callable[[T], str],
         field: str) -> dict[str, Any]:
    """``{field: page, "IsTruncated": ..., "Marker": ...}`` for ``items`` and the request's Marker/MaxItems."""
    ordered = sorted(items, key=sort_key)
    limit = request.get("MaxItems") or DEFAULT_MAX_ITEMS
    marker = request.get("Marker")
    if marker:
        try:
            start = base64.urlsafe_b64decode(marker.encode()).decode()
        except ValueError:
            raise validation("Invalid Marker.") from None
        ordered = [item for item in ordered if sort_key(item) >= start]
    chunk, rest = ordered[:limit], ordered[limit:]
    out: dict[str, Any] = {field: chunk, "IsTruncated": bool(rest)}
    if rest:
        out["Marker"] = base64.urlsafe_b64encode(sort_key(rest[0]).encode()).decode()
    return out

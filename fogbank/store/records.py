"""The JSON form in which services keep their records in the store (compact, UTF-8).

Services whose records need more than JSON's types (DynamoDB's binary attributes, S3's bytes)
keep their own codecs; everything else stores through these two functions.
"""

from __future__ import annotations

import json
from typing import Any

_SEPARATORS = (",", ":")


def dump(value: Any) -> bytes:
    """A record as stored."""
    return json.dumps(value, separators=_SEPARATORS, ensure_ascii=False).encode("utf-8")


def load(raw: bytes | None) -> Any:
    """A stored record, or None when there is none."""
    return None if raw is None else json.loads(raw)

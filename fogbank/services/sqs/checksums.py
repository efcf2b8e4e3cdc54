"""The MD5 digests SQS returns so that clients can verify what they sent and received.

``MD5OfMessageBody`` is the MD5 of the body's UTF-8 bytes. ``MD5OfMessageAttributes`` (and
``MD5OfMessageSystemAttributes``) hash the attributes sorted by name, each written as:
name, data type, a one-byte transport kind (1 for String/Number values, 2 for Binary) and the
value, where every string or byte run is preceded by its length as a 4-byte big-endian integer.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any

_STRING_TRANSPORT = b"\x01"
_BINARY_TRANSPORT = b"\x02"


def md5_of_body(body: str) -> str:
    """The hex MD5 of a message body."""
    return hashlib.md5(body.encode("utf-8"), usedforsecurity=False).hexdigest()


def _length_prefixed(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def md5_of_attributes(attributes: dict[str, dict[str, Any]]) -> str:
    """The hex MD5 of message (or message system) attributes, as SQS and its clients compute it."""
    digest = hashlib.md5(usedforsecurity=False)
    for name in sorted(attributes):
        value = attributes[name]
        data_type = value["DataType"]
        digest.update(_length_prefixed(name.encode("utf-8")))
        digest.update(_length_prefixed(data_type.encode("utf-8")))
        if data_type.startswith("Binary"):
            digest.update(_BINARY_TRANSPORT)
            digest.update(_length_prefixed(bytes(value["BinaryValue"])))
        else:
            digest.update(_STRING_TRANSPORT)
            digest.update(_length_prefixed(value["StringValue"].encode("utf-8")))
    return digest.hexdigest()

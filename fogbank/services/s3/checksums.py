"""The flexible checksums S3 accepts (CRC32, CRC32C, CRC64NVME, SHA1, SHA256) plus MD5 ETags.

Each algorithm is an incremental hasher with ``update`` and ``digest`` (raw big-endian bytes for
the CRCs); S3 writes every checksum as base64 of those bytes. CRC32 uses zlib; CRC32C and
CRC64NVME use the native ``crc32c``/``awscrt`` modules when installed and a table-driven pure
Python fallback otherwise (correct, but slow for large bodies).
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from functools import cache
from typing import Protocol

#: algorithm name -> the request/response member and the trailer header that carry it
ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")
MEMBER = {a: f"Checksum{a}" for a in ALGORITHMS}
HEADER = {a: f"x-amz-checksum-{a.lower()}" for a in ALGORITHMS}
CRCS = frozenset({"CRC32", "CRC32C", "CRC64NVME"})


class Hasher(Protocol):
    """An incremental checksum."""

    def update(self, data: bytes) -> None: ...

    def digest(self) -> bytes: ...


class _Crc32:
    def __init__(self) -> None:
        self.value = 0

    def update(self, data: bytes) -> None:
        self.value = zlib.crc32(data, self.value)

    def digest(self) -> bytes:
        return self.value.to_bytes(4, "big")


@cache
def _table32(poly: int) -> tuple[int, ...]:
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c)
    return tuple(table)


@cache
def _table64(poly: int) -> tuple[int, ...]:
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c)
    return tuple(table)


def _native_crc32c() -> object | None:
    try:
        import crc32c  # type: ignore[import-not-found]

        return crc32c
    except ImportError:
        return None


class _Crc32c:
    _POLY = 0x82F63B78

    def __init__(self) -> None:
        self.value = 0
        self._native = _native_crc32c()

    def update(self, data: bytes) -> None:
        if self._native is not None:
            self.value = self._native.crc32c(data, self.value)  # type: ignore[attr-defined]
            return
        table = _table32(self._POLY)
        c = self.value ^ 0xFFFFFFFF
        for b in data:
            c = table[(c ^ b) & 0xFF] ^ (c >> 8)
        self.value = c ^ 0xFFFFFFFF

    def digest(self) -> bytes:
        return self.value.to_bytes(4, "big")


class _Crc64Nvme:
    _POLY = 0x9A6C9329AC4BC9B5  # reflected form of 0xAD93D23594C93659
    _MASK = 0xFFFFFFFFFFFFFFFF

    def __init__(self) -> None:
        self.value = 0

    def update(self, data: bytes) -> None:
        table = _table64(self._POLY)
        c = self.value ^ self._MASK
        for b in data:
            c = table[(c ^ b) & 0xFF] ^ (c >> 8)
        self.value = c ^ self._MASK

    def digest(self) -> bytes:
        return self.value.to_bytes(8, "big")


def hasher(algorithm: str) -> Hasher:
    """A new incremental hasher for one of ``ALGORITHMS``."""
    if algorithm == "CRC32":
        return _Crc32()
    if algorithm == "CRC32C":
        return _Crc32c()
    if algorithm == "CRC64NVME":
        return _Crc64Nvme()
    if algorithm == "SHA1":
        return hashlib.sha1(usedforsecurity=False)  # type: ignore[return-value]
    if algorithm == "SHA256":
        return hashlib.sha256()  # type: ignore[return-value]
    raise ValueError(f"unknown checksum algorithm {algorithm}")


def b64(raw: bytes) -> str:
    """S3's text form of a checksum."""
    return base64.b64encode(raw).decode("ascii")


def compute(algorithm: str, data: bytes) -> str:
    """The base64 checksum of ``data``."""
    h = hasher(algorithm)
    h.update(data)
    return b64(h.digest())


def composite(algorithm: str, part_checksums: list[str]) -> str:
    """The checksum of a multipart object in COMPOSITE mode: hash of the parts' raw checksums, ``-N``."""
    h = hasher(algorithm)
    for value in part_checksums:
        h.update(base64.b64decode(value))
    return f"{b64(h.digest())}-{len(part_checksums)}"

"""Decoding of ``aws-chunked`` request bodies (SigV4 streaming uploads).

Each chunk is ``<hex size>[;chunk-signature=<sig>]\\r\\n<data>\\r\\n``; a zero-size chunk ends the
data and may be followed by trailing headers (``x-amz-checksum-crc32:...``, optionally
``x-amz-trailer-signature:...``) and an empty line. The same framing serves all three payload
modes S3 clients send: ``STREAMING-AWS4-HMAC-SHA256-PAYLOAD`` (signed chunks, no trailer),
``STREAMING-UNSIGNED-PAYLOAD-TRAILER`` and ``STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER``.

The decoder streams: it reads the encoded body a piece at a time and yields the decoded data, so
a 5 GiB upload never sits in memory. Chunk signatures are parsed and handed to an optional
``verify`` callback (``verify(signature, data)`` per chunk, ``verify(signature, trailer_bytes)``
for the trailer) — the place where signature checking goes once requests are authenticated;
until then they are collected, not checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

STREAMING_MODES = frozenset(
    {
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
        "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
        "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
    }
)

READ_SIZE = 1024 * 1024
# A chunk header or trailer line longer than this is not aws-chunked framing.
MAX_LINE = 8 * 1024

Verify = Callable[[str | None, bytes], None]


class ChunkedError(ValueError):
    """The body is not valid aws-chunked framing (or ends early)."""


class _Source:
    """A buffered reader over ``read(n)``, bytes or an iterable of byte chunks."""

    def __init__(self, body: Any) -> None:
        self._buf = bytearray()
        self._pos = 0
        if isinstance(body, bytes | bytearray | memoryview):
            self._buf = bytearray(body)
            self._more: Callable[[], bytes] = lambda: b""
        elif hasattr(body, "read"):
            self._more = lambda: body.read(READ_SIZE)
        else:
            it = iter(body)
            self._more = lambda: next(it, b"")

    def _fill(self) -> bool:
        data = self._more()
        if not data:
            return False
        if self._pos:
            del self._buf[: self._pos]
            self._pos = 0
        self._buf += data
        return True

    def line(self) -> bytes:
        """The next CRLF-terminated line, without its terminator."""
        while True:
            end = self._buf.find(b"\r\n", self._pos)
            if end >= 0:
                out = bytes(self._buf[self._pos : end])
                self._pos = end + 2
                return out
            if len(self._buf) - self._pos > MAX_LINE:
                raise ChunkedError("an aws-chunked header line is too long")
            if not self._fill():
                if self._pos < len(self._buf):
                    # tolerate a final line without CRLF
                    out = bytes(self._buf[self._pos :])
                    self._pos = len(self._buf)
                    return out
                raise ChunkedError("the aws-chunked body ends early")

    def exact(self, size: int) -> Iterator[bytes]:
        """``size`` bytes, in pieces as they come."""
        while size > 0:
            if self._pos >= len(self._buf) and not self._fill():
                raise ChunkedError("the aws-chunked body ends early")
            take = min(size, len(self._buf) - self._pos)
            yield bytes(self._buf[self._pos : self._pos + take])
            self._pos += take
            size -= take


class ChunkedDecoder:
    """Iterate to get the decoded data; afterwards ``trailers`` holds the trailing headers.

    ``trailers`` maps lower-case names to values (``x-amz-checksum-crc32`` -> base64);
    ``signatures`` lists each chunk's signature in order (empty for unsigned bodies).
    """

    def __init__(self, body: Any, verify: Verify | None = None) -> None:
        self._source = _Source(body)
        self._verify = verify
        self.trailers: dict[str, str] = {}
        self.signatures: list[str] = []
        self.decoded_size = 0

    def __iter__(self) -> Iterator[bytes]:
        src = self._source
        while True:
            header = src.line()
            if not header.strip():
                continue  # a stray empty line between chunks
            size_text, _, ext = header.partition(b";")
            try:
                size = int(size_text.strip(), 16)
            except ValueError:
                raise ChunkedError(f"bad aws-chunked size line {header[:64]!r}") from None
            if size < 0:
                raise ChunkedError("negative aws-chunked size")
            signature = _signature(ext)
            if signature is not None:
                self.signatures.append(signature)
            if size == 0:
                if self._verify is not None:
                    self._verify(signature, b"")
                break
            pieces: list[bytes] | None = [] if self._verify is not None else None
            for piece in src.exact(size):
                if pieces is not None:
                    pieces.append(piece)
                self.decoded_size += len(piece)
                yield piece
            if self._verify is not None and pieces is not None:
                self._verify(signature, b"".join(pieces))
            if src.line() != b"":
                raise ChunkedError("aws-chunked data is not followed by CRLF")
        self._read_trailers()

    def _read_trailers(self) -> None:
        raw: list[bytes] = []
        while True:
            try:
                line = self._source.line()
            except ChunkedError:
                break  # the body may end right after the last chunk
            if not line.strip():
                break
            name, sep, value = line.partition(b":")
            if not sep:
                raise ChunkedError(f"bad aws-chunked trailer {line[:64]!r}")
            key = name.decode("latin-1").strip().lower()
            text = value.decode("latin-1").strip()
            if key == "x-amz-trailer-signature":
                if self._verify is not None:
                    self._verify(text, b"\n".join(raw))
                continue
            raw.append(line)
            self.trailers[key] = text


def _signature(ext: bytes) -> str | None:
    for part in ext.split(b";"):
        name, _, value = part.partition(b"=")
        if name.strip() == b"chunk-signature":
            return value.strip().decode("latin-1")
    return None


def decode_all(body: bytes) -> tuple[bytes, dict[str, str]]:
    """The decoded data and trailers of a whole aws-chunked body held in memory."""
    decoder = ChunkedDecoder(body)
    data = b"".join(decoder)
    return data, decoder.trailers


def encode(data: bytes, chunk_size: int = 64 * 1024, trailers: dict[str, str] | None = None,
           signature: str | None = None) -> bytes:
    """``data`` framed as aws-chunked (for tests and for fogbank's own clients)."""
    ext = f";chunk-signature={signature}" if signature else ""
    out = bytearray()
    for i in range(0, len(data), chunk_size):
        piece = data[i : i + chunk_size]
        out += f"{len(piece):x}{ext}\r\n".encode() + piece + b"\r\n"
    out += f"0{ext}\r\n".encode()
    for name, value in (trailers or {}).items():
        out += f"{name}:{value}\r\n".encode()
    out += b"\r\n"
    return bytes(out)

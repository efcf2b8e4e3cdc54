"""Request bodies of streaming operations (S3's PutObject and UploadPart), spooled to disk as they
arrive so an object's size is bounded by the disk, not by memory. Bodies small enough to be
cheaper in memory than as a file (``SPOOL_ABOVE``) are not spooled at all.

Nothing is hashed here: the provider hashes what it stores (after decoding aws-chunked framing,
which the raw bytes still carry), and hashing twice would double the cost of large uploads.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

CHUNK = 1024 * 1024
# a body of known length up to this many bytes is read into memory: creating, writing and
# removing a file costs more than the copy
SPOOL_ABOVE = 64 * 1024


class StreamedBody:
    """A request body being written to a temporary file; readable once complete."""

    def __init__(self, directory: str | Path | None = None) -> None:
        # the blob store removes ".tmp-" files left by a crash when it opens
        fd, name = tempfile.mkstemp(prefix=".tmp-body-", dir=directory)
        self.path = Path(name)
        self._out: BinaryIO | None = os.fdopen(fd, "wb")
        self._in: BinaryIO | None = None
        self.size = 0
        # a full disk or failed write: the rest of the body is read and dropped, and the
        # request is answered with a 5xx error once it has all arrived
        self.failed: OSError | None = None

    def write(self, chunk: bytes) -> None:
        """Append the next piece of the body as it arrives (dropped after a failed write)."""
        self.size += len(chunk)
        if self.failed is not None:
            return
        assert self._out is not None, "the body is complete"
        try:
            self._out.write(chunk)
        except OSError as exc:
            self._fail(exc)

    def finish(self) -> None:
        """The whole body has arrived: make it readable from the start."""
        if self._out is not None:
            out, self._out = self._out, None
            try:
                out.close()
            except OSError as exc:
                self._fail(exc)

    def _fail(self, exc: OSError) -> None:
        self.failed = self.failed or exc
        out, self._out = self._out, None
        if out is not None:
            try:
                out.close()
            except OSError:
                pass  # the buffered bytes that failed to flush are what failed already
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass

    def read(self, size: int = -1) -> bytes:
        """Read like a file (from where the last read ended)."""
        self.finish()
        if self._in is None:
            self._in = open(self.path, "rb")
        return self._in.read(size)

    def chunks(self, size: int = CHUNK) -> Iterator[bytes]:
        """The body from the start, ``size`` bytes at a time."""
        self.finish()
        with open(self.path, "rb") as f:
            while chunk := f.read(size):
                yield chunk

    def close(self) -> None:
        """Remove the temporary file (called by the server once the request is answered)."""
        for f in (self._out, self._in):
            if f is not None:
                f.close()
        self._out = self._in = None
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass

    def __len__(self) -> int:
        return self.size


def worth_spooling(headers: dict[str, str]) -> bool:
    """Whether a body should go to disk: unknown length, or more than ``SPOOL_ABOVE`` bytes."""
    length = headers.get("content-length")
    if length is None or not length.isdigit():
        return True
    return int(length) > SPOOL_ABOVE


def streams_payload(op: object) -> bool:
    """Whether an operation's input payload is a streaming blob (S3 PutObject, UploadPart)."""
    shape = getattr(op, "input_shape", None)
    if shape is None:
        return False
    payload = shape.serialization.get("payload")
    if payload is None:
        return False
    member = shape.members[payload]
    return member.type_name == "blob" and bool(member.serialization.get("streaming") or getattr(member, "metadata", {}).get("streaming"))

"""Object bytes on their way to and from the blob store.

An object (or a multipart part) is a list of *segments* ``[blob_id, size, iv]``: one for a plain
upload, one per part for a completed multipart upload (parts are never concatenated, so
completing a 5 GiB upload copies nothing). ``iv`` is the base64 initial counter when the blob is
encrypted (see ``crypto``), else None. Bodies of at most ``INLINE_MAX`` bytes are kept in the
record itself as ``[None, size, iv, base64 bytes]``: creating, renaming and removing a file costs
far more than the store write it replaces, and most objects are small.

Writing streams the body once: MD5 (the ETag), the requested flexible checksums and encryption
are all done in the same pass, from a spooled request body, bytes, or an ``aws-chunked`` body
being decoded. A spooled body that needs no transformation is renamed into the blob store
instead of copied. Reading streams a byte range segment by segment, 1 MiB at a time.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from fogbank.auth.chunked import ChunkedDecoder, ChunkedError
from fogbank.context import Ctx
from fogbank.services.s3 import checksums, crypto
from fogbank.services.s3.errors import IncompleteBody, InvalidRequest, SignatureDoesNotMatch

READ_SIZE = 1024 * 1024
INLINE_MAX = 32 * 1024


@dataclass
class Written:
    """What writing a body produced."""

    segments: list[list[Any]]
    size: int
    md5_hex: str
    checksums: dict[str, str] = field(default_factory=dict)
    trailers: dict[str, str] = field(default_factory=dict)


def _chunks(body: Any) -> Iterator[bytes]:
    if body is None:
        return
    if isinstance(body, bytes | bytearray | memoryview):
        if body:
            yield bytes(body)
        return
    chunks = getattr(body, "chunks", None)
    if callable(chunks):
        yield from chunks(READ_SIZE)
        return
    read = getattr(body, "read", None)
    if callable(read):
        while data := read(READ_SIZE):
            yield data
        return
    yield from body


def _adopt(ctx: Ctx, body: Any) -> str | None:
    """Rename a spooled request body into the blob store; None when that cannot be done."""
    path = getattr(body, "path", None)
    if path is None or not hasattr(body, "md5_hex"):
        return None
    finish = getattr(body, "finish", None)
    if callable(finish):
        finish()
    blob_id = secrets.token_hex(16)
    target = ctx.blobs.path(blob_id)
    try:
        target.parent.mkdir(exist_ok=True)
        if ctx.blobs.durable:
            with open(path, "rb") as f:
                os.fsync(f.fileno())
        os.replace(path, target)
    except OSError:
        return None  # another file system: copy instead
    return blob_id


def write(ctx: Ctx, body: Any, *, chunked: bool = False, algorithms: Iterable[str] = (),
          data_key: bytes | None = None) -> Written:
    """Store ``body`` as one new blob (decoding ``aws-chunked``, hashing, encrypting on the way).

    The chunk signatures of an ``aws-chunked`` body are checked by ``ctx.extras["chunk_verifier"]``
    when the request's authentication put one there (``verify(signature, data)``, see
    ``fogbank.auth.chunked``); a mismatch is S3's ``SignatureDoesNotMatch`` and stores nothing.
    """
    algorithms = [a for a in algorithms if a]
    if not chunked:
        size = _known_size(body)
        if size is not None and size <= INLINE_MAX:
            return _inline(_whole(body), getattr(body, "md5_hex", None), algorithms, data_key)
    if not chunked and data_key is None:
        blob_id = _adopt(ctx, body)
        if blob_id is not None:
            size = int(getattr(body, "size", 0))
            # a spooled body may carry checksums computed as it arrived: no second read then
            known = getattr(body, "checksums", None) or {}
            missing = [a for a in algorithms if a not in known]
            sums = {a: known[a] for a in algorithms if a in known}
            if missing:
                sums.update(_checksum_file(ctx, blob_id, missing))
            return Written([[blob_id, size, None]], size, body.md5_hex, sums)
    decoder: ChunkedDecoder | None = None
    source: Iterable[bytes] = _chunks(body)
    if chunked:
        source_body = body if isinstance(body, bytes | bytearray) or hasattr(body, "read") else _chunks(body)
        decoder = ChunkedDecoder(source_body, verify=ctx.extras.get("chunk_verifier"))
        source = decoder
    md5 = hashlib.md5(usedforsecurity=False)
    hashers = {a: checksums.hasher(a) for a in algorithms}
    iv = crypto.new_iv() if data_key is not None else None
    ctr = crypto.cipher(data_key, iv) if data_key is not None and iv is not None else None
    # ciphertext goes through one reused buffer: a fresh megabyte per chunk costs more in page
    # faults than the cipher itself
    sealed = bytearray(READ_SIZE + 15) if ctr is not None else bytearray()
    try:
        with ctx.blobs.writer() as w:
            for chunk in source:
                md5.update(chunk)
                for h in hashers.values():
                    h.update(chunk)
                if ctr is None:
                    w.write(chunk)
                    continue
                if len(chunk) + 15 > len(sealed):  # the cipher asks for a block's slack
                    sealed = bytearray(len(chunk) + 15)
                w.write(memoryview(sealed)[: ctr.update_into(chunk, sealed)])
    except ChunkedError as exc:
        raise IncompleteBody(str(exc)) from None
    except ValueError as exc:  # the chunk verifier's refusal
        raise SignatureDoesNotMatch(str(exc) or SignatureDoesNotMatch.message_text) from None
    trailers = decoder.trailers if decoder is not None else {}
    # a trailing checksum names its algorithm only in the trailer: hash it if we did not yet
    missing = [a for a in checksums.ALGORITHMS if checksums.HEADER[a] in trailers and a not in hashers]
    sums = {a: checksums.b64(h.digest()) for a, h in hashers.items()}
    written = Written([[w.id, w.size, base64.b64encode(iv).decode() if iv else None]], w.size, md5.hexdigest(), sums, trailers)
    if missing:
        written.checksums.update(checksum_segments(ctx, written.segments, missing, data_key))
    return written


def _known_size(body: Any) -> int | None:
    if body is None:
        return 0
    if isinstance(body, bytes | bytearray | memoryview):
        return len(body)
    size = getattr(body, "size", None)
    return size if isinstance(size, int) else None


def _whole(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes | bytearray | memoryview):
        return bytes(body)
    return b"".join(_chunks(body))


def _inline(data: bytes, md5_hex: str | None, algorithms: list[str], data_key: bytes | None) -> Written:
    sums = {}
    for algo in algorithms:
        h = checksums.hasher(algo)
        h.update(data)
        sums[algo] = checksums.b64(h.digest())
    iv = crypto.new_iv() if data_key is not None else None
    stored = crypto.cipher(data_key, iv).update(data) if data_key is not None and iv is not None else data
    segment = [None, len(data), base64.b64encode(iv).decode() if iv else None, base64.b64encode(stored).decode()]
    return Written([segment], len(data), md5_hex or hashlib.md5(data, usedforsecurity=False).hexdigest(), sums)


def _checksum_file(ctx: Ctx, blob_id: str, algorithms: list[str]) -> dict[str, str]:
    hashers = {a: checksums.hasher(a) for a in algorithms}
    with ctx.blobs.open(blob_id) as f:
        while data := f.read(READ_SIZE):
            for h in hashers.values():
                h.update(data)
    return {a: checksums.b64(h.digest()) for a, h in hashers.items()}


def checksum_segments(ctx: Ctx, segments: list[list[Any]], algorithms: list[str],
                      data_key: bytes | None) -> dict[str, str]:
    """Checksums of an object's plaintext, read back from its blobs."""
    hashers = {a: checksums.hasher(a) for a in algorithms}
    total = sum(s[1] for s in segments)
    if total:
        for data in read(ctx, segments, 0, total - 1, data_key):
            for h in hashers.values():
                h.update(data)
    return {a: checksums.b64(h.digest()) for a, h in hashers.items()}


class RangeReader:
    """The plaintext bytes ``start..end`` (inclusive) of an object, as an iterable of chunks.

    Opens one blob at a time; ``close()`` releases the open file early (the server calls it when
    a client goes away mid-download).
    """

    def __init__(self, ctx: Ctx, segments: list[list[Any]], start: int, end: int, data_key: bytes | None) -> None:
        self._gen = _read(ctx, segments, start, end, data_key)
        self.size = max(0, end - start + 1)

    def __iter__(self) -> Iterator[bytes]:
        return self._gen

    def __next__(self) -> bytes:
        return next(self._gen)

    def close(self) -> None:
        """Stop reading and close any open blob file."""
        self._gen.close()


def read(ctx: Ctx, segments: list[list[Any]], start: int, end: int, data_key: bytes | None) -> RangeReader:
    """An iterable over bytes ``start..end`` (inclusive) of the object made of ``segments``."""
    return RangeReader(ctx, segments, start, end, data_key)


def _read(ctx: Ctx, segments: list[list[Any]], start: int, end: int, data_key: bytes | None) -> Iterator[bytes]:
    offset = 0
    for segment in segments:
        blob_id, size, iv = segment[0], segment[1], segment[2]
        seg_start, seg_end = offset, offset + size - 1
        offset += size
        if seg_end < start or size == 0:
            continue
        if seg_start > end:
            break
        lo = max(start, seg_start) - seg_start
        hi = min(end, seg_end) - seg_start
        ctr = crypto.cipher(data_key, base64.b64decode(iv), lo) if iv and data_key is not None else None
        if iv and data_key is None:
            raise InvalidRequest("The object is encrypted and no key was given to read it.")
        if blob_id is None:
            data = base64.b64decode(segment[3])[lo : hi + 1]
            yield ctr.update(data) if ctr is not None else data
            continue
        with ctx.blobs.open(blob_id) as f:
            if lo:
                f.seek(lo)
            remaining = hi - lo + 1
            while remaining > 0:
                if ctr is None:
                    data = f.read(min(READ_SIZE, remaining))
                    if not data:
                        return
                    remaining -= len(data)
                    yield data
                    continue
                # decrypted in place: one buffer per chunk (the server may still hold the last)
                buf = bytearray(min(READ_SIZE, remaining))
                got = f.readinto(buf)
                if not got:
                    return
                remaining -= got
                view = memoryview(buf)[:got]
                ctr.update_into(view, view)
                yield buf if got == len(buf) else bytes(view)


def read_all(ctx: Ctx, segments: list[list[Any]], data_key: bytes | None) -> bytes:
    """A whole (small) object in memory."""
    total = sum(s[1] for s in segments)
    return b"".join(read(ctx, segments, 0, total - 1, data_key)) if total else b""


def delete(ctx: Ctx, segments: list[list[Any]] | None) -> None:
    """Remove an object's blobs."""
    for seg in segments or ():
        if seg[0] is not None:
            ctx.blobs.delete(seg[0])

"""Large values (S3 objects, Lambda code) as files: ``<data_dir>/blobs/<id[:2]>/<id>``.

A blob is written to a temporary file in the blobs directory (so the same file system), flushed
with ``fsync`` and renamed into place, which is atomic: a blob id names a complete file or no
file, never a partial one, even after ``kill -9`` or a power cut. The id is random; the store
(not the file system) remembers which id belongs to what. Temporary files left by a crash are
removed when the blob store opens.

``TempBlobStore`` is the ``--in-memory`` variant: the same API over a private temporary
directory that is removed on ``close()``, without fsync. Spooling to disk keeps large objects out
of RAM and lets ``path(id)`` hand a real file to code that needs one (Lambda layers, zips).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from fogbank.store.contract import StoreError, StoreOpenError, StoreWriteError

_ID = re.compile(r"[0-9a-f]{32}")
_TEMP_PREFIX = ".tmp-"


class BlobNotFoundError(StoreError, LookupError):
    """No blob has that id."""


class BlobWriter:
    """Streams one blob to disk; use through ``BlobStore.writer()`` as a context manager.

    After a normal exit ``id``, ``size`` and ``digests`` (hex, by hashlib name) are set; if the
    block raises, the temporary file is removed and no blob exists.
    """

    def __init__(self, store: BlobStore, hashes: Iterable[str] = ()) -> None:
        self._store = store
        self.id = secrets.token_hex(16)
        self.size = 0
        self.digests: dict[str, str] = {}
        self._hashers = {name: hashlib.new(name) for name in hashes}
        self._temp = store.root / f"{_TEMP_PREFIX}{self.id}"
        try:
            self._file: BinaryIO | None = open(self._temp, "xb")
        except OSError as exc:
            raise StoreWriteError(f"fogbank could not create a blob file: {exc}") from exc

    def write(self, chunk: bytes | bytearray | memoryview) -> int:
        """Append ``chunk``; returns its length."""
        if self._file is None:
            raise StoreError("the blob writer is closed")
        for hasher in self._hashers.values():
            hasher.update(chunk)
        try:
            self._file.write(chunk)
        except OSError as exc:
            self.abort()
            raise StoreWriteError(f"fogbank could not write a blob: {exc}") from exc
        size = len(chunk) if not isinstance(chunk, memoryview) else chunk.nbytes
        self.size += size
        return size

    def commit(self) -> str:
        """Make the blob durable and visible under ``id``; returns the id."""
        if self._file is None:
            raise StoreError("the blob writer is closed")
        target = self._store.path(self.id)
        try:
            self._file.flush()
            if self._store.durable:
                os.fsync(self._file.fileno())
            self._file.close()
            self._file = None
            target.parent.mkdir(exist_ok=True)
            os.replace(self._temp, target)
            if self._store.durable:
                _fsync_dir(target.parent)
        except OSError as exc:
            self.abort()
            raise StoreWriteError(f"fogbank could not save a blob: {exc}") from exc
        self.digests = {name: h.hexdigest() for name, h in self._hashers.items()}
        return self.id

    def abort(self) -> None:
        """Forget the blob and remove its temporary file."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._temp.unlink(missing_ok=True)

    def __enter__(self) -> BlobWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        if exc_type is not None:
            self.abort()
        else:
            self.commit()


class BlobStore:
    """Immutable blobs as files under ``root``, each written atomically."""

    durable = True

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            for stale in self.root.glob(_TEMP_PREFIX + "*"):
                stale.unlink(missing_ok=True)
        except OSError as exc:
            raise StoreOpenError(f"cannot use the blob directory {self.root}: {exc}") from exc

    def writer(self, hashes: Iterable[str] = ()) -> BlobWriter:
        """A streaming writer for a new blob; ``hashes`` names hashlib digests to compute on the way."""
        return BlobWriter(self, hashes)

    def put(self, data: bytes | bytearray | memoryview) -> str:
        """Store ``data`` as a new blob; returns its id."""
        with self.writer() as w:
            w.write(data)
        return w.id

    def path(self, blob_id: str) -> Path:
        """Where the blob's file is (whether or not it exists)."""
        if not _ID.fullmatch(blob_id):
            raise BlobNotFoundError(f"{blob_id!r} is not a blob id")
        return self.root / blob_id[:2] / blob_id

    def open(self, blob_id: str) -> BinaryIO:
        """The blob as a binary file object, open for reading; close it when done."""
        try:
            return open(self.path(blob_id), "rb")
        except FileNotFoundError:
            raise BlobNotFoundError(f"no blob {blob_id}") from None

    def read(self, blob_id: str) -> bytes:
        """The blob's whole content."""
        with self.open(blob_id) as f:
            return f.read()

    def size(self, blob_id: str) -> int:
        """The blob's length in bytes."""
        try:
            return self.path(blob_id).stat().st_size
        except FileNotFoundError:
            raise BlobNotFoundError(f"no blob {blob_id}") from None

    def exists(self, blob_id: str) -> bool:
        """Whether a blob has this id."""
        return bool(_ID.fullmatch(blob_id)) and self.path(blob_id).is_file()

    def delete(self, blob_id: str) -> bool:
        """Remove the blob; True if it existed. Readers that opened it keep their file."""
        if not _ID.fullmatch(blob_id):
            return False
        try:
            self.path(blob_id).unlink()
        except FileNotFoundError:
            return False
        return True

    def clear(self) -> int:
        """Remove every blob (a full reset); returns how many were removed."""
        removed = 0
        for folder in self.root.iterdir():
            if folder.is_dir() and len(folder.name) == 2:
                for blob in folder.iterdir():
                    if _ID.fullmatch(blob.name):
                        blob.unlink(missing_ok=True)
                        removed += 1
        return removed

    def close(self) -> None:
        """Nothing to release for files on disk."""


class TempBlobStore(BlobStore):
    """The ``--in-memory`` blob store: a private temporary directory, removed on ``close()``."""

    durable = False

    def __init__(self) -> None:
        super().__init__(tempfile.mkdtemp(prefix="fogbank-blobs-"))

    def close(self) -> None:
        """Remove every blob and the directory."""
        shutil.rmtree(self.root, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

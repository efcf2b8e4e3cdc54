"""Blob files: atomic, complete or absent, never a temporary file left behind."""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from fogbank.store.blobs import BlobNotFoundError, BlobStore, TempBlobStore
from fogbank.store.contract import StoreWriteError


@pytest.fixture(params=["files", "temp"])
def blobs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BlobStore]:
    store = BlobStore(tmp_path / "blobs") if request.param == "files" else TempBlobStore()
    yield store
    store.close()


def leftovers(blobs: BlobStore) -> list[Path]:
    return [p for p in blobs.root.rglob("*") if p.is_file() and p.name.startswith(".tmp-")]


def test_put_read_open_delete(blobs: BlobStore) -> None:
    blob_id = blobs.put(b"hello")
    assert blobs.exists(blob_id)
    assert blobs.read(blob_id) == b"hello"
    assert blobs.size(blob_id) == 5
    with blobs.open(blob_id) as f:
        assert f.read(2) == b"he"
    assert blobs.path(blob_id).read_bytes() == b"hello"
    assert blobs.delete(blob_id) is True
    assert blobs.delete(blob_id) is False
    assert not blobs.exists(blob_id)
    with pytest.raises(BlobNotFoundError):
        blobs.read(blob_id)


def test_streaming_writer_is_invisible_until_it_ends(blobs: BlobStore) -> None:
    with blobs.writer(hashes=("md5",)) as w:
        w.write(b"a" * 1000)
        w.write(memoryview(b"b" * 24))
        assert not blobs.exists(w.id)
        assert len(leftovers(blobs)) == 1
    assert w.size == 1024
    assert w.digests == {"md5": hashlib.md5(b"a" * 1000 + b"b" * 24).hexdigest()}
    assert blobs.read(w.id) == b"a" * 1000 + b"b" * 24
    assert leftovers(blobs) == []


def test_an_error_while_writing_leaves_nothing(blobs: BlobStore) -> None:
    with pytest.raises(RuntimeError):
        with blobs.writer() as w:
            w.write(b"partial")
            raise RuntimeError("client went away")
    assert not blobs.exists(w.id)
    assert leftovers(blobs) == []
    assert [p for p in blobs.root.rglob("*") if p.is_file()] == []


def test_ids_are_not_paths(blobs: BlobStore) -> None:
    for bad in ["../../etc/passwd", "", "ABC", "0" * 31]:
        assert not blobs.exists(bad)
        assert blobs.delete(bad) is False
        with pytest.raises(BlobNotFoundError):
            blobs.read(bad)


def test_temporary_files_of_a_crash_are_removed_on_open(tmp_path: Path) -> None:
    root = tmp_path / "blobs"
    kept = BlobStore(root).put(b"kept")
    (root / ".tmp-0123").write_bytes(b"half written")
    reopened = BlobStore(root)
    assert not (root / ".tmp-0123").exists()
    assert reopened.read(kept) == b"kept"


def test_temp_blob_store_leaves_no_trace() -> None:
    blobs = TempBlobStore()
    blobs.put(b"x")
    root = blobs.root
    blobs.close()
    assert not root.exists()


def test_clear_removes_every_blob(blobs: BlobStore) -> None:
    ids = [blobs.put(b"%d" % i) for i in range(5)]
    assert blobs.clear() == 5
    assert not any(blobs.exists(i) for i in ids)
    assert blobs.read(blobs.put(b"after")) == b"after"


def test_a_failed_save_is_a_503_and_leaves_nothing(blobs: BlobStore, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(StoreWriteError) as caught:
        blobs.put(b"data")
    assert caught.value.status == 503
    assert leftovers(blobs) == []
    assert [p for p in blobs.root.rglob("*") if p.is_file()] == []

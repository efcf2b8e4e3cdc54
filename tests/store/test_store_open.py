"""open_store: engines chosen from the Config, data directory created, checked and marked."""

from __future__ import annotations

from pathlib import Path

import pytest

from fogbank.config import Config
from fogbank.store import open_store
from fogbank.store.blobs import TempBlobStore
from fogbank.store.contract import StoreOpenError
from fogbank.store.memory import MemoryStore
from fogbank.store.sqlite import SqliteStore


def test_in_memory_leaves_no_files(tmp_path: Path) -> None:
    store, blobs = open_store(Config(in_memory=True, data_dir=tmp_path / "unused"))
    try:
        assert isinstance(store, MemoryStore) and isinstance(blobs, TempBlobStore)
        store.put(("a",), b"1")
        assert store.get(("a",)) == b"1"
    finally:
        store.close()
        blobs.close()
    assert not (tmp_path / "unused").exists()


def test_durable_store_creates_and_reuses_the_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "deep" / "data"
    store, blobs = open_store(Config(data_dir=data_dir))
    assert isinstance(store, SqliteStore)
    store.put(("a",), b"1")
    blob_id = blobs.put(b"blob")
    store.close()
    blobs.close()
    assert sorted(p.name for p in data_dir.iterdir()) == ["FORMAT", "blobs", "fogbank.db"]
    store, blobs = open_store(Config(data_dir=data_dir))
    try:
        assert store.get(("a",)) == b"1"
        assert blobs.read(blob_id) == b"blob"
    finally:
        store.close()
        blobs.close()


def test_a_newer_data_dir_is_refused(tmp_path: Path) -> None:
    (tmp_path / "FORMAT").write_text("fogbank data directory\nformat 7\n")
    with pytest.raises(StoreOpenError, match="newer fogbank"):
        open_store(Config(data_dir=tmp_path))
    assert not (tmp_path / "fogbank.db").exists()


def test_a_foreign_format_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "FORMAT").write_text("A4 paper\n")
    with pytest.raises(StoreOpenError, match="not a fogbank format marker"):
        open_store(Config(data_dir=tmp_path))
    assert (tmp_path / "FORMAT").read_text() == "A4 paper\n"


def test_an_unusable_data_dir_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreOpenError, match="cannot create the data directory"):
        open_store(Config(data_dir=blocker / "data"))
    with pytest.raises(StoreOpenError, match="not a directory"):
        open_store(Config(data_dir=blocker))

"""fogbank's state: ``open_store`` picks the engines for a Config and checks the data directory.

A durable data directory holds ``FORMAT`` (which layout of directory this is), ``fogbank.db``
(the SQLite store) and ``blobs/`` (large values). A directory written by a newer fogbank is
refused with a clear message; an older one is migrated here when a format change needs it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from fogbank.store.blobs import BlobStore, TempBlobStore
from fogbank.store.contract import Store, StoreError, StoreOpenError, StoreWriteError

if TYPE_CHECKING:
    from fogbank.config import Config

#: the layout of the data directory; bump it (and migrate in ``_check_format``) when it changes
DIR_FORMAT = 1
FORMAT_FILE = "FORMAT"
DB_FILE = "fogbank.db"
BLOB_DIR = "blobs"
_MARKER = "fogbank data directory"

__all__ = ["open_store", "Store", "BlobStore", "StoreError", "StoreOpenError", "StoreWriteError"]


def open_store(config: Config) -> tuple[Store, BlobStore]:
    """The store and blob store for ``config``: in memory, or durable under ``config.data_dir``.

    Raises ``StoreOpenError`` for a data directory that cannot be created or written, or whose
    content is foreign, damaged or from a newer fogbank.
    """
    if config.in_memory:
        from fogbank.store.memory import MemoryStore

        return MemoryStore(), TempBlobStore()
    from fogbank.store.sqlite import SqliteStore

    data_dir = Path(config.data_dir)
    _prepare_dir(data_dir)
    store = SqliteStore(data_dir / DB_FILE)
    try:
        blobs = BlobStore(data_dir / BLOB_DIR)
    except BaseException:
        store.close()
        raise
    return store, blobs


def _prepare_dir(data_dir: Path) -> None:
    if data_dir.exists() and not data_dir.is_dir():
        raise StoreOpenError(f"the data directory {data_dir} is not a directory")
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreOpenError(f"cannot create the data directory {data_dir}: {exc.strerror or exc}") from exc
    if not os.access(data_dir, os.W_OK | os.X_OK):
        raise StoreOpenError(f"the data directory {data_dir} is not writable by this user")
    _check_format(data_dir)


def _check_format(data_dir: Path) -> None:
    """Read the directory's format marker, writing it for a new directory."""
    marker = data_dir / FORMAT_FILE
    try:
        text = marker.read_text(encoding="utf-8")
    except FileNotFoundError:
        temp = data_dir / (FORMAT_FILE + ".tmp")
        try:
            temp.write_text(f"{_MARKER}\nformat {DIR_FORMAT}\n", encoding="utf-8")
            os.replace(temp, marker)
        except OSError as exc:
            raise StoreOpenError(f"cannot write {marker}: {exc.strerror or exc}") from exc
        return
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreOpenError(f"cannot read {marker}: {exc}") from exc
    lines = text.splitlines()
    if len(lines) < 2 or lines[0] != _MARKER or not lines[1].startswith("format "):
        raise StoreOpenError(f"{marker} is not a fogbank format marker; is {data_dir} another program's directory?")
    try:
        version = int(lines[1].removeprefix("format "))
    except ValueError:
        raise StoreOpenError(f"{marker} names no readable format version") from None
    if version > DIR_FORMAT:
        raise StoreOpenError(
            f"{data_dir} was written by a newer fogbank (directory format {version}; this fogbank reads up "
            f"to {DIR_FORMAT}); upgrade fogbank or use another data directory"
        )

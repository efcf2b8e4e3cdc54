"""The durable engine: one SQLite database in WAL mode, ``<data_dir>/fogbank.db``.

Data lives in one ``WITHOUT ROWID`` table ``kv(key BLOB PRIMARY KEY, value BLOB)``, so rows are
stored in the primary key's B-tree in key order and a range scan is one index walk.

Durability: the journal is a write-ahead log and ``synchronous=NORMAL``. A commit returns once
its frames have been written to the WAL file with ``write()``, without ``fsync``; the bytes are
then in the operating system's page cache, which outlives the process, so every committed write
survives ``kill -9`` (or any crash of fogbank itself). Only a crash of the whole machine or a
power cut can lose the last commits before the next checkpoint — never corrupt the database,
because SQLite fsyncs the WAL before it checkpoints into the main file. That is the trade AWS
emulation wants: one write per request without an fsync per request.

The connection holds the database exclusively (``locking_mode=EXCLUSIVE``) while it is open:
commits skip the per-transaction file locking and shared-memory index, and a second process
(another fogbank on the same data directory) is refused at open instead of sharing it.

The file is identified by ``PRAGMA application_id`` and a ``meta`` table (magic, format
version). Opening refuses, without touching the file, anything that is not a SQLite database,
another application's database, or a database written by a newer fogbank format.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from fogbank.store.contract import Store, StoreClosedError, StoreOpenError, StoreWriteError

#: "FBNK": marks the file as fogbank's in the SQLite header
APPLICATION_ID = 0x46424E4B
MAGIC = "fogbank"
#: the layout of tables written by this code; bump it and add a migration when it changes
FORMAT_VERSION = 1

_HEADER = b"SQLite format 3\x00"
#: how long opening waits for another process (a fogbank still shutting down) to let go
_BUSY_SECONDS = 1.0

_GET = "SELECT value FROM kv WHERE key = ?"
_PUT = "INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)"
_DELETE = "DELETE FROM kv WHERE key = ?"
_DELETE_RANGE = "DELETE FROM kv WHERE key >= ? AND key < ?"
_COUNT = "SELECT count(*) FROM kv WHERE key >= ? AND key < ?"
_SCAN_UP = "SELECT key, value FROM kv WHERE key >= ? AND key < ? ORDER BY key LIMIT ?"
_SCAN_DOWN = "SELECT key, value FROM kv WHERE key >= ? AND key < ? ORDER BY key DESC LIMIT ?"


class SqliteStore(Store):
    """A store in one SQLite file, safe to share between threads.

    ``max_page_count`` caps the database size in pages (a quota; tests use it to simulate a full
    disk).
    """

    def __init__(self, path: Path | str, *, max_page_count: int | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        _check_existing(self.path)
        try:
            conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, cached_statements=64, timeout=_BUSY_SECONDS
            )
        except sqlite3.Error as exc:
            raise StoreOpenError(f"cannot open the database {self.path}: {exc}") from exc
        try:
            _prepare(conn, self.path)
            if max_page_count is not None:
                conn.execute(f"PRAGMA max_page_count = {int(max_page_count)}")
        except BaseException:
            conn.close()
            raise
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.Lock()

    def _db(self) -> sqlite3.Connection:
        conn = self._conn
        if conn is None:
            raise StoreClosedError("the store is closed")
        return conn

    def _get_raw(self, key: bytes) -> bytes | None:
        with self._lock:
            for (value,) in self._db().execute(_GET, (key,)):
                return value
        return None

    def _put_raw(self, key: bytes, value: bytes) -> None:
        with self._write_lock, self._lock:
            try:
                self._db().execute(_PUT, (key, value))
            except sqlite3.Error as exc:
                raise _write_error(exc) from exc

    def _delete_raw(self, key: bytes) -> bool:
        with self._write_lock, self._lock:
            try:
                return self._db().execute(_DELETE, (key,)).rowcount > 0
            except sqlite3.Error as exc:
                raise _write_error(exc) from exc

    def _scan_batch(self, low: bytes, high: bytes, reverse: bool, size: int) -> list[tuple[bytes, bytes]]:
        with self._lock:
            return self._db().execute(_SCAN_DOWN if reverse else _SCAN_UP, (low, high, size)).fetchall()

    def _count_raw(self, low: bytes, high: bytes) -> int:
        with self._lock:
            return self._db().execute(_COUNT, (low, high)).fetchone()[0]

    def _delete_range_raw(self, low: bytes, high: bytes) -> int:
        with self._write_lock, self._lock:
            try:
                return self._db().execute(_DELETE_RANGE, (low, high)).rowcount
            except sqlite3.Error as exc:
                raise _write_error(exc) from exc

    def _commit(self, ranges: list[tuple[bytes, bytes]], writes: dict[bytes, bytes | None]) -> None:
        with self._write_lock, self._lock:
            conn = self._db()
            try:
                conn.execute("BEGIN IMMEDIATE")
                if ranges:
                    conn.executemany(_DELETE_RANGE, ranges)
                conn.executemany(_PUT, [(k, v) for k, v in writes.items() if v is not None])
                conn.executemany(_DELETE, [(k,) for k, v in writes.items() if v is None])
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise _write_error(exc) from exc

    def close(self) -> None:
        """Close the database; the last connection's close checkpoints the WAL into the file."""
        with self._write_lock, self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def _write_error(exc: sqlite3.Error) -> StoreWriteError:
    code = getattr(exc, "sqlite_errorname", "") or type(exc).__name__
    return StoreWriteError(f"fogbank could not save the change ({code}: {exc}); nothing was written")


def _check_existing(path: Path) -> None:
    """Refuse, without changing it, a file that is not a fogbank database of a known format."""
    try:
        with open(path, "rb") as f:
            header = f.read(len(_HEADER))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreOpenError(f"cannot read {path}: {exc}") from exc
    if not header:
        return
    if header != _HEADER:
        raise StoreOpenError(f"{path} is not a SQLite database; fogbank will not touch it (move it away or choose another data directory)")
    app_id, tables, meta = _read_identity(path)
    if app_id == 0 and not tables:
        return
    if app_id != APPLICATION_ID or meta.get("magic") != MAGIC:
        raise StoreOpenError(f"{path} is another application's SQLite database; fogbank will not touch it")
    try:
        version = int(meta.get("format", ""))
    except ValueError:
        raise StoreOpenError(f"{path} has no readable fogbank format version; fogbank will not touch it") from None
    if version > FORMAT_VERSION:
        raise StoreOpenError(
            f"{path} was written by a newer fogbank (data format {version}; this fogbank reads up to "
            f"{FORMAT_VERSION}); upgrade fogbank or use another data directory"
        )


def _read_identity(path: Path) -> tuple[int, set[str], dict[str, str]]:
    """The application id, table names and meta rows of an existing file, read-only."""
    # a read-only look at a WAL database creates empty -wal/-shm files: remove those we made
    sidecars = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    made = [p for p in sidecars if not p.exists()]
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=_BUSY_SECONDS)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            meta = dict(conn.execute("SELECT name, value FROM meta").fetchall()) if "meta" in tables else {}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise _open_error(path, exc) from exc
    finally:
        for p in made:
            p.unlink(missing_ok=True)
    return app_id, tables, meta


def _prepare(conn: sqlite3.Connection, path: Path) -> None:
    """Set the connection up and create (or migrate) the schema."""
    try:
        # one process owns the database: no shared-memory index and no lock calls per
        # transaction (twice the commit rate), and a second fogbank on the same directory is
        # refused instead of working on a database that changes under its caches
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        # checkpoints (the only fsyncs) every ~16 MB of log rather than every 4 MB
        conn.execute("PRAGMA wal_autocheckpoint = 4000")
        conn.execute("PRAGMA cache_size = -32768")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")
        conn.execute("CREATE TABLE IF NOT EXISTS kv (key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID")
        conn.execute("INSERT OR IGNORE INTO meta (name, value) VALUES ('magic', ?)", (MAGIC,))
        conn.execute("INSERT OR IGNORE INTO meta (name, value) VALUES ('format', ?)", (str(FORMAT_VERSION),))
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        # older formats are migrated here, inside this transaction, once there are any
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise _open_error(path, exc) from exc


def _open_error(path: Path, exc: sqlite3.Error) -> StoreOpenError:
    if getattr(exc, "sqlite_errorname", "").startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return StoreOpenError(f"{path} is in use by another process (another fogbank on the same data directory?)")
    return StoreOpenError(f"{path} is damaged or cannot be used ({exc}); fogbank did not change it")

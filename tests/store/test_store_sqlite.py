"""What only the durable engine promises: persistence, crash safety, refusing foreign files, full disks."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fogbank.errors import ServiceUnavailable
from fogbank.store.contract import StoreOpenError, StoreWriteError
from fogbank.store.sqlite import SqliteStore


def snapshot(path: Path) -> dict[str, bytes]:
    """Every file beside (and including) the database, by name, with its bytes."""
    return {p.name: p.read_bytes() for p in path.parent.iterdir()}


def test_data_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "fogbank.db"
    with SqliteStore(path) as store:
        store.put(("a", 1), b"one")
        with store.transaction() as txn:
            txn.put(("a", 2), b"two")
    with SqliteStore(path) as store:
        assert list(store.scan(("a",))) == [(("a", 1), b"one"), (("a", 2), b"two")]


def test_schema_and_settings(tmp_path: Path) -> None:
    path = tmp_path / "fogbank.db"
    SqliteStore(path).close()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x46424E4B
        assert dict(conn.execute("SELECT name, value FROM meta")) == {"magic": "fogbank", "format": "1"}
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'kv'").fetchone()[0]
        assert "WITHOUT ROWID" in sql
    finally:
        conn.close()


def test_an_empty_file_becomes_a_store(tmp_path: Path) -> None:
    path = tmp_path / "fogbank.db"
    path.write_bytes(b"")
    with SqliteStore(path) as store:
        store.put(("a",), b"1")
        assert store.get(("a",)) == b"1"


def test_a_non_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "fogbank.db"
    path.write_bytes(b"these are my notes, not a database\n" * 10)
    before = snapshot(path)
    with pytest.raises(StoreOpenError, match="not a SQLite database"):
        SqliteStore(path)
    assert snapshot(path) == before


def test_another_applications_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "fogbank.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE kv (key BLOB PRIMARY KEY, value BLOB)")
    conn.execute("INSERT INTO kv VALUES (x'01', x'02')")
    conn.commit()
    conn.close()
    before = snapshot(path)
    with pytest.raises(StoreOpenError, match="another application"):
        SqliteStore(path)
    assert snapshot(path) == before


def test_a_newer_format_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "fogbank.db"
    SqliteStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '99' WHERE name = 'format'")
    conn.commit()
    conn.close()
    before = snapshot(path)
    with pytest.raises(StoreOpenError, match="newer fogbank"):
        SqliteStore(path)
    assert snapshot(path) == before


def test_a_damaged_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "fogbank.db"
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    before = snapshot(path)
    with pytest.raises(StoreOpenError):
        SqliteStore(path)
    assert snapshot(path) == before


def full_store(tmp_path: Path) -> SqliteStore:
    """A store whose database may grow by only a few pages: a disk that is nearly full."""
    path = tmp_path / "fogbank.db"
    with SqliteStore(path) as store:
        for i in range(50):
            store.put(("keep", i), b"x" * 100)
        pages = store._conn.execute("PRAGMA page_count").fetchone()[0]  # type: ignore[union-attr]
    return SqliteStore(path, max_page_count=pages + 8)


def test_a_full_disk_answers_503_and_keeps_the_store_consistent(tmp_path: Path) -> None:
    store = full_store(tmp_path)
    try:
        with pytest.raises(StoreWriteError) as caught:
            store.put(("big",), b"y" * 200_000)
        assert isinstance(caught.value, ServiceUnavailable)
        assert caught.value.status == 503 and caught.value.code == "ServiceUnavailable"
        assert store.get(("big",)) is None
        with pytest.raises(StoreWriteError):
            with store.transaction() as txn:
                txn.put(("small",), b"z")
                txn.delete(("keep", 0))
                txn.put(("big",), b"y" * 200_000)
        assert store.get(("small",)) is None and store.get(("keep", 0)) == b"x" * 100
        assert store.count(("keep",)) == 50
        assert store._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"  # type: ignore[union-attr]
        store.put(("small",), b"fits")
        assert store.get(("small",)) == b"fits"
    finally:
        store.close()


WRITER = textwrap.dedent(
    """
    import sys
    from fogbank.store.sqlite import SqliteStore

    store = SqliteStore(sys.argv[1])
    i = 0
    while True:
        if i % 2:
            store.put(("k", i), b"v%d" % i)
        else:
            with store.transaction() as txn:
                txn.put(("k", i), b"v%d" % i)
                txn.put(("pair", i), b"p")
        print(i, flush=True)
        i += 1
    """
)


def test_every_acknowledged_write_survives_kill_9(tmp_path: Path) -> None:
    path = tmp_path / "fogbank.db"
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    acknowledged = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            acknowledged.append(int(line))
            if len(acknowledged) >= 1500:
                break
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert len(acknowledged) == 1500
    with SqliteStore(path) as store:
        for i in acknowledged:
            assert store.get(("k", i)) == b"v%d" % i
            if i % 2 == 0:
                assert store.get(("pair", i)) == b"p"
        assert store._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"  # type: ignore[union-attr]


def test_a_database_in_use_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fogbank.db"
    with SqliteStore(path) as store:
        store.put(("a",), b"1")
        with pytest.raises(StoreOpenError, match="in use"):
            SqliteStore(path)
        assert store.get(("a",)) == b"1"
    with SqliteStore(path) as store:
        assert store.get(("a",)) == b"1"


def test_a_path_with_uri_characters_works(tmp_path: Path) -> None:
    directory = tmp_path / "odd ?#%&= name"
    directory.mkdir()
    with SqliteStore(directory / "fogbank.db") as store:
        store.put(("a",), b"1")
    with SqliteStore(directory / "fogbank.db") as store:
        assert store.get(("a",)) == b"1"
    assert [p.name for p in directory.iterdir()] == ["fogbank.db"]

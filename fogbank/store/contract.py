"""The store contract: an ordered key-value map with range scans and atomic multi-key transactions.

Every engine (memory, SQLite, and any later one such as PostgreSQL) subclasses ``Store`` and
implements only the byte-level primitives at the bottom of the class; the tuple-level API that
services use is written here once, so all engines behave identically and pass the same tests in
``tests/store/``.

Keys are tuples (see ``keys.py`` for the element kinds and their order); values are bytes.

Transactions: ``with store.transaction() as txn:`` gives a ``Txn`` with the same get, put,
delete, scan, count and delete_prefix. It reads its own writes over the committed data, and on
normal exit commits all of them atomically (readers see none or all of them); if the block raises,
nothing is written. A failed commit raises ``StoreWriteError`` and writes nothing.

Concurrency: a store may be used from several threads. Reads never wait for writers. Writes are
serialised by one writer lock, and a transaction holds that lock from its start to its end, so a
read-modify-write inside a transaction cannot interleave with any other write. The lock is
re-entrant per thread: code running on the event loop must not ``await`` inside a transaction.
"""

from __future__ import annotations

import functools
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from typing import TYPE_CHECKING

from fogbank.errors import ServiceUnavailable
from fogbank.store.keys import decode, encode, prefix_end

if TYPE_CHECKING:
    from fogbank.store.overlay import Txn

BytesLike = bytes | bytearray | memoryview


class StoreError(Exception):
    """Any failure of the store."""


class StoreOpenError(StoreError):
    """The data directory or database cannot be used: corrupt, foreign, newer or unwritable.

    Raised only while opening; the files involved are left exactly as they were.
    """


class StoreWriteError(StoreError, ServiceUnavailable):
    """A write could not be committed (e.g. the disk is full); nothing of it was applied.

    A ``ServiceUnavailable`` (HTTP 503), so the server answers it the AWS way; the store stays
    consistent and later writes that fit succeed.
    """

    def __init__(self, message: str) -> None:
        ServiceUnavailable.__init__(self, message)


class StoreClosedError(StoreError):
    """The store was used after ``close()``."""


class Reader(ABC):
    """The tuple-level API shared by stores and transactions, built on byte-level primitives."""

    def get(self, key: tuple) -> bytes | None:
        """The value stored under ``key``, or None."""
        return self._get_raw(encode(key))

    def put(self, key: tuple, value: BytesLike) -> None:
        """Store ``value`` under ``key``, replacing any previous value."""
        if type(value) is not bytes:
            value = _as_bytes(value)
        self._put_raw(encode(key), value)

    def delete(self, key: tuple) -> bool:
        """Remove ``key``; True if it existed."""
        return self._delete_raw(encode(key))

    def scan(
        self,
        prefix: tuple = (),
        start: tuple | None = None,
        end: tuple | None = None,
        reverse: bool = False,
        limit: int | None = None,
    ) -> Iterator[tuple[tuple, bytes]]:
        """Iterate ``(key, value)`` in key order over the keys that start with ``prefix``.

        ``start`` (inclusive) and ``end`` (exclusive) are full keys that narrow the range further;
        ``reverse`` walks from the high end down; ``limit`` caps the number of items. For an
        exclusive start (pagination), pass the last key seen as ``start`` and skip it if it comes
        back; going backwards the last key seen is simply the new ``end``. The walk reads committed
        data in batches, so writes made while iterating may or may not be seen, but every key that
        exists throughout the walk is seen exactly once.
        """
        encoded_prefix = encode(prefix)
        low = encoded_prefix
        high = prefix_end(encoded_prefix)
        if start is not None:
            low = max(low, encode(start))
        if end is not None:
            high = min(high, encode(end))
        if (limit is not None and limit <= 0) or low >= high:
            return iter(())
        rows = self._iter_raw(low, high, reverse, limit)
        if limit is not None:
            rows = islice(rows, limit)
        return _decoded(rows, _canonical_prefix(encoded_prefix), len(encoded_prefix))

    def count(self, prefix: tuple = ()) -> int:
        """How many keys start with ``prefix``."""
        low = encode(prefix)
        return self._count_raw(low, prefix_end(low))

    def delete_prefix(self, prefix: tuple) -> int:
        """Remove every key that starts with ``prefix``; returns how many were removed."""
        low = encode(prefix)
        return self._delete_range_raw(low, prefix_end(low))

    # byte-level primitives --------------------------------------------------------------------

    @abstractmethod
    def _get_raw(self, key: bytes) -> bytes | None: ...

    @abstractmethod
    def _put_raw(self, key: bytes, value: bytes) -> None: ...

    @abstractmethod
    def _delete_raw(self, key: bytes) -> bool: ...

    @abstractmethod
    def _iter_raw(self, low: bytes, high: bytes, reverse: bool, limit: int | None) -> Iterator[tuple[bytes, bytes]]:
        """(key, value) for low <= key < high, in order; ``limit`` is a hint for batch sizes."""

    @abstractmethod
    def _count_raw(self, low: bytes, high: bytes) -> int: ...

    @abstractmethod
    def _delete_range_raw(self, low: bytes, high: bytes) -> int: ...


class Store(Reader):
    """An ordered key-value store. Engines implement the primitives marked abstract.

    Besides ``Reader``'s primitives an engine implements ``_scan_batch`` (one bounded batch of a
    range, in order), ``_commit`` (apply a transaction's effects atomically) and ``close``.
    Scans are built from batches so that no engine holds a lock or cursor while the caller
    consumes the iterator.
    """

    #: batch sizes grow from the first to the last while a scan goes on
    FIRST_BATCH = 64
    LAST_BATCH = 2048

    def __init__(self) -> None:
        self._write_lock = threading.RLock()

    @contextmanager
    def transaction(self) -> Iterator[Txn]:
        """A ``Txn`` that reads its own writes and commits all of them atomically on normal exit.

        If the block raises, nothing is written. The writer lock is held for the whole block.
        """
        from fogbank.store.overlay import Txn

        with self._write_lock:
            txn = Txn(self)
            try:
                yield txn
            except BaseException:
                txn.discard()
                raise
            txn.commit()

    @abstractmethod
    def _scan_batch(self, low: bytes, high: bytes, reverse: bool, size: int) -> list[tuple[bytes, bytes]]:
        """Up to ``size`` (key, value) pairs with low <= key < high, ascending or descending."""

    @abstractmethod
    def _commit(self, ranges: list[tuple[bytes, bytes]], writes: dict[bytes, bytes | None]) -> None:
        """Atomically delete every key in each [low, high) of ``ranges``, then apply ``writes``
        (None deletes). Raises ``StoreWriteError`` having applied nothing."""

    @abstractmethod
    def close(self) -> None:
        """Release the engine's resources; committed data stays (for durable engines)."""

    def _iter_raw(self, low: bytes, high: bytes, reverse: bool, limit: int | None) -> Iterator[tuple[bytes, bytes]]:
        size = self.FIRST_BATCH if limit is None else min(limit, self.LAST_BATCH)
        while True:
            batch = self._scan_batch(low, high, reverse, size)
            yield from batch
            if len(batch) < size:
                return
            if reverse:
                high = batch[-1][0]
            else:
                # the smallest byte string above the last key seen
                low = batch[-1][0] + b"\x00"
            size = min(size * 4, self.LAST_BATCH)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@functools.lru_cache(maxsize=1024)
def _canonical_prefix(encoded: bytes) -> tuple:
    # scans of one prefix repeat (a table, a queue): decode it once
    return decode(encoded)


def _as_bytes(value: object) -> bytes:
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    raise TypeError(f"a store value is bytes, not {type(value).__name__}")


def _decoded(rows: Iterator[tuple[bytes, bytes]], prefix: tuple, skip: int) -> Iterator[tuple[tuple, bytes]]:
    # every key in the range starts with the encoded prefix: decode only what follows it
    if skip:
        for key, value in rows:
            yield prefix + decode(key[skip:]), value
    else:
        for key, value in rows:
            yield decode(key), value

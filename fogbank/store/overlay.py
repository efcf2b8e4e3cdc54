"""Txn: a transaction as a write buffer laid over a store, committed by the engine in one go.

Reads see the store's committed data with the buffer's puts, deletes and prefix deletes on top,
so a transaction reads its own writes on every engine without engine-specific code. Nothing
reaches the engine until ``commit``, which hands it the whole effect to apply atomically.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from fogbank.store.contract import Reader, StoreError

if TYPE_CHECKING:
    from fogbank.store.contract import Store


class Txn(Reader):
    """The buffer of one transaction; use it through ``Store.transaction()``."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._writes: dict[bytes, bytes | None] = {}
        self._ranges: list[tuple[bytes, bytes]] = []
        self._done = False

    def commit(self) -> None:
        """Apply every write atomically (called by ``Store.transaction`` on normal exit)."""
        self._check()
        self._done = True
        if self._writes or self._ranges:
            self._store._commit(self._ranges, self._writes)

    def discard(self) -> None:
        """Drop every write (called by ``Store.transaction`` when the block raises)."""
        self._done = True
        self._writes = {}
        self._ranges = []

    def _check(self) -> None:
        if self._done:
            raise StoreError("the transaction has already ended")

    def _deleted_by_range(self, key: bytes) -> bool:
        for low, high in self._ranges:
            if low <= key < high:
                return True
        return False

    def _get_raw(self, key: bytes) -> bytes | None:
        self._check()
        if key in self._writes:
            return self._writes[key]
        if self._ranges and self._deleted_by_range(key):
            return None
        return self._store._get_raw(key)

    def _put_raw(self, key: bytes, value: bytes) -> None:
        self._check()
        self._writes[key] = value

    def _delete_raw(self, key: bytes) -> bool:
        existed = self._get_raw(key) is not None
        self._writes[key] = None
        return existed

    def _iter_raw(self, low: bytes, high: bytes, reverse: bool, limit: int | None) -> Iterator[tuple[bytes, bytes]]:
        self._check()
        pending = sorted(k for k in self._writes if low <= k < high)
        if not pending and not self._ranges:
            return self._store._iter_raw(low, high, reverse, limit)
        return self._merge(low, high, reverse, limit, pending)

    def _merge(
        self, low: bytes, high: bytes, reverse: bool, limit: int | None, pending: list[bytes]
    ) -> Iterator[tuple[bytes, bytes]]:
        writes = self._writes
        ranges = self._ranges
        if reverse:
            pending.reverse()
        # the buffer may hide base keys, so ask the engine for more than the limit
        hint = None if limit is None else limit + len(pending)
        base = (
            (k, v)
            for k, v in self._store._iter_raw(low, high, reverse, hint)
            if k not in writes and not (ranges and self._deleted_by_range(k))
        )
        index = 0
        for key, value in base:
            while index < len(pending) and (pending[index] > key if reverse else pending[index] < key):
                # .get: the caller may have changed the transaction while iterating
                mine = writes.get(pending[index])
                if mine is not None:
                    yield pending[index], mine
                index += 1
            yield key, value
        for key in pending[index:]:
            mine = writes.get(key)
            if mine is not None:
                yield key, mine

    def _count_raw(self, low: bytes, high: bytes) -> int:
        if not self._writes and not self._ranges:
            return self._store._count_raw(low, high)
        return sum(1 for _ in self._iter_raw(low, high, False, None))

    def _delete_range_raw(self, low: bytes, high: bytes) -> int:
        removed = self._count_raw(low, high)
        for key in [k for k in self._writes if low <= k < high]:
            del self._writes[key]
        self._ranges.append((low, high))
        return removed


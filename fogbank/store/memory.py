"""The in-memory engine (``--in-memory``): a dict for values plus a chunked sorted list of keys.

Keys are kept sorted in chunks of at most ``2 * CHUNK`` entries with a list of each chunk's
largest key beside them, so an insert moves at most one chunk's pointers instead of the whole
key list, and finding a position is two bisections.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, insort

from fogbank.store.contract import Store, StoreClosedError


class SortedKeys:
    """A sorted set of byte strings with fast insert, remove and range reads."""

    CHUNK = 512

    def __init__(self) -> None:
        self._chunks: list[list[bytes]] = []
        self._maxes: list[bytes] = []

    def add(self, key: bytes) -> None:
        """Insert ``key``, which must not be present yet."""
        chunks, maxes = self._chunks, self._maxes
        if not chunks:
            chunks.append([key])
            maxes.append(key)
            return
        i = bisect_left(maxes, key)
        if i == len(maxes):
            i -= 1
            chunks[i].append(key)
            maxes[i] = key
        else:
            insort(chunks[i], key)
        chunk = chunks[i]
        if len(chunk) > 2 * self.CHUNK:
            half = len(chunk) // 2
            chunks.insert(i + 1, chunk[half:])
            del chunk[half:]
            maxes.insert(i, chunk[-1])

    def remove(self, key: bytes) -> None:
        """Remove ``key``, which must be present."""
        i = bisect_left(self._maxes, key)
        chunk = self._chunks[i]
        del chunk[bisect_left(chunk, key)]
        if not chunk:
            del self._chunks[i]
            del self._maxes[i]
        elif self._maxes[i] == key:
            self._maxes[i] = chunk[-1]

    def between(self, low: bytes, high: bytes, reverse: bool, size: int | None) -> list[bytes]:
        """Up to ``size`` keys with low <= key < high, in ascending or descending order."""
        chunks, maxes = self._chunks, self._maxes
        out: list[bytes] = []
        if not reverse:
            i = bisect_left(maxes, low)
            j = bisect_left(chunks[i], low) if i < len(chunks) else 0
            while i < len(chunks):
                chunk = chunks[i]
                stop = bisect_left(chunk, high, j)
                out += chunk[j:stop]
                if stop < len(chunk) or (size is not None and len(out) >= size):
                    break
                i += 1
                j = 0
            return out if size is None else out[:size]
        i = min(bisect_left(maxes, high), len(chunks) - 1)
        while i >= 0:
            chunk = chunks[i]
            stop = bisect_left(chunk, high)
            start = bisect_left(chunk, low, 0, stop)
            out += reversed(chunk[start:stop])
            if start > 0 or (size is not None and len(out) >= size):
                break
            i -= 1
        return out if size is None else out[:size]

    def count(self, low: bytes, high: bytes) -> int:
        """How many keys k satisfy low <= k < high, without copying them."""
        i, j = self._locate(low)
        i2, j2 = self._locate(high)
        if (i2, j2) <= (i, j):
            return 0
        chunks = self._chunks
        return sum(len(chunks[n]) for n in range(i, i2)) - j + j2

    def _locate(self, key: bytes) -> tuple[int, int]:
        """(chunk index, position in it) where ``key`` is or would be inserted."""
        i = bisect_left(self._maxes, key)
        if i == len(self._chunks):
            return i, 0
        return i, bisect_left(self._chunks[i], key)

    def __len__(self) -> int:
        return sum(len(c) for c in self._chunks)


class MemoryStore(Store):
    """A store that lives only as long as the process; same contract as the durable engines."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._values: dict[bytes, bytes] | None = {}
        self._keys = SortedKeys()

    def _data(self) -> dict[bytes, bytes]:
        if self._values is None:
            raise StoreClosedError("the store is closed")
        return self._values

    def _get_raw(self, key: bytes) -> bytes | None:
        # under the lock, so that a reader never sees half of a transaction's commit
        with self._lock:
            return self._data().get(key)

    def _put_raw(self, key: bytes, value: bytes) -> None:
        with self._write_lock, self._lock:
            self._set(self._data(), key, value)

    def _set(self, values: dict[bytes, bytes], key: bytes, value: bytes) -> None:
        if key not in values:
            self._keys.add(key)
        values[key] = value

    def _delete_raw(self, key: bytes) -> bool:
        with self._write_lock, self._lock:
            values = self._data()
            if key not in values:
                return False
            del values[key]
            self._keys.remove(key)
            return True

    def _scan_batch(self, low: bytes, high: bytes, reverse: bool, size: int) -> list[tuple[bytes, bytes]]:
        with self._lock:
            values = self._data()
            return [(k, values[k]) for k in self._keys.between(low, high, reverse, size)]

    def _count_raw(self, low: bytes, high: bytes) -> int:
        with self._lock:
            self._data()
            return self._keys.count(low, high)

    def _delete_range_raw(self, low: bytes, high: bytes) -> int:
        with self._write_lock, self._lock:
            return self._drop_range(self._data(), low, high)

    def _drop_range(self, values: dict[bytes, bytes], low: bytes, high: bytes) -> int:
        doomed = self._keys.between(low, high, False, None)
        for key in doomed:
            del values[key]
            self._keys.remove(key)
        return len(doomed)

    def _commit(self, ranges: list[tuple[bytes, bytes]], writes: dict[bytes, bytes | None]) -> None:
        with self._write_lock, self._lock:
            values = self._data()
            for low, high in ranges:
                self._drop_range(values, low, high)
            for key, value in writes.items():
                if value is not None:
                    self._set(values, key, value)
                elif key in values:
                    del values[key]
                    self._keys.remove(key)

    def close(self) -> None:
        """Drop everything."""
        with self._lock:
            self._values = None
            self._keys = SortedKeys()

"""The memory engine's chunked sorted key list, with tiny chunks so that splits and merges happen."""

from __future__ import annotations

from bisect import bisect_left

from hypothesis import given
from hypothesis import strategies as st

from fogbank.store.memory import SortedKeys


class TinyChunks(SortedKeys):
    CHUNK = 2


# a small key space, so that removals often hit keys that are present
small_keys = st.integers(0, 30).map(lambda n: bytes([n // 3]) * (n % 3))


@given(
    st.lists(st.tuples(st.booleans(), small_keys), max_size=80),
    small_keys,
    small_keys,
    st.one_of(st.none(), st.integers(1, 10)),
)
def test_sorted_keys_match_a_sorted_list(ops: list, low: bytes, high: bytes, size: int | None) -> None:
    keys = TinyChunks()
    model: list[bytes] = []
    for add, key in ops:
        present = key in model
        if add and not present:
            keys.add(key)
            model.insert(bisect_left(model, key), key)
        elif not add and present:
            keys.remove(key)
            model.remove(key)
    assert len(keys) == len(model)
    inside = [k for k in model if low <= k < high]
    assert keys.count(low, high) == len(inside)
    assert keys.between(low, high, False, size) == inside[:size]
    assert keys.between(low, high, True, size) == inside[::-1][:size]
    assert all(len(chunk) <= 2 * TinyChunks.CHUNK for chunk in keys._chunks)
    assert keys._maxes == [chunk[-1] for chunk in keys._chunks]

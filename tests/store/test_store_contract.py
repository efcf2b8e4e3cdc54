"""The store contract, run against every engine in ``conftest.ENGINES``."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import nullcontext
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fogbank.store.contract import Store, StoreClosedError, StoreError
from fogbank.store.keys import encode


def keys_of(rows: object) -> list[tuple]:
    return [k for k, _ in rows]  # type: ignore[attr-defined]


def fill(store: Store) -> None:
    for i in range(20):
        store.put(("t", i), b"v%d" % i)
    store.put(("t",), b"root")
    store.put(("s", 1), b"before")
    store.put(("u", 1), b"after")
    store.put(("t", "x"), b"str after ints")


def test_get_put_delete(store: Store) -> None:
    assert store.get(("a",)) is None
    store.put(("a",), b"1")
    assert store.get(("a",)) == b"1"
    store.put(("a",), b"2")
    assert store.get(("a",)) == b"2"
    assert store.delete(("a",)) is True
    assert store.delete(("a",)) is False
    assert store.get(("a",)) is None


def test_values_are_bytes(store: Store) -> None:
    store.put(("a",), bytearray(b"xy"))
    store.put(("b",), memoryview(b"zz"))
    store.put(("c",), b"")
    assert (store.get(("a",)), store.get(("b",)), store.get(("c",))) == (b"xy", b"zz", b"")
    assert type(store.get(("a",))) is bytes
    with pytest.raises(TypeError):
        store.put(("d",), "text")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        store.put(("d",), 5)  # type: ignore[arg-type]


def test_equal_numbers_are_one_key(store: Store) -> None:
    store.put(("n", 1), b"int")
    store.put(("n", Decimal("1.00")), b"decimal")
    assert store.count(("n",)) == 1
    assert store.get(("n", 1)) == b"decimal"


def test_large_values(store: Store) -> None:
    big = bytes(range(256)) * 4096
    store.put(("big",), big)
    assert store.get(("big",)) == big


def test_scan_prefix_in_order(store: Store) -> None:
    fill(store)
    assert keys_of(store.scan(("t",))) == [("t",)] + [("t", i) for i in range(20)] + [("t", "x")]
    assert keys_of(store.scan(("t",), reverse=True)) == [("t", "x")] + [("t", i) for i in reversed(range(20))] + [("t",)]
    assert dict(store.scan(("s",))) == {("s", 1): b"before"}
    assert keys_of(store.scan(())) == [("s", 1), ("t",)] + [("t", i) for i in range(20)] + [("t", "x"), ("u", 1)]
    assert list(store.scan(("nothing",))) == []


def test_scan_start_end_limit(store: Store) -> None:
    fill(store)
    assert keys_of(store.scan(("t",), start=("t", 5), end=("t", 8))) == [("t", 5), ("t", 6), ("t", 7)]
    assert keys_of(store.scan(("t",), start=("t", 5), end=("t", 8), reverse=True)) == [("t", 7), ("t", 6), ("t", 5)]
    assert keys_of(store.scan(("t",), start=("t", 17))) == [("t", 17), ("t", 18), ("t", 19), ("t", "x")]
    assert keys_of(store.scan(("t",), end=("t", 1))) == [("t",), ("t", 0)]
    assert keys_of(store.scan(("t",), start=("t", 2), limit=2)) == [("t", 2), ("t", 3)]
    assert keys_of(store.scan(("t",), end=("t", 2), reverse=True, limit=2)) == [("t", 1), ("t", 0)]
    assert list(store.scan(("t",), limit=0)) == []
    # start below the prefix and end above it are clipped to the prefix
    assert len(list(store.scan(("t",), start=("a",), end=("z",)))) == 22
    assert list(store.scan(("t",), start=("t", 9), end=("t", 3))) == []
    # start past a key, between keys
    assert keys_of(store.scan(("t",), start=("t", 4, "z"), limit=1)) == [("t", 5)]


def test_scan_values_and_decoded_keys(store: Store) -> None:
    store.put(("q", Decimal("2.50"), b"\x00b", None, True, ("n", -3)), b"v")
    assert list(store.scan(("q",))) == [(("q", Decimal("2.5"), b"\x00b", None, True, ("n", -3)), b"v")]
    assert list(store.scan(("q", Decimal("2.5")))) == list(store.scan(("q",)))


@pytest.mark.parametrize("reverse", [False, True])
def test_long_scans_cross_batches(store: Store, reverse: bool) -> None:
    with store.transaction() as txn:
        for i in range(5000):
            txn.put(("k", i), b"%d" % i)
    expected = [(("k", i), b"%d" % i) for i in range(5000)]
    if reverse:
        expected.reverse()
    assert list(store.scan(("k",), reverse=reverse)) == expected
    assert len(list(store.scan(("k",), reverse=reverse, limit=3000))) == 3000


def test_scan_survives_writes_while_iterating(store: Store) -> None:
    for i in range(300):
        store.put(("k", i), b"x")
    seen = []
    for key, _ in store.scan(("k",)):
        seen.append(key)
        store.delete(key)
        store.put(("other", key[1]), b"y")
    assert seen == [("k", i) for i in range(300)]
    assert store.count(("k",)) == 0


def test_count_and_delete_prefix(store: Store) -> None:
    fill(store)
    assert store.count(("t",)) == 22
    assert store.count(()) == 24
    assert store.count(("t", 3)) == 1
    assert store.delete_prefix(("t",)) == 22
    assert store.count(("t",)) == 0
    assert store.get(("s", 1)) == b"before" and store.get(("u", 1)) == b"after"
    assert store.delete_prefix(("t",)) == 0


def test_transaction_commits_all(store: Store) -> None:
    store.put(("gone",), b"x")
    with store.transaction() as txn:
        txn.put(("a",), b"1")
        txn.put(("b",), b"2")
        txn.delete(("gone",))
        assert store.get(("a",)) is None  # not visible outside before commit
    assert (store.get(("a",)), store.get(("b",)), store.get(("gone",))) == (b"1", b"2", None)


def test_transaction_writes_nothing_on_exception(store: Store) -> None:
    fill(store)
    with pytest.raises(RuntimeError):
        with store.transaction() as txn:
            txn.put(("a",), b"1")
            txn.delete(("s", 1))
            txn.delete_prefix(("t",))
            raise RuntimeError("boom")
    assert store.get(("a",)) is None
    assert store.get(("s", 1)) == b"before"
    assert store.count(("t",)) == 22


def test_transaction_reads_its_own_writes(store: Store) -> None:
    fill(store)
    with store.transaction() as txn:
        txn.put(("t", 100), b"new")
        txn.put(("t", 3), b"changed")
        assert txn.delete(("t", 4)) is True
        assert txn.delete(("t", 4)) is False
        assert txn.get(("t", 100)) == b"new"
        assert txn.get(("t", 4)) is None
        assert txn.get(("t", 5)) == b"v5"
        rows = dict(txn.scan(("t",)))
        assert rows[("t", 3)] == b"changed" and ("t", 4) not in rows and rows[("t", 100)] == b"new"
        assert keys_of(txn.scan(("t",), start=("t", 2), limit=3)) == [("t", 2), ("t", 3), ("t", 5)]
        assert keys_of(txn.scan(("t",), reverse=True, limit=3)) == [("t", "x"), ("t", 100), ("t", 19)]
        assert txn.count(("t",)) == 22
        assert txn.delete_prefix(("t",)) == 22
        assert txn.count(("t",)) == 0 and txn.get(("t", 5)) is None
        txn.put(("t", 7), b"after delete")
        assert list(txn.scan(("t",))) == [(("t", 7), b"after delete")]
        assert store.get(("t", 7)) == b"v7"
    assert list(store.scan(("t",))) == [(("t", 7), b"after delete")]
    assert store.count(()) == 3


def test_transaction_ends_with_its_block(store: Store) -> None:
    with store.transaction() as txn:
        txn.put(("a",), b"1")
    with pytest.raises(StoreError):
        txn.put(("b",), b"2")
    assert store.get(("b",)) is None


def test_empty_transaction(store: Store) -> None:
    with store.transaction():
        pass
    assert store.count() == 0


def test_transactions_serialise_read_modify_write(store: Store) -> None:
    store.put(("counter",), b"0")

    def bump() -> None:
        for _ in range(200):
            with store.transaction() as txn:
                value = int(txn.get(("counter",)) or b"0")
                txn.put(("counter",), b"%d" % (value + 1))

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.get(("counter",)) == b"800"


def test_readers_do_not_wait_for_an_open_transaction(store: Store) -> None:
    store.put(("a",), b"old")
    seen: list[bytes | None] = []
    with store.transaction() as txn:
        txn.put(("a",), b"new")
        reader = threading.Thread(target=lambda: seen.append(store.get(("a",))))
        reader.start()
        reader.join(timeout=10)
    assert seen == [b"old"]
    assert store.get(("a",)) == b"new"


def test_closed_store_refuses_use(make_store: Callable[[], Store]) -> None:
    store = make_store()
    store.put(("a",), b"1")
    store.close()
    with pytest.raises(StoreClosedError):
        store.get(("a",))
    with pytest.raises(StoreClosedError):
        store.put(("a",), b"1")
    store.close()  # closing twice is harmless


operations = st.lists(
    st.tuples(
        st.sampled_from(["put", "delete", "delete_prefix", "txn"]),
        st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 6), st.sampled_from([(), (0,), (1,)])),
    ),
    max_size=40,
)
scan_args = st.tuples(
    st.sampled_from([(), ("a",), ("b",), ("a", 3)]),
    st.one_of(st.none(), st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 6))),
    st.one_of(st.none(), st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 6))),
    st.booleans(),
    st.one_of(st.none(), st.integers(0, 10)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations, st.lists(scan_args, min_size=1, max_size=5))
def test_behaves_like_a_sorted_dict(store: Store, ops: list, scans: list) -> None:
    store.delete_prefix(())
    model: dict[tuple, bytes] = {}
    for n, (op, raw) in enumerate(ops):
        key = raw[:2] + raw[2]
        if op == "put":
            store.put(key, b"%d" % n)
            model[key] = b"%d" % n
        elif op == "delete":
            assert store.delete(key) == (model.pop(key, None) is not None)
        elif op == "delete_prefix":
            doomed = [k for k in model if k[:2] == raw[:2]]
            assert store.delete_prefix(raw[:2]) == len(doomed)
            for k in doomed:
                del model[k]
        else:
            with store.transaction() as txn:
                txn.put(key, b"t%d" % n)
                txn.delete(raw[:2])
            model[key] = b"t%d" % n
            model.pop(raw[:2], None)
    for prefix, start, end, reverse, limit in scans:
        expected = sorted(
            (k for k in model
             if k[: len(prefix)] == prefix
             and (start is None or encode(k) >= encode(start))
             and (end is None or encode(k) < encode(end))),
            key=encode,
            reverse=reverse,
        )
        if limit is not None:
            expected = expected[:limit]
        got = list(store.scan(prefix, start=start, end=end, reverse=reverse, limit=limit))
        assert got == [(k, model[k]) for k in expected]
        assert store.count(prefix) == sum(1 for k in model if k[: len(prefix)] == prefix)


def model_scan(model: dict[tuple, bytes], prefix: tuple, start: tuple | None, end: tuple | None,
               reverse: bool, limit: int | None) -> list[tuple[tuple, bytes]]:
    chosen = sorted(
        (k for k in model
         if k[: len(prefix)] == prefix
         and (start is None or encode(k) >= encode(start))
         and (end is None or encode(k) < encode(end))),
        key=encode,
        reverse=reverse,
    )
    return [(k, model[k]) for k in (chosen if limit is None else chosen[:limit])]


class Abort(Exception):
    pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations, operations, st.lists(scan_args, min_size=1, max_size=5), st.booleans())
def test_a_transaction_behaves_like_a_sorted_dict(store: Store, before: list, inside: list, scans: list,
                                                  abort: bool) -> None:
    store.delete_prefix(())
    committed: dict[tuple, bytes] = {}
    for n, (_, raw) in enumerate(before):
        store.put(raw[:2] + raw[2], b"%d" % n)
        committed[raw[:2] + raw[2]] = b"%d" % n
    model = dict(committed)
    with pytest.raises(Abort) if abort else nullcontext():
        with store.transaction() as txn:
            for n, (op, raw) in enumerate(inside):
                key = raw[:2] + raw[2]
                if op in ("put", "txn"):
                    txn.put(key, b"in%d" % n)
                    model[key] = b"in%d" % n
                elif op == "delete":
                    assert txn.delete(key) == (model.pop(key, None) is not None)
                else:
                    doomed = [k for k in model if k[:2] == raw[:2]]
                    assert txn.delete_prefix(raw[:2]) == len(doomed)
                    for k in doomed:
                        del model[k]
            for prefix, start, end, reverse, limit in scans:
                got = list(txn.scan(prefix, start=start, end=end, reverse=reverse, limit=limit))
                assert got == model_scan(model, prefix, start, end, reverse, limit)
                assert txn.count(prefix) == len(model_scan(model, prefix, None, None, False, None))
            assert list(store.scan()) == model_scan(committed, (), None, None, False, None)
            if abort:
                raise Abort
    expected = committed if abort else model
    assert list(store.scan()) == model_scan(expected, (), None, None, False, None)



def test_readers_see_all_of_a_commit_or_none(store: Store) -> None:
    with store.transaction() as txn:
        for i in range(10):
            txn.put(("p", i), b"0")
    stop = threading.Event()
    torn: list[set[bytes]] = []

    def read() -> None:
        while not stop.is_set():
            values = {v for _, v in store.scan(("p",))}
            if len(values) != 1:
                torn.append(values)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for n in range(1, 300):
            with store.transaction() as txn:
                for i in range(10):
                    txn.put(("p", i), b"%d" % n)
    finally:
        stop.set()
        reader.join()
    assert torn == []


def test_changing_a_transaction_while_scanning_it(store: Store) -> None:
    for i in range(10):
        store.put(("k", i), b"old")
    with store.transaction() as txn:
        for i in range(10, 20):
            txn.put(("k", i), b"new")
        seen = []
        for key, _ in txn.scan(("k",)):
            seen.append(key)
            if key == ("k", 5):
                txn.delete_prefix(("k",))
                txn.put(("k", 99), b"late")
        assert seen[:6] == [("k", i) for i in range(6)]
    assert list(store.scan(("k",))) == [(("k", 99), b"late")]

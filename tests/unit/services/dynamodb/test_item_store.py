"""The DynamoDB item encoding, capacity arithmetic and Query range bounds (pure functions)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from fogbank.services.dynamodb import store
from fogbank.services.dynamodb.capacity import Consumed, read_units, write_units
from fogbank.services.dynamodb.expressions import item_size
from fogbank.services.dynamodb.reads import _successor
from fogbank.store.keys import encode

scalars = st.one_of(
    st.text().map(lambda t: {"S": t}),
    st.integers(-(10**20), 10**20).map(lambda i: {"N": str(i)}),
    st.binary().map(lambda b: {"B": b}),
    st.booleans().map(lambda b: {"BOOL": b}),
    st.just({"NULL": True}),
    st.lists(st.binary(min_size=1), min_size=1, max_size=3, unique=True).map(lambda bs: {"BS": bs}),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda items: {"L": items}),
        st.dictionaries(st.text(max_size=4), inner, max_size=3).map(lambda m: {"M": m}),
    ),
    max_leaves=10,
)


@given(st.dictionaries(st.text(min_size=1, max_size=5), values, max_size=5))
def test_items_round_trip_through_one_json_document(item: dict) -> None:
    size = item_size(item)
    assert store.load_sized(store.dump_item(item, size)) == (item, size)


def test_key_elements_sort_as_dynamodb_sorts_keys() -> None:
    numbers = ["-10.5", "-1", "0", "0.001", "2", "10", "1E+3"]
    encoded = [encode((store.key_element({"N": v}),)) for v in numbers]
    assert encoded == sorted(encoded)
    assert store.key_element({"N": "1.50"}) == Decimal("1.5")
    strings = ["A", "Z", "a", "é", "\U0001f600"]
    assert [encode((s,)) for s in strings] == sorted(encode((s,)) for s in strings)


def test_unit_arithmetic() -> None:
    assert read_units(0, True) == 1.0 and read_units(0, False) == 0.5
    assert read_units(4096, True) == 1.0 and read_units(4097, True) == 2.0
    assert read_units(4097, False) == 1.0 and read_units(1, True, transactional=True) == 2.0
    assert write_units(0) == 1.0 and write_units(1024) == 1.0 and write_units(1025) == 2.0
    assert write_units(1025, transactional=True) == 4.0


def test_consumed_capacity_shapes() -> None:
    used = Consumed("t", read=False, units=2.0)
    used.add_index("GSI", "g", 1.0)
    assert used.describe("NONE") is None
    assert used.describe("TOTAL") == {"TableName": "t", "CapacityUnits": 3.0, "WriteCapacityUnits": 3.0}
    indexes = used.describe("INDEXES")
    assert indexes["Table"] == {"CapacityUnits": 2.0, "WriteCapacityUnits": 2.0}
    assert indexes["GlobalSecondaryIndexes"] == {"g": {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}}


@given(st.text(min_size=1, max_size=4), st.text(max_size=4))
def test_successor_bounds_every_extension(prefix: str, tail: str) -> None:
    upper = _successor(prefix)
    if upper is not None:
        assert encode((prefix + tail,)) < encode((upper,))
        assert encode((prefix,)) < encode((upper,))


@given(st.binary(min_size=1, max_size=4), st.binary(max_size=4))
def test_successor_of_bytes(prefix: bytes, tail: bytes) -> None:
    upper = _successor(prefix)
    if upper is not None:
        assert prefix + tail < upper

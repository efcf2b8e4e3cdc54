"""Key encoding: round trips, and the byte order of encodings equals a reference tuple order."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fogbank.store.keys import decode, encode

KIND_RANK = {type(None): 0, bool: 1, int: 2, Decimal: 2, bytes: 3, str: 4, tuple: 5}


def ref_compare(a: Any, b: Any) -> int:
    """Reference order of two key elements, written independently of the encoding."""
    ka, kb = KIND_RANK[type(a)], KIND_RANK[type(b)]
    if ka != kb:
        return -1 if ka < kb else 1
    if ka == 0:
        return 0
    if ka == 2:
        a, b = Decimal(a), Decimal(b)
    if ka == 5:
        return ref_compare_tuples(a, b)
    return (a > b) - (a < b)


def ref_compare_tuples(a: tuple, b: tuple) -> int:
    for x, y in zip(a, b, strict=False):
        c = ref_compare(x, y)
        if c:
            return c
    return (len(a) > len(b)) - (len(a) < len(b))


def sign(n: int) -> int:
    return (n > 0) - (n < 0)


def dynamo_decimal(negative: bool, digits: list[int], exponent: int) -> Decimal:
    return Decimal((int(negative), tuple(digits), exponent))


decimals = st.builds(
    dynamo_decimal,
    st.booleans(),
    st.lists(st.integers(0, 9), min_size=1, max_size=38),
    st.integers(-130 - 37, 125),
)
# a few numbers that are equal to each other or to ints, to make ties likely
close_numbers = st.sampled_from(
    [0, 1, -1, 10, 100, -10, Decimal("0"), Decimal("-0"), Decimal("1.0"), Decimal("10"), Decimal("1E+1"),
     Decimal("0.1"), Decimal("-0.1"), Decimal("0.10"), Decimal("-1.00"), Decimal("1E-130"), Decimal("9.9E+125")]
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-(10**60), 10**60),
    decimals,
    close_numbers,
    st.binary(max_size=8),
    st.sampled_from([b"", b"\x00", b"\x00\xff", b"\x00\x00", b"\xff"]),
    st.text(max_size=8),
    st.sampled_from(["", "\x00", "a\x00", "a", "\U0001f600", "\ud800", "\uffff"]),
)
elements = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3).map(tuple), max_leaves=8)
keys = st.lists(elements, max_size=5).map(tuple)


@given(keys)
def test_round_trip_gives_an_equal_key(key: tuple) -> None:
    data = encode(key)
    back = decode(data)
    assert ref_compare_tuples(back, key) == 0
    assert encode(back) == data


@given(st.lists(st.one_of(st.none(), st.booleans(), st.integers(), st.binary(), st.text()), max_size=5).map(tuple))
def test_round_trip_keeps_types_without_decimals(key: tuple) -> None:
    back = decode(encode(key))
    assert [type(x) for x in back] == [type(x) for x in key]
    assert back == key


@given(keys, keys)
def test_byte_order_equals_tuple_order(a: tuple, b: tuple) -> None:
    ea, eb = encode(a), encode(b)
    assert sign((ea > eb) - (ea < eb)) == sign(ref_compare_tuples(a, b))


@settings(max_examples=80)
@given(st.lists(keys, max_size=20))
def test_sorting_encodings_sorts_tuples(items: list[tuple]) -> None:
    by_tuples = [encode(k) for k in sorted(items, key=functools.cmp_to_key(ref_compare_tuples))]
    assert by_tuples == sorted(encode(k) for k in items)


@given(keys, keys)
def test_a_prefix_is_a_byte_prefix_and_sorts_first(a: tuple, b: tuple) -> None:
    whole = encode(a + b)
    assert whole.startswith(encode(a))
    assert whole < encode(a) + b"\xff"


def test_kinds_sort_in_the_documented_order() -> None:
    ordered = [(None,), (False,), (True,), (-(10**40),), (Decimal("-0.5"),), (0,), (Decimal("0.5"),), (7,),
               (b"",), (b"\x00",), (b"a",), ("",), ("\x00",), ("a",), ((),), ((1,),), ((1, 2),)]
    assert sorted(ordered, key=encode) == ordered


def test_equal_numbers_encode_identically() -> None:
    assert encode((1,)) == encode((Decimal("1.0"),)) == encode((Decimal("1E+0"),))
    assert encode((0,)) == encode((Decimal("-0.00"),))
    assert decode(encode((Decimal("12.500"),))) == (Decimal("12.5"),)
    assert type(decode(encode((Decimal("12.0"),)))[0]) is int


def test_dynamodb_extremes_round_trip() -> None:
    for text in ["1E-130", "-1E-130", "9.9999999999999999999999999999999999999E+125",
                 "-9.9999999999999999999999999999999999999E+125", "0.12345678901234567890123456789012345678"]:
        (back,) = decode(encode((Decimal(text),)))
        # Decimal equality is exact: no digit was lost to the 28-digit default context
        assert Decimal(back) == Decimal(text)


@pytest.mark.parametrize("bad", [(1.5,), (Decimal("NaN"),), (Decimal("Infinity"),), (object(),), ([1],)])
def test_unsupported_elements_are_refused(bad: tuple) -> None:
    with pytest.raises((TypeError, ValueError)):
        encode(bad)


def test_a_key_must_be_a_tuple() -> None:
    with pytest.raises(TypeError):
        encode(["a"])  # type: ignore[arg-type]


@pytest.mark.parametrize("data", [b"\x99", b"\x50abc", b"\x60\x05", b"\x22\x81"])
def test_damaged_encodings_are_refused(data: bytes) -> None:
    with pytest.raises((ValueError, IndexError)):
        decode(data)

"""The event pattern matcher: each operator, nesting, arrays, $or, and AWS's refusals."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fogbank.services.events.patterns import InvalidPattern, compile_pattern

EVENT: dict[str, Any] = {
    "source": "com.shop",
    "detail-type": "Order Placed",
    "resources": ["arn:aws:ec2:us-east-1:1:instance/i-1", "arn:x"],
    "detail": {
        "total": 42.5,
        "count": 3,
        "state": "Running",
        "ip": "192.168.1.20",
        "file": "photo.JPG",
        "flag": False,
        "none": None,
        "items": [{"sku": "a"}, {"sku": "b"}],
        "tags": ["red", "blue"],
        "nested": {"deep": {"x": "y"}},
    },
}


def matches(pattern: dict[str, Any], event: dict[str, Any] = EVENT) -> bool:
    return compile_pattern(pattern).matches(event)


@pytest.mark.parametrize("pattern, expected", [
    ({"source": ["com.shop"]}, True),
    ({"source": ["com.other", "com.shop"]}, True),
    ({"source": ["com.other"]}, False),
    ({"detail": {"count": [3]}}, True),
    ({"detail": {"count": [3.0]}}, True),
    ({"detail": {"count": ["3"]}}, False),
    ({"detail": {"flag": [False]}}, True),
    ({"detail": {"none": [None]}}, True),
    ({"detail": {"missing": [None]}}, False),
    ({"source": [{"prefix": "com."}]}, True),
    ({"source": [{"prefix": {"equals-ignore-case": "COM."}}]}, True),
    ({"detail": {"file": [{"suffix": ".jpg"}]}}, False),
    ({"detail": {"file": [{"suffix": {"equals-ignore-case": ".jpg"}}]}}, True),
    ({"detail": {"state": [{"equals-ignore-case": "running"}]}}, True),
    ({"detail": {"state": [{"anything-but": "Stopped"}]}}, True),
    ({"detail": {"state": [{"anything-but": ["Running", "Stopped"]}]}}, False),
    ({"detail": {"count": [{"anything-but": [1, 2]}]}}, True),
    ({"detail": {"state": [{"anything-but": {"prefix": "Run"}}]}}, False),
    ({"detail": {"state": [{"anything-but": {"suffix": "ing"}}]}}, False),
    ({"detail": {"state": [{"anything-but": {"equals-ignore-case": ["RUNNING"]}}]}}, False),
    ({"detail": {"missing": [{"anything-but": "x"}]}}, False),
    ({"detail": {"total": [{"numeric": [">", 40, "<=", 42.5]}]}}, True),
    ({"detail": {"total": [{"numeric": ["<", 40]}]}}, False),
    ({"detail": {"count": [{"numeric": ["=", 3]}]}}, True),
    ({"detail": {"state": [{"numeric": [">", 0]}]}}, False),
    ({"detail": {"state": [{"exists": True}]}}, True),
    ({"detail": {"missing": [{"exists": False}]}}, True),
    ({"detail": {"state": [{"exists": False}]}}, False),
    ({"detail": {"nested": [{"exists": True}]}}, False),
    ({"detail": {"ip": [{"cidr": "192.168.1.0/24"}]}}, True),
    ({"detail": {"ip": [{"cidr": "10.0.0.0/8"}]}}, False),
    ({"detail": {"file": [{"wildcard": "photo.*"}]}}, True),
    ({"detail": {"file": [{"wildcard": "*.png"}]}}, False),
    ({"resources": [{"wildcard": "arn:aws:ec2:*:instance/*"}]}, True),
    ({"detail": {"tags": ["blue"]}}, True),
    ({"detail": {"items": {"sku": ["b"]}}}, True),
    ({"detail": {"items": {"sku": ["c"]}}}, False),
    ({"detail": {"nested": {"deep": {"x": ["y"]}}}}, True),
    ({"detail": {"nested": {"deep": {"x": ["z"]}}}}, False),
    ({"detail": {"$or": [{"count": [9]}, {"state": ["Running"]}]}}, True),
    ({"$or": [{"source": ["no"]}, {"detail": {"count": [9]}}]}, False),
    ({"source": ["com.shop"], "detail-type": ["Other"]}, False),
])
def test_operators(pattern: dict[str, Any], expected: bool) -> None:
    assert matches(pattern) is expected


@pytest.mark.parametrize("pattern", [
    '{"source": "x"}',
    '{"source": []}',
    '{"source": [{"nope": 1}]}',
    '{"source": [{"prefix": 1}]}',
    '{"x": [{"numeric": [">", "a"]}]}',
    '{"x": [{"numeric": [">", 5, "<", 1]}]}',
    '{"x": [{"numeric": ["~", 5]}]}',
    '{"x": [{"exists": "yes"}]}',
    '{"x": [{"cidr": "10.0.0.1"}]}',
    '{"x": [{"cidr": "nonsense/8"}]}',
    '{"x": [{"wildcard": "a**b"}]}',
    '{"x": [{"anything-but": [true]}]}',
    '{"x": [{"anything-but": ["a", 1]}]}',
    '{"x": [{"prefix": "a", "suffix": "b"}]}',
    '{"$or": [{"a": ["b"]}]}',
    '["source"]',
    'not json',
])
def test_malformed_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(InvalidPattern) as info:
        compile_pattern(pattern)
    assert str(info.value).startswith("Event pattern is")


scalars = st.one_of(st.text(max_size=8), st.integers(-1000, 1000), st.booleans(), st.none())


@given(value=scalars)
def test_a_value_matches_itself_and_anything_but_refuses_it(value: Any) -> None:
    event = {"detail": {"k": value}}
    assert matches({"detail": {"k": [value]}}, event)
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        assert not matches({"detail": {"k": [{"anything-but": value}]}}, event)
    assert matches({"detail": {"k": [{"exists": True}]}}, event)
    assert not matches({"detail": {"k": [{"exists": False}]}}, event)


@given(text=st.text(max_size=12), cut=st.integers(0, 12))
def test_prefix_and_suffix_of_a_string_match(text: str, cut: int) -> None:
    event = {"k": text}
    assert matches({"k": [{"prefix": text[:cut]}]}, event)
    assert matches({"k": [{"suffix": text[cut:]}]}, event)
    assert matches({"k": [{"wildcard": text[:cut].replace("*", "\\*") + "*"}]}, event) or "\\" in text


@given(number=st.floats(-1e6, 1e6, allow_nan=False), low=st.integers(-1000, 1000), width=st.integers(1, 100))
def test_numeric_ranges_agree_with_arithmetic(number: float, low: int, width: int) -> None:
    pattern = {"n": [{"numeric": [">=", low, "<", low + width]}]}
    assert matches(pattern, {"n": number}) is (low <= number < low + width)

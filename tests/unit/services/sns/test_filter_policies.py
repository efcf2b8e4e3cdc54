"""The filter policy engine on its own: each documented operator, key combination rules, body
scope with nested keys and arrays, and the checks that refuse a policy."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fogbank.services.sns import filters


def _attrs(**values: Any) -> dict[str, dict[str, str]]:
    out = {}
    for name, value in values.items():
        if isinstance(value, list):
            out[name] = {"DataType": "String.Array", "StringValue": json.dumps(value)}
        elif isinstance(value, int | float):
            out[name] = {"DataType": "Number", "StringValue": str(value)}
        else:
            out[name] = {"DataType": "String", "StringValue": value}
    return out


def _match(policy: dict[str, Any], **values: Any) -> bool:
    return filters.matches_attributes(filters.parse(json.dumps(policy), "MessageAttributes"), _attrs(**values))


@pytest.mark.parametrize(("policy", "values", "expected"), [
    ({"a": ["x", "y"]}, {"a": "y"}, True),
    ({"a": ["x"]}, {"a": "X"}, False),
    ({"a": ["x"]}, {}, False),
    ({"a": [{"prefix": "ab"}]}, {"a": "abc"}, True),
    ({"a": [{"prefix": "ab"}]}, {"a": "cab"}, False),
    ({"a": [{"suffix": ".png"}]}, {"a": "x.png"}, True),
    ({"a": [{"equals-ignore-case": "RED"}]}, {"a": "red"}, True),
    ({"a": [{"anything-but": ["x", "y"]}]}, {"a": "z"}, True),
    ({"a": [{"anything-but": ["x", "y"]}]}, {"a": "x"}, False),
    ({"a": [{"anything-but": "x"}]}, {}, False),
    ({"a": [{"anything-but": {"prefix": "in"}}]}, {"a": "out"}, True),
    ({"a": [{"anything-but": {"prefix": "in"}}]}, {"a": "inside"}, False),
    ({"a": [{"anything-but": [100]}]}, {"a": 100}, False),
    ({"a": [{"numeric": ["=", 3.0]}]}, {"a": 3}, True),
    ({"a": [{"numeric": [">", 0, "<=", 5]}]}, {"a": 5}, True),
    ({"a": [{"numeric": [">", 0, "<=", 5]}]}, {"a": 0}, False),
    ({"a": [{"numeric": [">", 0]}]}, {"a": "7"}, False),  # a String attribute is not a number
    ({"a": [10]}, {"a": 10.0}, True),
    ({"a": [{"exists": True}]}, {"a": "anything"}, True),
    ({"a": [{"exists": True}]}, {}, False),
    ({"a": [{"exists": False}]}, {}, True),
    ({"a": [{"exists": False}]}, {"a": "x"}, False),
    ({"ip": [{"cidr": "10.0.0.0/24"}]}, {"ip": "10.0.0.255"}, True),
    ({"ip": [{"cidr": "10.0.0.0/24"}]}, {"ip": "10.0.1.1"}, False),
    ({"ip": [{"cidr": "2001:db8::/32"}]}, {"ip": "2001:db8::1"}, True),
    ({"a": ["x"], "b": ["y"]}, {"a": "x", "b": "y"}, True),
    ({"a": ["x"], "b": ["y"]}, {"a": "x", "b": "z"}, False),
    ({"a": ["x"]}, {"a": ["w", "x"]}, True),  # String.Array: any element
    ({"a": ["x"]}, {"a": ["w"]}, False),
    ({"a": ["x"], "$or": [{"b": ["1"]}, {"c": ["2"]}]}, {"a": "x", "c": "2"}, True),
    ({"a": ["x"], "$or": [{"b": ["1"]}, {"c": ["2"]}]}, {"a": "x", "c": "3"}, False),
])
def test_attribute_operators(policy: dict[str, Any], values: dict[str, Any], expected: bool) -> None:
    assert _match(policy, **values) is expected


def test_binary_attributes_never_match() -> None:
    policy = filters.parse('{"a": [{"exists": true}]}', "MessageAttributes")
    assert not filters.matches_attributes(policy, {"a": {"DataType": "Binary", "BinaryValue": b"x"}})


def test_body_scope_nested_keys_arrays_and_null() -> None:
    policy = filters.parse(json.dumps({
        "detail": {"items": {"sku": [{"prefix": "A-"}]}, "state": [None, "open"]},
        "source": [{"exists": True}],
    }), "MessageBody")
    body = {"detail": {"items": [{"sku": "B-1"}, {"sku": "A-2"}], "state": None}, "source": "x"}
    assert filters.matches_body(policy, json.dumps(body))
    body["detail"]["items"] = [{"sku": "B-1"}]
    assert not filters.matches_body(policy, json.dumps(body))
    assert not filters.matches_body(policy, "plain text")
    assert not filters.matches_body(policy, "[1, 2]")
    flags = filters.parse('{"ok": [true]}', "MessageBody")
    assert filters.matches_body(flags, '{"ok": true}')
    assert not filters.matches_body(flags, '{"ok": "true"}')


@pytest.mark.parametrize("text", [
    '"x"', "{nope", '{"a": "b"}', '{"a": []}', '{"a": [{"what": 1}]}', '{"a": [{"numeric": ["<"]}]}',
    '{"a": [{"numeric": ["<", 5, ">", 1]}]}', '{"a": [{"numeric": [">", 5, "<", 1]}]}',
    '{"a": [{"numeric": [">", 2000000000]}]}', '{"a": [{"exists": "yes"}]}', '{"a": [{"cidr": "nonsense"}]}',
    '{"a": [{"prefix": 1}]}', json.dumps({k: ["x"] for k in "abcdef"}), '{"$or": [{"a": ["x"]}]}',
    '{"a": {"b": ["c"]}}',
])
def test_refused_policies(text: str) -> None:
    with pytest.raises(filters.PolicyError):
        filters.parse(text, "MessageAttributes")


def test_too_many_combinations_is_refused() -> None:
    policy = {k: [str(i) for i in range(6)] for k in "abc"}  # 216 combinations
    with pytest.raises(filters.PolicyError, match="too complex"):
        filters.parse(json.dumps(policy), "MessageAttributes")
    assert filters.parse(json.dumps({"a": ["x"], "b": {"c": ["y"]}}), "MessageBody")


@given(st.text(min_size=1, max_size=10), st.text(max_size=10))
def test_exact_match_is_equality(value: str, other: str) -> None:
    policy = filters.parse(json.dumps({"k": [value]}), "MessageAttributes")
    assert filters.matches_attributes(policy, _attrs(k=other)) is (value == other)
    anything_but = filters.parse(json.dumps({"k": [{"anything-but": value}]}), "MessageAttributes")
    assert filters.matches_attributes(anything_but, _attrs(k=other)) is (value != other)


@given(st.integers(-1000, 1000), st.integers(-1000, 1000), st.integers(1, 1000))
def test_numeric_range_agrees_with_python(value: int, low: int, width: int) -> None:
    policy = filters.parse(json.dumps({"n": [{"numeric": [">=", low, "<", low + width]}]}), "MessageAttributes")
    assert filters.matches_attributes(policy, _attrs(n=value)) is (low <= value < low + width)

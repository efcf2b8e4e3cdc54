"""Condition operators, IfExists and the set qualifiers."""

from __future__ import annotations

import pytest

from fogbank.auth.policy.conditions import evaluate_operator


@pytest.mark.parametrize(("operator", "have", "want", "expected"), [
    ("StringEquals", "abc", ["abc"], True),
    ("StringEquals", "ABC", ["abc"], False),
    ("StringEquals", "abc", ["x", "abc"], True),
    ("StringNotEquals", "abc", ["x", "abc"], False),
    ("StringNotEquals", "abc", ["x", "y"], True),
    ("StringEqualsIgnoreCase", "ABC", ["abc"], True),
    ("StringNotEqualsIgnoreCase", "ABC", ["abc"], False),
    ("StringLike", "home/bob/file", ["home/*/file"], True),
    ("StringNotLike", "home/bob/file", ["tmp/*"], True),
    ("NumericLessThan", "5", ["10"], True),
    ("NumericLessThan", "10", ["10"], False),
    ("NumericLessThanEquals", "10", ["10"], True),
    ("NumericGreaterThan", "10.5", ["10"], True),
    ("NumericGreaterThanEquals", "9", ["10"], False),
    ("NumericEquals", "abc", ["10"], False),
    ("NumericNotEquals", "3", ["10"], True),
    ("DateLessThan", "2020-01-01T00:00:00Z", ["2021-01-01T00:00:00Z"], True),
    ("DateGreaterThan", "2020-01-01T00:00:00Z", ["2021-01-01"], False),
    ("DateEquals", "1577836800", ["2020-01-01T00:00:00Z"], True),
    ("DateNotEquals", "1577836800", ["2020-01-01T00:00:00Z"], False),
    ("DateGreaterThanEquals", "2020-01-01T00:00:00+00:00", ["2020-01-01T00:00:00Z"], True),
    ("Bool", "true", ["true"], True),
    ("Bool", "false", ["true"], False),
    ("BinaryEquals", "QmluYXJ5", ["QmluYXJ5"], True),
    ("IpAddress", "203.0.113.7", ["203.0.113.0/24"], True),
    ("IpAddress", "198.51.100.1", ["203.0.113.0/24"], False),
    ("IpAddress", "2001:db8::1", ["2001:db8::/32"], True),
    ("NotIpAddress", "198.51.100.1", ["203.0.113.0/24"], True),
    ("IpAddress", "not-an-ip", ["203.0.113.0/24"], False),
    ("ArnEquals", "arn:aws:sns:us-east-1:123:topic", ["arn:aws:sns:us-east-1:123:topic"], True),
    ("ArnLike", "arn:aws:sns:us-east-1:123:topic", ["arn:aws:sns:*:123:*"], True),
    ("ArnNotLike", "arn:aws:sns:us-east-1:123:topic", ["arn:aws:sns:*:999:*"], True),
    ("ArnNotEquals", "arn:aws:sns:us-east-1:123:topic", ["arn:aws:sns:*:123:*"], False),
])
def test_single_values(operator: str, have: str, want: list[str], expected: bool) -> None:
    assert evaluate_operator(operator, have, want) is expected


@pytest.mark.parametrize(("operator", "expected"), [
    ("StringEquals", False), ("StringNotEquals", True), ("StringLike", False), ("StringNotLike", True),
    ("NumericLessThan", False), ("Bool", False), ("IpAddress", False), ("NotIpAddress", True),
    ("ArnLike", False), ("ArnNotLike", True),
    ("StringEqualsIfExists", True), ("NumericLessThanIfExists", True), ("BoolIfExists", True),
    ("ForAllValues:StringEquals", True), ("ForAnyValue:StringEquals", False),
])
def test_missing_keys(operator: str, expected: bool) -> None:
    assert evaluate_operator(operator, None, ["x"]) is expected


def test_if_exists_still_checks_a_present_key() -> None:
    assert evaluate_operator("StringEqualsIfExists", "a", ["a"])
    assert not evaluate_operator("StringEqualsIfExists", "b", ["a"])


def test_null() -> None:
    assert evaluate_operator("Null", None, ["true"])
    assert not evaluate_operator("Null", "x", ["true"])
    assert evaluate_operator("Null", "x", ["false"])
    assert not evaluate_operator("Null", None, ["false"])


def test_set_qualifiers() -> None:
    allowed = ["env", "team"]
    assert evaluate_operator("ForAllValues:StringEquals", ["env", "team"], allowed)
    assert not evaluate_operator("ForAllValues:StringEquals", ["env", "owner"], allowed)
    assert evaluate_operator("ForAllValues:StringEquals", [], allowed)
    assert evaluate_operator("ForAnyValue:StringEquals", ["owner", "team"], allowed)
    assert not evaluate_operator("ForAnyValue:StringEquals", ["owner"], allowed)
    assert not evaluate_operator("ForAnyValue:StringEquals", [], allowed)
    # negated with a set qualifier: every (or some) value matches none of the policy's
    assert evaluate_operator("ForAllValues:StringNotEquals", ["a", "b"], allowed)
    assert not evaluate_operator("ForAllValues:StringNotEquals", ["a", "env"], allowed)
    assert evaluate_operator("ForAnyValue:StringNotEquals", ["a", "env"], allowed)


def test_multivalued_key_without_qualifier() -> None:
    assert evaluate_operator("StringEquals", ["a", "b"], ["b"])
    assert not evaluate_operator("StringNotEquals", ["a", "b"], ["b"])

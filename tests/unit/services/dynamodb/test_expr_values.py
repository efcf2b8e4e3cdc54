"""Typed values: number validation and canonical form, key ordering and item sizes."""

from __future__ import annotations

import pytest

from fogbank.services.dynamodb.expressions import (
    ExpressionError,
    canonical_number_text,
    compare_keys,
    item_size,
    parse_number,
    value_size,
)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("1.50", "1.5"),
        ("100", "100"),
        ("1E+2", "100"),
        ("-0", "0"),
        ("0.000", "0"),
        ("0.0001", "0.0001"),
        ("-12.340", "-12.34"),
        ("1e-130", "0." + "0" * 129 + "1"),
        ("9.9999999999999999999999999999999999999E+125", "99999999999999999999999999999999999999" + "0" * 88),
    ],
)
def test_canonical_numbers(text: str, canonical: str) -> None:
    assert canonical_number_text(text) == canonical


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1E+126", "Number overflow"),
        ("-1E+126", "Number overflow"),
        ("1E-131", "Number underflow"),
        ("1" * 39, "38 significant digits"),
        ("abc", "cannot be converted into a number"),
        ("", "cannot be converted into a number"),
        ("NaN", "cannot be converted into a number"),
        ("Infinity", "cannot be converted into a number"),
        (" 1", "cannot be converted into a number"),
    ],
)
def test_invalid_numbers(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        parse_number(text)


def test_thirty_eight_digits_with_trailing_zeros_fit() -> None:
    assert parse_number("1" * 38 + "000") == int("1" * 38 + "000")


def test_compare_keys() -> None:
    assert compare_keys({"N": "10"}, {"N": "9"}) == 1
    assert compare_keys({"N": "-1"}, {"N": "1E-5"}) == -1
    assert compare_keys({"N": "1.0"}, {"N": "1"}) == 0
    assert compare_keys({"S": "B"}, {"S": "a"}) == -1
    # code point order is UTF-8 byte order, also outside the BMP
    assert compare_keys({"S": "\uffff"}, {"S": "\U00010000"}) == -1
    assert compare_keys({"B": b"\x7f"}, {"B": b"\x80"}) == -1
    assert compare_keys({"B": b"a"}, {"B": b"ab"}) == -1


def test_item_size_as_documented() -> None:
    assert item_size({}) == 0
    assert item_size({"id": {"S": "abc"}}) == 5
    assert item_size({"s": {"S": "é"}}) == 3  # 2 UTF-8 bytes
    assert item_size({"b": {"B": b"12345"}}) == 6
    assert item_size({"t": {"BOOL": True}, "z": {"NULL": True}}) == 4
    assert value_size({"N": "1"}) == 2
    assert value_size({"N": "12"}) == 2
    assert value_size({"N": "123"}) == 3
    assert value_size({"N": "-123"}) == 4
    assert value_size({"N": "1000"}) == 2  # trailing zeros are not significant
    assert value_size({"N": "0.001"}) == 2
    assert value_size({"L": [{"S": "ab"}, {"N": "1"}]}) == 3 + (2 + 1) + (2 + 1)
    assert value_size({"M": {"k": {"S": "ab"}}}) == 3 + 1 + 2 + 1
    assert value_size({"L": []}) == 3
    assert value_size({"SS": ["a", "bc"]}) == 3
    assert value_size({"NS": ["1", "22"]}) == 4
    assert value_size({"BS": [b"a", b"bc"]}) == 3


def test_validate_value_canonicalises_numbers_deeply() -> None:
    from fogbank.services.dynamodb.expressions import validate_value

    value = {"M": {"n": {"N": "1.50"}, "l": {"L": [{"NS": ["1E+1", "2.0"]}]}, "s": {"S": ""}}}
    assert validate_value(value) == {"M": {"n": {"N": "1.5"}, "l": {"L": [{"NS": ["10", "2"]}]}, "s": {"S": ""}}}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({}, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
        ({"S": "a", "N": "1"}, "Supplied AttributeValue has more than one datatypes set"),
        ({"SS": []}, "One or more parameter values were invalid: An string set  may not be empty"),
        ({"NS": ["1", "1.0"]}, "Input collection [1, 1.0] contains duplicates."),
        ({"NULL": False}, "Null attribute value types must have the value of true"),
        ({"L": [{"N": "x"}]}, "A value provided cannot be converted into a number"),
    ],
)
def test_validate_value_errors(value: dict, message: str) -> None:
    from fogbank.services.dynamodb.expressions import validate_value

    with pytest.raises(ExpressionError) as caught:
        validate_value(value)
    assert message in caught.value.message


def test_expression_values_name_the_key() -> None:
    from fogbank.services.dynamodb.expressions import validate_expression_values

    with pytest.raises(ExpressionError) as caught:
        validate_expression_values({":ok": {"S": "a"}, ":bad": {"BS": []}})
    assert caught.value.message == (
        "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: "
        "An binary set  may not be empty for key :bad"
    )

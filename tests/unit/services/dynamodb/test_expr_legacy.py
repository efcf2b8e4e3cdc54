"""The legacy parameters: Expected, QueryFilter/ScanFilter, KeyConditions, AttributesToGet, AttributeUpdates."""

from __future__ import annotations

import pytest

from fogbank.services.dynamodb.expressions import ExpressionError, legacy

ITEM = {"pk": {"S": "a"}, "n": {"N": "5"}, "s": {"S": "hello"}, "ss": {"SS": ["x", "y"]}, "lst": {"L": [{"N": "1"}]}}


def test_expected_value_and_exists() -> None:
    assert legacy.expected({"n": {"Value": {"N": "5.0"}}}).evaluate(ITEM)
    assert not legacy.expected({"n": {"Value": {"N": "6"}, "Exists": True}}).evaluate(ITEM)
    assert legacy.expected({"zz": {"Exists": False}}).evaluate(ITEM)
    assert not legacy.expected({"pk": {"Exists": False}}).evaluate(ITEM)
    both = {"n": {"Value": {"N": "6"}}, "pk": {"Exists": False}}
    assert not legacy.expected(both).evaluate(ITEM)
    assert not legacy.expected(both, "OR").evaluate(ITEM)
    assert legacy.expected({"n": {"Value": {"N": "5"}}, "pk": {"Exists": False}}, "OR").evaluate(ITEM)
    assert legacy.expected({}).evaluate(ITEM)


@pytest.mark.parametrize(
    ("operator", "args", "expected"),
    [
        ("EQ", [{"N": "5"}], True),
        ("NE", [{"N": "5"}], False),
        ("LT", [{"N": "6"}], True),
        ("LE", [{"N": "5"}], True),
        ("GT", [{"N": "5"}], False),
        ("GE", [{"N": "5"}], True),
        ("IN", [{"N": "1"}, {"N": "5"}], True),
        ("BETWEEN", [{"N": "1"}, {"N": "4"}], False),
        ("NOT_NULL", [], True),
        ("NULL", [], False),
    ],
)
def test_comparison_operators(operator: str, args: list, expected: bool) -> None:
    spec = {"n": {"ComparisonOperator": operator, "AttributeValueList": args}}
    assert legacy.expected(spec).evaluate(ITEM) is expected
    assert legacy.filter_condition(spec).evaluate(ITEM) is expected


def test_string_and_set_operators() -> None:
    def check(name: str, operator: str, value: dict) -> bool:
        return legacy.filter_condition({name: {"ComparisonOperator": operator, "AttributeValueList": [value]}}).evaluate(ITEM)

    assert check("s", "BEGINS_WITH", {"S": "he"})
    assert check("s", "CONTAINS", {"S": "ell"})
    assert check("ss", "CONTAINS", {"S": "x"})
    assert check("ss", "NOT_CONTAINS", {"S": "q"})
    assert not check("ss", "NOT_CONTAINS", {"S": "x"})


def test_legacy_condition_errors() -> None:
    with pytest.raises(ExpressionError, match="Invalid number of argument\\(s\\) for the EQ ComparisonOperator"):
        legacy.expected({"n": {"ComparisonOperator": "EQ", "AttributeValueList": []}})
    with pytest.raises(ExpressionError, match="Exists is set to TRUE for attribute \\(n\\), Value must also be set"):
        legacy.expected({"n": {"Exists": True}})
    with pytest.raises(ExpressionError, match="Value cannot be used when Exists is false"):
        legacy.expected({"n": {"Exists": False, "Value": {"N": "1"}}})
    with pytest.raises(ExpressionError, match="ComparisonOperator GT is not valid for BOOL AttributeValue type"):
        legacy.filter_condition({"n": {"ComparisonOperator": "GT", "AttributeValueList": [{"BOOL": True}]}})


SCHEMA = [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]


def test_key_conditions() -> None:
    cond = legacy.key_conditions(
        {
            "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "a"}]},
            "sk": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}, {"N": "9"}]},
        },
        SCHEMA,
    )
    assert cond.partition_value == {"S": "a"}
    assert cond.sort is not None and cond.sort.matches({"N": "9"}) and not cond.sort.matches({"N": "10"})
    with pytest.raises(ExpressionError, match="Query condition missed key schema element: pk"):
        legacy.key_conditions({"sk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}}, SCHEMA)
    with pytest.raises(ExpressionError, match="not an indexable operation"):
        legacy.key_conditions({"pk": {"ComparisonOperator": "GT", "AttributeValueList": [{"S": "a"}]}}, SCHEMA)


def test_attributes_to_get_and_updates() -> None:
    assert legacy.attributes_to_get(["pk", "n", "zz"]).apply(ITEM) == {"pk": {"S": "a"}, "n": {"N": "5"}}
    upd = legacy.attribute_updates(
        {
            "n": {"Action": "ADD", "Value": {"N": "2"}},
            "s": {"Action": "DELETE"},
            "ss": {"Action": "DELETE", "Value": {"SS": ["x"]}},
            "lst": {"Action": "ADD", "Value": {"L": [{"N": "2"}]}},
            "new": {"Value": {"S": "v"}},
        }
    )
    out = upd.apply(ITEM)
    assert out["n"] == {"N": "7"} and "s" not in out and out["ss"] == {"SS": ["y"]} and out["new"] == {"S": "v"}
    assert out["lst"] == {"L": [{"N": "1"}, {"N": "2"}]}
    assert upd.touched == {"n", "s", "ss", "lst", "new"}
    with pytest.raises(ExpressionError, match="ADD action is not supported for the type S"):
        legacy.attribute_updates({"s": {"Action": "ADD", "Value": {"S": "x"}}})


def test_mixing_styles_is_refused() -> None:
    legacy.check_not_mixed({"ProjectionExpression": "a", "Key": {}})
    with pytest.raises(ExpressionError) as caught:
        legacy.check_not_mixed({"AttributesToGet": ["a"], "ProjectionExpression": "a"})
    assert caught.value.message == (
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}"
    )

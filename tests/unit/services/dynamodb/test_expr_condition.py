"""ConditionExpression / FilterExpression: grammar, precedence, functions and AWS's error messages."""

from __future__ import annotations

import pytest

from fogbank.services.dynamodb.expressions import ExpressionError, condition

ITEM = {
    "pk": {"S": "user#1"},
    "n": {"N": "10"},
    "price": {"N": "1.50"},
    "nm": {"S": "alice"},
    "bin": {"B": b"\x01\x02\x03"},
    "tags": {"SS": ["red", "blue"]},
    "nums": {"NS": ["1", "2.0"]},
    "bins": {"BS": [b"a", b"b"]},
    "lst": {"L": [{"S": "x"}, {"N": "2"}, {"M": {"deep": {"S": "yes"}}}]},
    "mp": {"M": {"inr": {"M": {"v": {"N": "3"}}}, "s": {"S": "hello world"}}},
    "flag": {"BOOL": True},
    "nothing": {"NULL": True},
    "empty": {"S": ""},
}

V = {
    ":s": {"S": "alice"},
    ":n5": {"N": "5"},
    ":n10": {"N": "10.0"},
    ":n15": {"N": "15"},
    ":p": {"N": "1.5"},
    ":red": {"S": "red"},
    ":two": {"N": "2"},
    ":x": {"S": "x"},
    ":b": {"B": b"\x01\x02"},
    ":t": {"BOOL": True},
    ":S": {"S": "S"},
    ":L": {"S": "L"},
}


def ev(expr: str, item: dict = ITEM, names: dict | None = None, values: dict | None = None) -> bool:
    return condition(expr, names, V if values is None else values).evaluate(item)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("n = :n10", True),  # numbers compare numerically: "10" = "10.0"
        ("n <> :n10", False),
        ("price = :p", True),
        ("n > :n5", True),
        ("n >= :n10", True),
        ("n < :n15", True),
        ("n <= :n5", False),
        ("nm = :s", True),
        ("nm < :x", True),
        ("n = :s", False),  # type mismatch: false
        ("n <> :s", True),
        ("n < :s", False),
        ("absent = :s", False),
        ("absent <> :s", True),
        ("absent < :s", False),
        ("n BETWEEN :n5 AND :n15", True),
        ("n BETWEEN :n5 AND :n10", True),
        ("nm BETWEEN :n5 AND :n15", False),
        ("n IN (:n5, :n10)", True),
        ("n IN (:n5, :n15)", False),
        ("nm IN (:s)", True),
        ("mp.inr.v = :three", True),
        ("lst[1] = :two", True),
        ("lst[2].deep = :yes", True),
        ("lst[7] = :two", False),
        ("mp.s[0] = :two", False),
        ("attribute_exists(mp.inr)", True),
        ("attribute_exists(lst[2].deep)", True),
        ("attribute_not_exists(lst[3])", True),
        ("attribute_not_exists(pk)", False),
        ("attribute_type(nm, :S)", True),
        ("attribute_type(lst, :L)", True),
        ("attribute_type(nm, :L)", False),
        ("begins_with(pk, :prefix)", True),
        ("begins_with(bin, :b)", True),
        ("begins_with(n, :prefix)", False),
        ("contains(mp.s, :world)", True),
        ("contains(tags, :red)", True),
        ("contains(nums, :two)", True),  # NS holds "2.0"
        ("contains(lst, :x)", True),
        ("contains(tags, :x)", False),
        ("size(nm) = :five", True),
        ("size(tags) = :two", True),
        ("size(lst) > :two", True),
        ("size(mp) = :two", True),
        ("size(bin) = :three", True),
        ("size(n) = :two", False),  # size of a number is undefined: false
        ("size(absent) = :two", False),
        ("flag = :t", True),
        ("NOT n = :n5", True),
        ("NOT (n = :n5 OR n = :n10)", False),
        ("n = :n5 OR n = :n10 AND nm = :x", False),  # AND binds tighter than OR
        ("(n = :n5 OR n = :n10) AND nm = :s", True),
        ("n = :n10 OR n = :n5 AND nm = :x", True),
        ("NOT NOT n = :n10", True),
        ("NOT n = :n5 AND n = :n5", False),  # NOT binds tighter than AND
    ],
)
def test_evaluation(expr: str, expected: bool) -> None:
    values = {
        **V,
        ":three": {"N": "3"},
        ":yes": {"S": "yes"},
        ":prefix": {"S": "user#"},
        ":world": {"S": "world"},
        ":five": {"N": "5"},
    }
    used = {k: v for k, v in values.items() if k in expr}
    assert condition(expr, None, used).evaluate(ITEM) is expected


def test_placeholders_resolve_names_with_dots_and_reserved_words() -> None:
    item = {"a.b": {"N": "1"}, "status": {"S": "on"}}
    names = {"#ab": "a.b", "#st": "status"}
    assert ev("#ab = :one AND #st = :on", item, names, {":one": {"N": "1"}, ":on": {"S": "on"}})
    # a.b through placeholders is one attribute name, not a nested path
    assert not ev("#a.#b = :one", item, {"#a": "a", "#b": "b"}, {":one": {"N": "1"}})


def test_keywords_are_case_insensitive() -> None:
    assert ev("n between :n5 and :n15 aNd not nm in (:x)")


def test_empty_item_for_conditional_put() -> None:
    assert condition("attribute_not_exists(pk)", None, None).evaluate({})
    assert not condition("attribute_exists(pk)", None, None).evaluate({})


def test_sets_compare_unordered_and_numbers_numerically() -> None:
    item = {"s": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2"]}, "l": {"L": [{"N": "1"}]}, "m": {"M": {"k": {"N": "1"}}}}
    values = {
        ":ss": {"SS": ["b", "a"]},
        ":ns": {"NS": ["2.00", "1"]},
        ":l": {"L": [{"N": "1.0"}]},
        ":m": {"M": {"k": {"N": "01"}}},
    }
    assert ev("s = :ss AND ns = :ns AND l = :l AND m = :m", item, None, values)


def err(expr: str, values: dict | None = None, names: dict | None = None, kind: str = "ConditionExpression") -> str:
    with pytest.raises(ExpressionError) as caught:
        condition(expr, names, V if values is None else values, kind)
    assert caught.value.code == "ValidationException"
    assert caught.value.status == 400
    return caught.value.message


def test_syntax_errors_name_the_token_and_its_neighbours() -> None:
    assert err("a = = :s") == 'Invalid ConditionExpression: Syntax error; token: "=", near: "= = :s"'
    assert err("bo-dy = :s") == 'Invalid ConditionExpression: Syntax error; token: "-", near: "bo-dy"'
    assert err("a = :s AND") .startswith('Invalid ConditionExpression: Syntax error; token: "<EOF>"')
    assert err("a ! :s").startswith('Invalid ConditionExpression: Syntax error; token: "!"')
    assert err("(a = :s", kind="FilterExpression").startswith('Invalid FilterExpression: Syntax error; token: "<EOF>"')
    assert err("a").startswith('Invalid ConditionExpression: Syntax error; token: "<EOF>"')
    assert err("a[x] = :s").startswith('Invalid ConditionExpression: Syntax error; token: "x"')


def test_empty_expression() -> None:
    assert err("  ") == "Invalid ConditionExpression: The expression can not be empty;"


def test_reserved_words() -> None:
    assert err("status = :s") == "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status"
    assert err("a.Size = :s").endswith("reserved keyword: Size")


def test_undefined_placeholders() -> None:
    assert err("#n = :s") == (
        "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; "
        "attribute name: #n"
    )
    assert err("a = :nope") == (
        "Invalid ConditionExpression: An expression attribute value used in expression is not defined; "
        "attribute value: :nope"
    )


def test_function_errors() -> None:
    assert err("foo(a)") == "Invalid ConditionExpression: Invalid function name; function: foo"
    assert err("size(a)") == (
        "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size"
    )
    assert err("attribute_exists(a) = :s").endswith("function: attribute_exists")
    assert err("begins_with(a)") == (
        "Invalid ConditionExpression: Incorrect number of operands for operator or function; "
        "operator or function: begins_with, number of operands: 1"
    )
    assert err("attribute_exists(:s)") == (
        "Invalid ConditionExpression: Operator or function requires a document path; "
        "operator or function: attribute_exists"
    )
    assert err("begins_with(a, :n5)") == (
        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
        "operator or function: begins_with, operand type: N"
    )
    assert err("attribute_type(a, :s)").startswith(
        "Invalid ConditionExpression: Invalid attribute type name found; type: alice, valid types:"
    )
    assert err("a < :t") == (
        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
        "operator or function: <, operand type: BOOL"
    )
    assert err("if_not_exists(a, :s)").endswith("function: if_not_exists")


def test_between_bounds_must_be_ordered() -> None:
    assert err("a BETWEEN :n15 AND :n5") == (
        "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to "
        "lower bound; lower bound operand: AttributeValue: {N:15}, upper bound operand: AttributeValue: {N:5}"
    )


def test_in_accepts_100_operands_not_more() -> None:
    values = {f":v{i}": {"N": str(i)} for i in range(101)}
    hundred = ", ".join(f":v{i}" for i in range(100))
    assert condition(f"n IN ({hundred})", None, values).evaluate({"n": {"N": "99"}})
    message = err(f"n IN ({hundred}, :v100)", values)
    assert message.startswith("Invalid ConditionExpression: The IN operator is provided with too many operands")


def test_condition_is_reusable_across_items() -> None:
    cond = condition("n > :n5", None, V)
    assert [cond.evaluate({"n": {"N": str(i)}}) for i in range(4, 8)] == [False, False, True, True]

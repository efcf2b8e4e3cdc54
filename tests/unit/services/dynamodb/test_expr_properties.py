"""Property tests: grammar round trips, exact arithmetic, update/condition agreement, key order."""

from __future__ import annotations

import copy
import decimal
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from fogbank.services.dynamodb.expressions import (
    ExpressionError,
    compare_keys,
    condition,
    parse,
    projection,
    update,
)
from fogbank.services.dynamodb.expressions.ast import (
    And,
    Between,
    Call,
    Compare,
    FunctionCondition,
    In,
    Not,
    Or,
    Path,
    Value,
)

# -- a generator of condition trees and their text ----------------------------------------------
names = st.sampled_from(["a", "b", "c1", "x_y", "#n", "#m"])
paths = st.builds(
    lambda head, rest: Path((head, *rest)),
    names,
    st.lists(st.one_of(names, st.integers(0, 20)), max_size=3),
)
values = st.sampled_from([":v", ":w", ":n1"]).map(Value)
operands = st.one_of(paths, values, paths.map(lambda p: Call("size", (p,))))
comparators = st.sampled_from(["=", "<>", "<", "<=", ">", ">="])
functions = st.one_of(
    paths.map(lambda p: FunctionCondition(Call("attribute_exists", (p,)))),
    paths.map(lambda p: FunctionCondition(Call("attribute_not_exists", (p,)))),
    st.tuples(paths, values).map(lambda t: FunctionCondition(Call("begins_with", t))),
    st.tuples(paths, operands).map(lambda t: FunctionCondition(Call("contains", t))),
)
leaves = st.one_of(
    st.builds(Compare, comparators, operands, operands),
    st.builds(Between, operands, operands, operands),
    st.builds(lambda o, cs: In(o, tuple(cs)), operands, st.lists(operands, min_size=1, max_size=4)),
    functions,
)
trees = st.recursive(
    leaves,
    lambda inner: st.one_of(st.builds(And, inner, inner), st.builds(Or, inner, inner), st.builds(Not, inner)),
    max_leaves=12,
)


def render_path(path: Path) -> str:
    out = ""
    for element in path.elements:
        out += f"[{element}]" if isinstance(element, int) else (f".{element}" if out else element)
    return out


def render_operand(operand: object) -> str:
    if isinstance(operand, Path):
        return render_path(operand)
    if isinstance(operand, Value):
        return operand.name
    assert isinstance(operand, Call)
    return f"{operand.name}({', '.join(render_operand(a) for a in operand.args)})"


_LEVEL = {Or: 0, And: 1, Not: 2}


def render(node: object, draw_case: bool = False, minimal: bool = True) -> str:
    """Text for ``node``, with parentheses only where precedence needs them when ``minimal``."""

    def wrap(child: object, level: int) -> str:
        text = render(child, draw_case, minimal)
        child_level = _LEVEL.get(type(child), 3)
        return f"({text})" if not minimal or child_level < level else text

    kw = (lambda w: w.lower()) if draw_case else (lambda w: w)
    if isinstance(node, Or):
        return f"{wrap(node.left, 0)} {kw('OR')} {wrap(node.right, 1)}"
    if isinstance(node, And):
        return f"{wrap(node.left, 1)} {kw('AND')} {wrap(node.right, 2)}"
    if isinstance(node, Not):
        return f"{kw('NOT')} {wrap(node.operand, 2)}"
    if isinstance(node, Compare):
        return f"{render_operand(node.left)} {node.op} {render_operand(node.right)}"
    if isinstance(node, Between):
        return (
            f"{render_operand(node.operand)} {kw('BETWEEN')} {render_operand(node.low)} "
            f"{kw('AND')} {render_operand(node.high)}"
        )
    if isinstance(node, In):
        return f"{render_operand(node.operand)} {kw('IN')} ({', '.join(render_operand(c) for c in node.choices)})"
    assert isinstance(node, FunctionCondition)
    return render_operand(node.call)


@settings(max_examples=300, deadline=None)
@given(trees, st.booleans(), st.booleans())
def test_condition_text_round_trips_through_the_parser(tree: object, lower: bool, minimal: bool) -> None:
    text = render(tree, lower, minimal)
    assert parse(text, "ConditionExpression").root == tree


@settings(max_examples=200, deadline=None)
@given(trees)
def test_not_negates_any_condition(tree: object) -> None:
    text = render(tree)
    bound_values = {":v": {"S": "ab"}, ":w": {"N": "3"}, ":n1": {"S": "a"}}
    names_map = {"#n": "a", "#m": "b"}
    items = [
        {},
        {"a": {"S": "abc"}, "b": {"N": "3"}, "c1": {"L": [{"S": "ab"}]}},
        {"a": {"M": {"a": {"S": "ab"}, "b": {"N": "3"}}}, "x_y": {"SS": ["ab", "a"]}},
    ]
    try:
        positive = condition(text, names_map, bound_values)
        negative = condition(f"NOT ({text})", names_map, bound_values)
    except ExpressionError:
        return  # constant operands of the wrong type are refused up front; that is tested elsewhere
    for item in items:
        assert negative.evaluate(item) is (not positive.evaluate(item))


# -- numbers ------------------------------------------------------------------------------------
numbers = st.decimals(
    min_value=Decimal("-1E+20"), max_value=Decimal("1E+20"), allow_nan=False, allow_infinity=False, places=10
)


@settings(max_examples=300, deadline=None)
@given(numbers, numbers, st.sampled_from(["+", "-"]))
def test_arithmetic_matches_decimal(a: Decimal, b: Decimal, op: str) -> None:
    item = {"n": {"N": str(a)}}
    out = update(f"SET n = n {op} :b", None, {":b": {"N": str(b)}}).apply(item)
    text = out["n"]["N"]
    with decimal.localcontext(prec=60):
        assert Decimal(text) == (a + b if op == "+" else a - b)
    assert "E" not in text.upper()
    assert text == "0" or not ("." in text and text.endswith("0"))
    assert not text.startswith("-0") or text.startswith("-0.")


@settings(max_examples=200, deadline=None)
@given(st.lists(numbers, min_size=1, max_size=10))
def test_add_counter_sums_exactly(increments: list[Decimal]) -> None:
    item: dict = {}
    for inc in increments:
        item = update("ADD cnt :d", None, {":d": {"N": str(inc)}}).apply(item)
    with decimal.localcontext(prec=60):
        total = sum(increments, Decimal(0))
    assert Decimal(item["cnt"]["N"]) == total
    assert condition("cnt = :t", None, {":t": {"N": str(total)}}).evaluate(item)


# -- updates and conditions agree ---------------------------------------------------------------
scalars = st.one_of(
    st.text(max_size=5).map(lambda s: {"S": s}),
    st.integers(-1000, 1000).map(lambda i: {"N": str(i)}),
    st.binary(max_size=4).map(lambda b: {"B": b}),
    st.booleans().map(lambda b: {"BOOL": b}),
    st.just({"NULL": True}),
)
attr_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda v: {"L": v}),
        st.dictionaries(st.sampled_from(["k", "j", "q"]), inner, max_size=3).map(lambda v: {"M": v}),
    ),
    max_leaves=8,
)
items = st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), attr_values, max_size=4)


@settings(max_examples=300, deadline=None)
@given(items, st.sampled_from(["a", "b", "e"]), attr_values)
def test_set_then_condition_sees_the_value(item: dict, name: str, value: dict) -> None:
    before = copy.deepcopy(item)
    out = update("SET #t = :v", {"#t": name}, {":v": value}).apply(item)
    assert item == before
    assert condition("#t = :v", {"#t": name}, {":v": value}).evaluate(out)
    assert condition("attribute_type(#t, :ty)", {"#t": name}, {":ty": {"S": next(iter(value))}}).evaluate(out)
    removed = update("REMOVE #t", {"#t": name}, None).apply(out)
    assert condition("attribute_not_exists(#t)", {"#t": name}, None).evaluate(removed)
    assert {k: v for k, v in removed.items()} == {k: v for k, v in item.items() if k != name}


@settings(max_examples=200, deadline=None)
@given(items)
def test_projection_of_every_attribute_is_the_item(item: dict) -> None:
    if not item:
        return
    assert projection(", ".join(item), None).apply(item) == item


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=6), st.text(max_size=6))
def test_string_keys_sort_by_utf8_bytes(a: str, b: str) -> None:
    ea, eb = a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass")
    assert compare_keys({"S": a}, {"S": b}) == (ea > eb) - (ea < eb)


@settings(max_examples=300, deadline=None)
@given(numbers, numbers)
def test_number_keys_sort_numerically(a: Decimal, b: Decimal) -> None:
    assert compare_keys({"N": str(a)}, {"N": str(b)}) == (a > b) - (a < b)


string_sets = st.lists(st.text(min_size=1, max_size=3), min_size=1, max_size=5, unique=True)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.none(), string_sets), string_sets)
def test_add_then_delete_set_elements_agree_with_contains(start: list[str] | None, extra: list[str]) -> None:
    item = {} if start is None else {"s": {"SS": start}}
    added = update("ADD s :x", None, {":x": {"SS": extra}}).apply(item)
    for element in [*(start or []), *extra]:
        assert condition("contains(s, :e)", None, {":e": {"S": element}}).evaluate(added)
    assert len(added["s"]["SS"]) == len(set(start or []) | set(extra))
    removed = update("DELETE s :x", None, {":x": {"SS": extra}}).apply(added)
    left = set(start or []) - set(extra)
    if left:
        assert set(removed["s"]["SS"]) == left
    else:
        assert condition("attribute_not_exists(s)", None, None).evaluate(removed)

"""The metric math tokenizer and parser: precedence, errors, and hypothesis round trips."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fogbank.services.cloudwatch.math import MathError, parse
from fogbank.services.cloudwatch.math.parser import references


def test_precedence_and_associativity() -> None:
    assert parse("1 + 2 * 3") == ("bin", "+", ("num", 1.0), ("bin", "*", ("num", 2.0), ("num", 3.0)))
    assert parse("-2 ^ 2") == ("neg", ("bin", "^", ("num", 2.0), ("num", 2.0)))
    assert parse("2 ^ 3 ^ 2") == ("bin", "^", ("num", 2.0), ("bin", "^", ("num", 3.0), ("num", 2.0)))
    assert parse("a - b - c") == ("bin", "-", ("bin", "-", ("ref", "a"), ("ref", "b")), ("ref", "c"))
    assert parse("a > 1 AND b < 2 OR NOT c") == (
        "bin", "||",
        ("bin", "&&", ("bin", ">", ("ref", "a"), ("num", 1.0)), ("bin", "<", ("ref", "b"), ("num", 2.0))),
        ("not", ("ref", "c")),
    )


def test_calls_arrays_strings_and_words() -> None:
    assert parse("fill(m1, REPEAT)") == ("call", "FILL", [("ref", "m1"), ("word", "REPEAT")])
    assert parse("SEARCH('{A,B} x', \"Sum\", 300)") == ("call", "SEARCH", [("str", "{A,B} x"), ("str", "Sum"), ("num", 300.0)])
    assert parse("SUM([m1, m2 * 2])")[2][0][0] == "array"
    assert parse("METRICS()") == ("call", "METRICS", [])
    assert parse("1.5e3") == ("num", 1500.0)
    assert references(parse("IF(m1 > e2, m3, 0) + SUM(METRICS())")) == {"m1", "e2", "m3"}


@pytest.mark.parametrize("text", ["", "  ", "1 +", "(1", "1)", "m1 m2", "SUM(1,", "'open", "1 # 2", "[m1,", "a ==", "NOT"])
def test_malformed_expressions(text: str) -> None:
    with pytest.raises(MathError):
        parse(text)


# --- hypothesis: render random trees, parse them back ---------------------------------------

IDS = st.from_regex(r"[a-z][a-zA-Z0-9_]{0,6}", fullmatch=True).filter(lambda s: s.upper() not in ("AND", "OR", "NOT"))
NUMBERS = st.integers(min_value=0, max_value=10**6).map(float)
LEAVES = st.one_of(NUMBERS.map(lambda n: ("num", n)), IDS.map(lambda i: ("ref", i)))
FUNCTIONS = st.sampled_from(["SUM", "AVG", "MIN", "MAX", "ABS", "RATE", "DIFF", "FIRST", "LAST", "PERIOD"])
OPERATORS = st.sampled_from(["+", "-", "*", "/", "^", "<", ">", "<=", ">=", "==", "!=", "&&", "||"])


def trees() -> st.SearchStrategy:
    return st.recursive(
        LEAVES,
        lambda inner: st.one_of(
            st.tuples(st.just("bin"), OPERATORS, inner, inner),
            st.tuples(st.just("neg"), inner),
            st.tuples(st.just("not"), inner),
            st.tuples(st.just("call"), FUNCTIONS, st.lists(inner, min_size=1, max_size=3)),
            st.tuples(st.just("array"), st.lists(inner, min_size=0, max_size=3)),
        ),
        max_leaves=12,
    )


def render(node: tuple) -> str:
    """Fully parenthesised text of a tree (so the parse must give the same tree back)."""
    kind = node[0]
    if kind == "num":
        return repr(node[1])
    if kind == "ref":
        return node[1]
    if kind == "neg":
        return f"(-{render(node[1])})"
    if kind == "not":
        return f"(NOT {render(node[1])})"
    if kind == "bin":
        op = {"&&": "AND", "||": "OR"}.get(node[1], node[1])
        return f"({render(node[2])} {op} {render(node[3])})"
    if kind == "call":
        return f"{node[1]}({', '.join(render(a) for a in node[2])})"
    return f"[{', '.join(render(a) for a in node[1])}]"


def normal(node: tuple) -> tuple:
    """A rendered ``(-x)`` of a number stays a negation; lists become lists for comparison."""
    kind = node[0]
    if kind == "call":
        return ("call", node[1], [normal(a) for a in node[2]])
    if kind == "array":
        return ("array", [normal(a) for a in node[1]])
    if kind == "bin":
        return ("bin", node[1], normal(node[2]), normal(node[3]))
    if kind in ("neg", "not"):
        return (kind, normal(node[1]))
    return node


@settings(max_examples=300, deadline=None)
@given(trees())
def test_rendered_trees_parse_back(tree: tuple) -> None:
    assert parse(render(tree)) == normal(tree)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("m1e2 +-*/^()[],'\"<>=!ANDORTSUMFILL.5")), max_size=40))
def test_any_text_parses_or_raises_math_error(text: str) -> None:
    try:
        parse(text)
    except MathError:
        pass

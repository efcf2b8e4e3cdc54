"""The Logs Insights parser and evaluator: examples, errors, and properties against plain Python."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fogbank.services.logs.errors import MalformedQueryException
from fogbank.services.logs.insights import evaluate
from fogbank.services.logs.insights.parser import bin_seconds, parse

BASE = 1_700_000_000_000


def records(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [evaluate.record("s", BASE + i * 1000, json.dumps(d), BASE, "1:g", f"p{i}") for i, d in enumerate(docs)]


def rows(query: str, docs: list[dict[str, Any]], limit: int | None = None) -> list[dict[str, str]]:
    outcome = evaluate.run(parse(query), records(docs), limit)
    return [{c["field"]: c["value"] for c in row} for row in outcome.rows]


def test_fields_discovered_in_json_flatten_nested_keys() -> None:
    got = rows("fields a.b, c.0, @logStream, @log", [{"a": {"b": 1}, "c": ["x"]}])
    assert got == [{"a.b": "1", "c.0": "x", "@logStream": "s", "@log": "1:g", "@ptr": "p0"}]


def test_sort_limit_and_default_order() -> None:
    docs = [{"n": n} for n in (3, 1, 2)]
    assert [r["n"] for r in rows("fields n", docs)] == ["2", "1", "3"]  # newest first by default
    assert [r["n"] for r in rows("fields n | sort n asc", docs)] == ["1", "2", "3"]
    assert [r["n"] for r in rows("fields n | sort n desc | limit 2", docs)] == ["3", "2"]
    assert len(rows("fields n", docs, limit=1)) == 1


def test_stats_with_bins_and_arithmetic() -> None:
    docs = [{"v": v, "k": "a" if v % 2 else "b"} for v in range(1, 7)]
    got = rows("stats sum(v) as s, count(*) as c, sum(v) / count(*) as m, min(v), max(v), count_distinct(k) by k", docs)
    assert got == [{"k": "a", "s": "9", "c": "3", "m": "3", "min(v)": "1", "max(v)": "5", "count_distinct(k)": "1"},
                   {"k": "b", "s": "12", "c": "3", "m": "4", "min(v)": "2", "max(v)": "6", "count_distinct(k)": "1"}]
    binned = rows("stats count(*) by bin(1m)", docs)
    assert sum(int(r["count(*)"]) for r in binned) == 6 and binned[0]["bin(1m)"].endswith(":00.000")
    assert bin_seconds("5m") == 300 and bin_seconds("1h") == 3600 and bin_seconds("30s") == 30


def test_filter_operators() -> None:
    docs = [{"name": "alpha", "n": 1}, {"name": "beta", "n": 2}, {"name": "gamma", "n": 3}, {"other": True}]
    assert [r["name"] for r in rows('filter name like "ph" | fields name', docs)] == ["alpha"]
    assert [r["name"] for r in rows("filter name like /^(b|g)/ | sort n asc | fields name", docs)] == ["beta", "gamma"]
    assert [r["name"] for r in rows('filter name in ["alpha", "gamma"] | sort n | fields name', docs)] == ["gamma", "alpha"]
    assert [r["name"] for r in rows('filter name not in ["alpha", "gamma"] and ispresent(name) | fields name', docs)] == ["beta"]
    assert [r["n"] for r in rows("filter not (n > 1) and ispresent(n) | fields n", docs)] == ["1"]
    assert [r["n"] for r in rows("filter n * 2 = 4 or n % 3 = 0 | sort n asc | fields n", docs)] == ["2", "3"]
    assert [r["u"] for r in rows("fields toupper(name) as u | filter strlen(name) = 4", docs)] == ["BETA"]


def test_parse_glob_and_regex_and_dedup() -> None:
    recs = [evaluate.record("s", BASE + i, m, BASE, "1:g", str(i)) for i, m in enumerate(
        ["user=amy action=login", "user=bob action=logout", "user=amy action=logout"])]
    out = evaluate.run(parse('parse "user=* action=*" as who, what | dedup who | sort who asc | display who, what'), recs)
    assert [[c["value"] for c in r][:2] for r in out.rows] == [["amy", "login"], ["bob", "logout"]]
    out = evaluate.run(parse(r"parse @message /user=(?<who>\w+)/ | stats count(*) by who"), recs)
    assert [[c["value"] for c in r] for r in out.rows] == [["amy", "2"], ["bob", "1"]]
    assert out.matched == 3 and out.scanned == 3


@pytest.mark.parametrize("bad", ["", "stats n", "filter (a = 1", "limit x", "limit 0", "sort | limit 2", "frob x",
                                 'parse @message "abc" as a', 'parse @message "a*b*" as x', "fields a |",
                                 "filter a like", "parse @message /(no names)/", "filter a in [1, 2"])
def test_malformed_queries(bad: str) -> None:
    with pytest.raises(MalformedQueryException) as info:
        parse(bad)
    assert info.value.code == "MalformedQueryException"


VALUES = st.lists(st.integers(-1000, 1000), min_size=1, max_size=30)


@settings(max_examples=100, deadline=None)
@given(VALUES, st.integers(-1000, 1000))
def test_filter_agrees_with_python(values: list[int], bound: int) -> None:
    docs = [{"v": v} for v in values]
    for op, check in ((">", lambda v: v > bound), ("<=", lambda v: v <= bound), ("=", lambda v: v == bound),
                      ("!=", lambda v: v != bound)):
        got = rows(f"filter v {op} {bound} | stats count(*) as c", docs)
        assert got == [{"c": str(sum(1 for v in values if check(v)))}]


@settings(max_examples=100, deadline=None)
@given(VALUES)
def test_stats_and_sort_agree_with_python(values: list[int]) -> None:
    docs = [{"v": v, "k": f"k{v % 3}"} for v in values]
    got = rows("stats sum(v) as s, min(v) as lo, max(v) as hi, count(*) as c", docs)
    assert got == [{"s": str(sum(values)), "lo": str(min(values)), "hi": str(max(values)), "c": str(len(values))}]
    by_key = {r["k"]: int(r["c"]) for r in rows("stats count(*) as c by k", docs)}
    assert by_key == dict(Counter(d["k"] for d in docs))
    ordered = [int(r["v"]) for r in rows("fields v | sort v asc", docs)]
    assert ordered == sorted(values)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='fieldsstatfilterby| ()*,"/<=>!-+.@abc1%[]', max_size=40))
def test_any_text_parses_or_is_malformed(text: str) -> None:
    try:
        commands = parse(text)
    except MalformedQueryException:
        return
    try:
        evaluate.run(commands, records([{"a": 1, "b": "x"}]))
    except MalformedQueryException:
        pass

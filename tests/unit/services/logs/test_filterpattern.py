"""The filter pattern language: examples from each form, and properties over generated input."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fogbank.services.logs.errors import InvalidParameterException
from fogbank.services.logs.filterpattern import compile_pattern, extract
from fogbank.services.logs.filterpattern.spaced import split

APACHE = '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 404 2326'
DOC = json.dumps({"level": "ERROR", "latency": 150, "ok": False, "none": None,
                  "items": [{"id": "a"}, {"id": "b"}], "user": {"name": "amy"}})


def matches(pattern: str, message: str) -> bool:
    return compile_pattern(pattern).match(message) is not None


@pytest.mark.parametrize("pattern,expected", [
    ("", True), ("ERROR", True), ("error", False), ("ERROR latency", True), ("ERROR -latency", False),
    ("?WARN ?ERROR", True), ("?WARN ?DEBUG", False), ('"\\"level\\": \\"ERROR\\""', True), ("%ERR+OR%", True),
    ("%^ERROR%", False),
])
def test_text_terms(pattern: str, expected: bool) -> None:
    assert matches(pattern, DOC) is expected


@pytest.mark.parametrize("pattern,expected", [
    ('{ $.level = "ERROR" }', True), ("{ $.level = ERR* }", True), ("{ $.level != ERROR }", False),
    ("{ $.latency > 100 && $.latency <= 150 }", True), ("{ $.latency < 100 || $.level = INFO }", False),
    ("{ $.latency = 150 }", True), ("{ $.latency >= 151 }", False),
    ("{ $.none IS NULL }", True), ("{ $.level IS NULL }", False), ("{ $.missing NOT EXISTS }", True),
    ("{ $.level NOT EXISTS }", False), ("{ $.ok IS FALSE }", True), ("{ $.ok IS TRUE }", False),
    ('{ $.items[1].id = "b" }', True), ('{ $.items[0].id = "b" }', False), ('{ $.items[*].id = "b" }', True),
    ('{ ($.level = "INFO" || $.user.name = "amy") && $.latency > 0 }', True),
])
def test_json_patterns(pattern: str, expected: bool) -> None:
    assert matches(pattern, DOC) is expected
    assert not matches(pattern.replace("NOT EXISTS", "= x"), "not json") or pattern == ""


@pytest.mark.parametrize("pattern,expected", [
    ("[ip, user, username, timestamp, request, status_code, bytes]", True),
    ("[ip, user, username, timestamp, request, status_code = 4*, bytes > 1000]", True),
    ("[ip, user, username, timestamp, request, status_code = 5*, bytes]", False),
    ("[ip, ..., status_code = 404, bytes]", True), ("[..., bytes < 1000]", False),
    ("[ip, user]", False), ("[ip = 127.0.0.*, ...]", True),
    ("[..., status_code = 500 || status_code = 404, bytes]", True),
    ("[..., status_code >= 400 && status_code < 500, bytes]", True),
    ('[ip, user, username, timestamp, request = "GET /apache_pb.gif HTTP/1.0", ...]', True),
])
def test_space_delimited_patterns(pattern: str, expected: bool) -> None:
    assert matches(pattern, APACHE) is expected


def test_space_delimited_binds_fields_and_extract_reads_them() -> None:
    found = compile_pattern("[ip, user, username, timestamp, request, status, size]").match(APACHE)
    assert found is not None
    assert found["fields"]["timestamp"] == "10/Oct/2000:13:25:15 -0700"
    assert found["fields"]["request"] == "GET /apache_pb.gif HTTP/1.0"
    assert extract("$size", found, APACHE) == "2326"
    doc_found = compile_pattern("{ $.latency > 0 }").match(DOC)
    assert doc_found is not None and extract("$.latency", doc_found, DOC) == 150
    assert extract("$.user.name", doc_found, DOC) == "amy" and extract("$.nope", doc_found, DOC) is None
    assert extract("1", doc_found, DOC) == "1"


@pytest.mark.parametrize("bad", ["{ $.a = }", "{ $.a = 1", "[a, b", "{ $.a > abc }", 'a"b', "{ $.a = 1 } x",
                                 "{ a = 1 }", "[a = 1 &&]", '"abc', "{ $.a IS }", "%(%", "[1abc]"])
def test_malformed_patterns(bad: str) -> None:
    with pytest.raises(InvalidParameterException) as info:
        compile_pattern(bad)
    assert info.value.code == "InvalidParameterException"


WORD = st.text(alphabet=st.characters(categories=("L", "N"), max_codepoint=0x2FF), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(st.lists(WORD, min_size=1, max_size=8), st.data())
def test_every_word_of_a_message_matches_and_excluding_it_does_not(words: list[str], data: st.DataObject) -> None:
    message = " ".join(words)
    word = data.draw(st.sampled_from(words))
    assert matches(word, message)
    assert not matches(f"-{word}", message)
    assert matches(f"?{word} ?zzzzzzzzzz_", message)
    phrase = " ".join(words[: data.draw(st.integers(1, len(words)))])
    assert matches(f"\"{phrase}\"", message)


@settings(max_examples=150, deadline=None)
@given(st.lists(WORD, min_size=1, max_size=8), st.integers(0, 8))
def test_space_delimited_field_count_and_binding(words: list[str], n: int) -> None:
    message = " ".join(words)
    assert split(message) == words
    names = [f"f{i}" for i in range(n)]
    found = compile_pattern("[" + ", ".join(names) + "]").match(message) if names else None
    if names:
        assert (found is not None) == (n == len(words))
        if found is not None:
            assert [found["fields"][name] for name in names] == words
    tail = compile_pattern("[..., last]").match(message)
    assert tail is not None and tail["fields"]["last"] == words[-1]


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True), st.integers(-10**6, 10**6), min_size=1),
       st.data())
def test_json_numeric_comparisons_agree_with_python(doc: dict[str, int], data: st.DataObject) -> None:
    key = data.draw(st.sampled_from(sorted(doc)))
    bound = data.draw(st.integers(-10**6, 10**6))
    message = json.dumps(doc)
    for op, truth in (("=", doc[key] == bound), ("!=", doc[key] != bound), ("<", doc[key] < bound),
                      (">", doc[key] > bound), ("<=", doc[key] <= bound), (">=", doc[key] >= bound)):
        assert matches(f"{{ $.{key} {op} {bound} }}", message) is truth


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='{}[]$.=!<>&|()" ,*-?abc1%', max_size=30))
def test_any_text_either_compiles_or_is_an_invalid_parameter(text: str) -> None:
    try:
        pattern = compile_pattern(text)
    except InvalidParameterException:
        return
    pattern.match("abc 1 - ? x")
    pattern.match('{"a": 1, "b": [1, "c"]}')

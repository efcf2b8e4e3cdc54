"""UpdateExpression: SET/REMOVE/ADD/DELETE semantics, copy-on-apply and AWS's error messages."""

from __future__ import annotations

import copy

import pytest

from fogbank.services.dynamodb.expressions import ExpressionError, update

BASE = {
    "pk": {"S": "k"},
    "n": {"N": "1.5"},
    "s": {"S": "text"},
    "lst": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}]},
    "mp": {"M": {"x": {"N": "1"}, "sb": {"M": {"y": {"S": "z"}}}}},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2"]},
    "bs": {"BS": [b"1"]},
}


def run(expr: str, values: dict | None = None, names: dict | None = None, item: dict = BASE) -> dict:
    before = copy.deepcopy(item)
    result = update(expr, names, values).apply(item)
    assert item == before, "apply must not change its input"
    return result


def test_set_values_paths_and_arithmetic() -> None:
    out = run("SET a = :v, n = n + :one, m2 = n - :one, c = s", {":v": {"S": "new"}, ":one": {"N": "1"}})
    assert out["a"] == {"S": "new"}
    assert out["n"] == {"N": "2.5"}
    assert out["m2"] == {"N": "0.5"}
    assert out["c"] == {"S": "text"}


def test_set_reads_the_original_item() -> None:
    out = run("SET n = s, s = n")
    assert out["n"] == {"S": "text"} and out["s"] == {"N": "1.5"}


def test_arithmetic_is_exact_and_canonical() -> None:
    item = {"n": {"N": "0.1"}}
    out = update("SET n = n + :v", None, {":v": {"N": "0.2"}}).apply(item)
    assert out["n"] == {"N": "0.3"}
    out = update("SET n = :a - :b", None, {":a": {"N": "100"}, ":b": {"N": "100.000"}}).apply({})
    assert out["n"] == {"N": "0"}
    out = update("SET n = :a + :b", None, {":a": {"N": "1E+5"}, ":b": {"N": "0"}}).apply({})
    assert out["n"] == {"N": "100000"}


def test_number_limits() -> None:
    big = {":a": {"N": "9.9999999999999999999999999999999999999E+125"}, ":b": {"N": "1E+125"}}
    with pytest.raises(ExpressionError, match="Number overflow"):
        update("SET n = :a + :b", None, big).apply({})
    precise = {":a": {"N": "1" + "0" * 37}, ":b": {"N": "0.1"}}
    with pytest.raises(ExpressionError, match="38 significant digits"):
        update("SET n = :a + :b", None, precise).apply({})


def test_if_not_exists_and_list_append() -> None:
    values = {":zero": {"N": "0"}, ":one": {"N": "1"}, ":tail": {"L": [{"S": "d"}]}, ":empty": {"L": []}}
    out = run(
        "SET cnt = if_not_exists(cnt, :zero) + :one, n = if_not_exists(n, :zero), "
        "lst = list_append(lst, :tail), fresh = list_append(if_not_exists(fresh, :empty), :tail)",
        values,
    )
    assert out["cnt"] == {"N": "1"}
    assert out["n"] == {"N": "1.5"}
    assert out["lst"]["L"] == [{"S": "a"}, {"S": "b"}, {"S": "c"}, {"S": "d"}]
    assert out["fresh"] == {"L": [{"S": "d"}]}
    out = run("SET lst = list_append(:tail, lst)", values)
    assert out["lst"]["L"][0] == {"S": "d"}


def test_nested_set_and_list_index_past_end_appends() -> None:
    out = run("SET mp.sb.y = :v, mp.newkey = :v, lst[1] = :v, lst[10] = :v", {":v": {"N": "7"}})
    assert out["mp"]["M"]["sb"]["M"]["y"] == {"N": "7"}
    assert out["mp"]["M"]["newkey"] == {"N": "7"}
    assert out["lst"]["L"] == [{"S": "a"}, {"N": "7"}, {"S": "c"}, {"N": "7"}]


def test_remove_attributes_nested_and_list_elements_shift() -> None:
    out = run("REMOVE s, mp.sb, lst[0], lst[2], nothing, lst[9]")
    assert "s" not in out
    assert out["mp"] == {"M": {"x": {"N": "1"}}}
    assert out["lst"] == {"L": [{"S": "b"}]}  # indexes name the original elements


def test_add_numbers_and_sets_creating_attributes() -> None:
    values = {":n": {"N": "-2"}, ":ss": {"SS": ["b", "c"]}, ":ns": {"NS": ["2.0", "3"]}}
    out = run("ADD n :n, ss :ss, ns :ns, newn :n, newss :ss", values)
    assert out["n"] == {"N": "-0.5"}
    assert sorted(out["ss"]["SS"]) == ["a", "b", "c"]
    assert sorted(out["ns"]["NS"]) == ["1", "2", "3"]
    assert out["newn"] == {"N": "-2"}
    assert sorted(out["newss"]["SS"]) == ["b", "c"]


def test_delete_from_sets_and_emptied_set_disappears() -> None:
    out = run("DELETE ss :a, ns :all, nothing :a", {":a": {"SS": ["a", "q"]}, ":all": {"NS": ["1.0", "2"]}})
    assert out["ss"] == {"SS": ["b"]}
    assert "ns" not in out
    assert "nothing" not in out


def test_clauses_in_any_order_and_case() -> None:
    out = run("remove s add n :one set a = :one", {":one": {"N": "1"}})
    assert out["n"] == {"N": "2.5"} and out["a"] == {"N": "1"} and "s" not in out


def test_touched_and_updated_projection() -> None:
    upd = update("SET mp.x = :v, a = :v REMOVE s ADD cnt :v", None, {":v": {"N": "5"}})
    assert upd.touched == {"mp", "a", "s", "cnt"}
    new = upd.apply(BASE)
    assert upd.projection.apply(new) == {"mp": {"M": {"x": {"N": "5"}}}, "a": {"N": "5"}, "cnt": {"N": "5"}}
    assert upd.projection.apply(BASE) == {"mp": {"M": {"x": {"N": "1"}}}, "s": {"S": "text"}}


def msg(expr: str, values: dict | None = None, item: dict = BASE, names: dict | None = None) -> str:
    with pytest.raises(ExpressionError) as caught:
        update(expr, names, values).apply(item)
    assert caught.value.code == "ValidationException" and caught.value.status == 400
    return caught.value.message


def test_overlapping_and_conflicting_paths() -> None:
    v = {":v": {"N": "1"}}
    assert msg("SET a = :v, a.b = :v", v) == (
        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of "
        "these paths; path one: [a], path two: [a, b]"
    )
    assert msg("SET a = :v REMOVE a", v).endswith("path one: [a], path two: [a]")
    assert msg("SET #x = :v ADD a :v", v, names={"#x": "a"}).endswith("path one: [a], path two: [a]")
    assert msg("SET a[0] = :v, a.b = :v", v) == (
        "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of "
        "these paths; path one: [a, [0]], path two: [a, b]"
    )


def test_runtime_errors() -> None:
    one = {":one": {"N": "1"}}
    assert msg("SET a = nothing + :one", one) == (
        "The provided expression refers to an attribute that does not exist in the item"
    )
    assert msg("SET a = s + :one", one) == "An operand in the update expression has an incorrect data type"
    assert msg("SET nothing.deep = :one", one) == (
        "The document path provided in the update expression is invalid for update"
    )
    assert msg("SET s.deep = :one", one).startswith("The document path provided")
    assert msg("SET mp[0] = :one", one).startswith("The document path provided")
    assert msg("ADD s :one", one) == "An operand in the update expression has an incorrect data type"
    assert msg("ADD ss :ns", {":ns": {"NS": ["1"]}}) == "An operand in the update expression has an incorrect data type"
    assert msg("DELETE ss :ns", {":ns": {"NS": ["1"]}}).startswith("An operand in the update")
    assert msg("SET a = list_append(s, :l)", {":l": {"L": []}}).startswith("An operand in the update")


def test_static_errors() -> None:
    assert msg("ADD a :s", {":s": {"S": "x"}}) == (
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, "
        "operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND"
    )
    assert msg("DELETE a :n", {":n": {"N": "1"}}) == (
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, "
        "operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND"
    )
    assert msg("SET a = :s + :s", {":s": {"S": "x"}}) == (
        "Invalid UpdateExpression: Incorrect operand type for operator or function; "
        "operator or function: +, operand type: S"
    )
    assert msg("SET a = list_append(:s, a)", {":s": {"S": "x"}}).endswith("list_append, operand type: S")
    assert msg("SET a = :v SET b = :v", {":v": {"N": "1"}}) == (
        'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;'
    )
    assert msg("SET a = if_not_exists(:v, :v)", {":v": {"N": "1"}}).endswith("operator or function: if_not_exists")
    assert msg("SET a = size(b)").endswith("function: size")
    assert msg("SET a = nope(b)") == "Invalid UpdateExpression: Invalid function name; function: nope"
    assert msg("ADD a b").startswith('Invalid UpdateExpression: Syntax error; token: "b"')
    assert msg("SET a :v", {":v": {"N": "1"}}).startswith('Invalid UpdateExpression: Syntax error; token: ":v"')
    assert msg("UPSERT a = :v").startswith('Invalid UpdateExpression: Syntax error; token: "UPSERT"')
    assert msg("SET a = :v +", {":v": {"N": "1"}}).startswith('Invalid UpdateExpression: Syntax error; token: "<EOF>"')
    assert msg("REMOVE size").endswith("reserved keyword: size")


def test_nested_list_element_maps_and_add_inside_maps() -> None:
    item = {"l": {"L": [{"M": {"x": {"N": "1"}}}]}, "m": {"M": {}}}
    out = update("SET l[0].x = l[0].x + :one, l[0].y = :one ADD m.cnt :one", None, {":one": {"N": "1"}}).apply(item)
    assert out == {"l": {"L": [{"M": {"x": {"N": "2"}, "y": {"N": "1"}}}]}, "m": {"M": {"cnt": {"N": "1"}}}}
    assert item == {"l": {"L": [{"M": {"x": {"N": "1"}}}]}, "m": {"M": {}}}


def test_update_of_missing_item_and_invalid_list_targets() -> None:
    v = {":v": {"N": "1"}}
    assert update("SET a = :v", None, v).apply({}) == {"a": {"N": "1"}}
    assert msg("SET newlist[0] = :v", v, item={}).startswith("The document path provided")
    assert msg("SET lst[0].x = :v", v).startswith("The document path provided")


def test_update_paths_are_resolved() -> None:
    upd = update("SET #a.#b[1] = :v REMOVE c", {"#a": "x.y", "#b": "k"}, {":v": {"S": "q"}})
    assert upd.paths == (("x.y", "k", 1), ("c",))
    assert upd.touched == {"x.y", "c"}

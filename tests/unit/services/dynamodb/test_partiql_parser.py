"""The PartiQL tokenizer and parser: examples, AWS's syntax errors, and round-trip properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fogbank.services.dynamodb.expressions.errors import ExpressionError
from fogbank.services.dynamodb.partiql import ast, parse_statement
from fogbank.services.dynamodb.partiql.lexer import tokenize

MALFORMED = "Statement wasn't well formed, can't be processed: "


def where(text: str) -> ast.Expr:
    statement = parse_statement(f"SELECT * FROM t WHERE {text}").statement
    assert isinstance(statement, ast.Select) and statement.where is not None
    return statement.where


def test_tokens() -> None:
    kinds = [(t.kind, t.text) for t in tokenize("""select "a""b", 'it''s' FROM x WHERE n <= -1.5e3 AND s IN <<?>>""")]
    assert kinds == [
        ("KEYWORD", "SELECT"), ("QIDENT", 'a"b'), ("SYMBOL", ","), ("STRING", "it's"), ("KEYWORD", "FROM"), ("IDENT", "x"),
        ("KEYWORD", "WHERE"), ("IDENT", "n"), ("SYMBOL", "<="), ("SYMBOL", "-"), ("NUMBER", "1.5e3"), ("KEYWORD", "AND"),
        ("IDENT", "s"), ("KEYWORD", "IN"), ("SYMBOL", "<<"), ("SYMBOL", "?"), ("SYMBOL", ">>"), ("EOF", ""),
    ]


def test_precedence_and_predicates() -> None:
    a, b, c = ast.Path("a"), ast.Path("b"), ast.Path("c")
    one = ast.Literal(("N", "1"))
    assert where("a = 1 OR b = 1 AND NOT c = 1") == ast.Or(ast.Compare("=", a, one), ast.And(ast.Compare("=", b, one), ast.Not(ast.Compare("=", c, one))))
    assert where("(a = 1 OR b = 1) AND c <> 1") == ast.And(ast.Or(ast.Compare("=", a, one), ast.Compare("=", b, one)), ast.Compare("<>", c, one))
    assert where("a != 1") == ast.Compare("<>", a, one)
    assert where("a NOT BETWEEN 1 AND 2") == ast.Not(ast.Between(a, one, ast.Literal(("N", "2"))))
    assert where("a NOT IN (1)") == ast.Not(ast.In(a, (one,)))
    assert where("a IS NOT NULL") == ast.Is(a, "NULL", True)
    assert where("a.b[2].\"c d\"['e'] IS missing") == ast.Is(ast.Path("a", ("b", 2, "c d", "e")), "MISSING", False)
    assert where("Begins_With(a, ?) AND size(b) > ?") == ast.And(
        ast.Call("BEGINS_WITH", (a, ast.Param(0))), ast.Compare(">", ast.Call("SIZE", (b,)), ast.Param(1))
    )


def test_statements() -> None:
    parsed = parse_statement('SELECT a, "b".c FROM "Music"."byArtist" WHERE a = ? ORDER BY a DESC;')
    assert parsed.parameters == 1
    assert parsed.statement == ast.Select((ast.Path("a"), ast.Path("b", ("c",))), ast.Target("Music", "byArtist"), ast.Compare("=", ast.Path("a"), ast.Param(0)), ast.Path("a"), True)
    insert = parse_statement("insert into t value {'pk': 'a', 'l': [1, true, null], 's': <<'x'>>, 'm': {}}").statement
    assert insert == ast.Insert(
        ast.Target("t"),
        ast.TupleLit((
            ("pk", ast.Literal(("S", "a"))),
            ("l", ast.ListLit((ast.Literal(("N", "1")), ast.Literal(("BOOL", True)), ast.Literal(("NULL", True))))),
            ("s", ast.BagLit((ast.Literal(("S", "x")),))),
            ("m", ast.TupleLit(())),
        )),
    )
    update = parse_statement("UPDATE t SET a = a + 1, b = list_append(b, [2]) REMOVE c, d[0] SET e = ? WHERE pk = 'k' RETURNING MODIFIED OLD *")
    assert update.parameters == 1
    statement = update.statement
    assert isinstance(statement, ast.Update) and statement.returning == "UPDATED_OLD"
    assert [type(x).__name__ for x in statement.actions] == ["SetAction", "SetAction", "RemoveAction", "RemoveAction", "SetAction"]
    delete = parse_statement("DELETE FROM t WHERE pk = 'k' RETURNING ALL OLD *").statement
    assert isinstance(delete, ast.Delete) and delete.returning == "ALL_OLD"
    exists = parse_statement("EXISTS(SELECT * FROM t WHERE pk = 'k')").statement
    assert isinstance(exists, ast.Exists) and exists.select.target == ast.Target("t")


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("", "Unexpected end of statement"),
        ("SELECT * FROM t WHERE", "Unexpected end of statement"),
        ("SELECT FROM t", "Unexpected keyword at 7: FROM"),
        ("SELECT * FROM t WHERE a = 'x", "Unterminated string literal starting at 26"),
        ('SELECT * FROM "t', "Unterminated quoted identifier starting at 14"),
        ("SELECT * FROM t WHERE a = 1 1", "Unexpected token at 28: 1"),
        ("SELECT * FROM t WHERE a # 1", "Unexpected character at 24: '#'"),
        ("SELECT * FROM t WHERE select = 1", "Unexpected keyword at 22: SELECT"),
        ("UPDATE t WHERE a = 1", "Unexpected keyword at 9: WHERE"),
        ("DELETE FROM t RETURNING ALL NEW", "Unexpected end of statement"),
        ("SELECT * FROM t WHERE a IS 3", "Unexpected token at 27: 3"),
        ("SELECT * FROM t WHERE a[x] = 1", "Unexpected token at 24: x"),
    ],
)
def test_syntax_errors(text: str, detail: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse_statement(text)
    assert info.value.message == MALFORMED + detail
    assert info.value.code == "ValidationException" and info.value.status == 400


# --- properties: rendering any tree and parsing it back gives the same tree ------------------


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _render(node: ast.Expr) -> str:
    if isinstance(node, ast.Path):
        out = _ident(node.head)
        for step in node.steps:
            out += f"[{step}]" if isinstance(step, int) else "." + _ident(step)
        return out
    if isinstance(node, ast.Literal):
        tag, raw = node.value
        if tag == "S":
            return "'" + str(raw).replace("'", "''") + "'"
        if tag == "N":
            return str(raw)
        if tag == "BOOL":
            return "TRUE" if raw else "false"
        return "null"
    if isinstance(node, ast.Param):
        return "?"
    if isinstance(node, ast.ListLit):
        return "[" + ", ".join(_render(i) for i in node.items) + "]"
    if isinstance(node, ast.BagLit):
        return "<<" + ", ".join(_render(i) for i in node.items) + ">>"
    if isinstance(node, ast.TupleLit):
        return "{" + ", ".join("'" + k.replace("'", "''") + "': " + _render(v) for k, v in node.pairs) + "}"
    if isinstance(node, ast.Call):
        return node.name.lower() + "(" + ", ".join(_render(a) for a in node.args) + ")"
    if isinstance(node, ast.Compare):
        return f"{_render(node.left)} {node.op} {_render(node.right)}"
    if isinstance(node, ast.Between):
        return f"{_render(node.operand)} BETWEEN {_render(node.low)} AND {_render(node.high)}"
    if isinstance(node, ast.In):
        return f"{_render(node.operand)} IN [" + ", ".join(_render(c) for c in node.choices) + "]"
    if isinstance(node, ast.Is):
        return f"{_render(node.operand)} IS {'NOT ' if node.negated else ''}{node.what}"
    if isinstance(node, ast.And):
        return f"({_render(node.left)} AND {_render(node.right)})"
    if isinstance(node, ast.Or):
        return f"({_render(node.left)} or {_render(node.right)})"
    assert isinstance(node, ast.Not)
    return f"NOT ({_render(node.operand)})"


names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=6)
paths = st.builds(ast.Path, names, st.lists(st.one_of(names, st.integers(0, 99)), max_size=3).map(tuple))
scalars = st.one_of(
    st.builds(lambda s: ast.Literal(("S", s)), st.text(max_size=6)),
    st.builds(lambda i: ast.Literal(("N", str(i))), st.integers(-(10**20), 10**20)),
    st.builds(lambda b: ast.Literal(("BOOL", b)), st.booleans()),
    st.just(ast.Literal(("NULL", True))),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.builds(ast.ListLit, st.lists(inner, max_size=3).map(tuple)),
        st.builds(ast.BagLit, st.lists(inner, min_size=1, max_size=3).map(tuple)),
        st.builds(ast.TupleLit, st.lists(st.tuples(st.text(max_size=4), inner), max_size=3).map(tuple)),
    ),
    max_leaves=6,
)
operands = st.one_of(paths, values, st.builds(lambda p: ast.Call("SIZE", (p,)), paths))
predicates = st.one_of(
    st.builds(ast.Compare, st.sampled_from(["=", "<>", "<", "<=", ">", ">="]), operands, operands),
    st.builds(ast.Between, operands, operands, operands),
    st.builds(ast.In, operands, st.lists(operands, min_size=1, max_size=3).map(tuple)),
    st.builds(ast.Is, paths, st.sampled_from(["NULL", "MISSING"]), st.booleans()),
    st.builds(lambda p, v: ast.Call("BEGINS_WITH", (p, v)), paths, values),
)
conditions = st.recursive(
    predicates,
    lambda inner: st.one_of(st.builds(ast.And, inner, inner), st.builds(ast.Or, inner, inner), st.builds(ast.Not, inner)),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(conditions)
def test_where_round_trip(tree: ast.Expr) -> None:
    assert where(_render(tree)) == tree


@settings(max_examples=100, deadline=None)
@given(st.lists(paths, min_size=1, max_size=3), names, st.one_of(st.none(), names), st.one_of(st.none(), conditions))
def test_select_round_trip(projection: list[ast.Path], table: str, index: str | None, condition: ast.Expr | None) -> None:
    text = "SELECT " + ", ".join(_render(p) for p in projection) + " FROM " + _ident(table)
    if index is not None:
        text += "." + _ident(index)
    if condition is not None:
        text += " WHERE " + _render(condition)
    assert parse_statement(text).statement == ast.Select(tuple(projection), ast.Target(table, index), condition)


@settings(max_examples=100, deadline=None)
@given(st.builds(ast.TupleLit, st.lists(st.tuples(st.text(max_size=4), values), max_size=4).map(tuple)))
def test_insert_round_trip(value: ast.TupleLit) -> None:
    assert parse_statement("INSERT INTO t VALUE " + _render(value)).statement == ast.Insert(ast.Target("t"), value)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("SELECT*FROMtWHERE=<>'\"?[]{}(),.-1 aANDORNOTIN")), max_size=40))
def test_any_text_parses_or_is_a_validation_error(text: str) -> None:
    try:
        parse_statement(text)
    except ExpressionError as error:
        assert error.message.startswith(MALFORMED)


def test_parameters_counted_in_order() -> None:
    parsed = parse_statement("UPDATE t SET a = ?, b = [?, {'x': ?}] WHERE pk = ? AND sk IN [?, ?]")
    assert parsed.parameters == 6

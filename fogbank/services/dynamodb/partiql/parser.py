"""A recursive-descent parser for DynamoDB's PartiQL statements (SELECT, INSERT, UPDATE, DELETE).

Precedence, loosest first: OR, AND, NOT, predicates (comparisons, BETWEEN, IN, IS), ``+``/``-``,
then primaries (literals, ``?``, paths, function calls, parentheses, ``[ ]`` lists, ``<< >>``
bags, ``{ }`` tuples, ``EXISTS(SELECT ...)``). Keywords are case-insensitive; identifiers are
case-sensitive and may be double-quoted (which is how a keyword becomes an attribute name).
"""

from __future__ import annotations

from functools import lru_cache

from fogbank.services.dynamodb.partiql import ast
from fogbank.services.dynamodb.partiql.errors import malformed
from fogbank.services.dynamodb.partiql.lexer import Token, tokenize

_COMPARATORS = {"=": "=", "<>": "<>", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_RETURNING = {("ALL", "OLD"): "ALL_OLD", ("MODIFIED", "OLD"): "UPDATED_OLD", ("ALL", "NEW"): "ALL_NEW", ("MODIFIED", "NEW"): "UPDATED_NEW"}


@lru_cache(maxsize=1024)
def parse_statement(text: str) -> ast.Parsed:
    """The tree of one statement, or ValidationException "Statement wasn't well formed ..."."""
    parser = _Parser(tokenize(text))
    statement = parser.statement()
    return ast.Parsed(statement, parser.parameters)


def _describe(token: Token) -> str:
    if token.kind == "EOF":
        return "Unexpected end of statement"
    if token.kind == "KEYWORD":
        return f"Unexpected keyword at {token.at}: {token.text}"
    return f"Unexpected token at {token.at}: {token.text}"


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.parameters = 0

    # --- token helpers -----------------------------------------------------------------------

    @property
    def peek(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        token = self.tokens[self.pos]
        if token.kind != "EOF":
            self.pos += 1
        return token

    def at(self, kind: str, text: str | None = None) -> bool:
        token = self.peek
        return token.kind == kind and (text is None or token.text == text)

    def accept(self, kind: str, text: str | None = None) -> Token | None:
        return self.take() if self.at(kind, text) else None

    def expect(self, kind: str, text: str | None = None) -> Token:
        if not self.at(kind, text):
            raise malformed(_describe(self.peek))
        return self.take()

    def word(self, *choices: str) -> str | None:
        """A contextual word (RETURNING's ALL/MODIFIED/OLD/NEW) read case-insensitively."""
        token = self.peek
        if token.kind in ("IDENT", "KEYWORD") and token.text.upper() in choices:
            self.take()
            return token.text.upper()
        return None

    # --- statements --------------------------------------------------------------------------

    def statement(self) -> ast.Statement:
        token = self.peek
        if token.kind != "KEYWORD" or token.text not in ("SELECT", "INSERT", "UPDATE", "DELETE", "EXISTS"):
            raise malformed(_describe(token))
        if token.text == "EXISTS":
            result: ast.Statement = self.primary()  # type: ignore[assignment]
        elif token.text == "SELECT":
            result = self.select()
        elif token.text == "INSERT":
            result = self.insert()
        elif token.text == "UPDATE":
            result = self.update()
        else:
            result = self.delete()
        self.accept("SYMBOL", ";")
        self.expect("EOF")
        return result

    def name(self) -> str:
        token = self.peek
        if token.kind in ("IDENT", "QIDENT"):
            self.take()
            if token.kind == "QIDENT" and token.text == "":
                raise malformed(f"Empty quoted identifier at {token.at}")
            return token.text
        raise malformed(_describe(token))

    def target(self) -> ast.Target:
        table = self.name()
        if self.accept("SYMBOL", "."):
            return ast.Target(table, self.name())
        return ast.Target(table)

    def select(self) -> ast.Select:
        self.expect("KEYWORD", "SELECT")
        projection: tuple[ast.Path, ...] | None
        if self.accept("SYMBOL", "*"):
            projection = None
        else:
            paths = [self.path()]
            while self.accept("SYMBOL", ","):
                paths.append(self.path())
            projection = tuple(paths)
        self.expect("KEYWORD", "FROM")
        target = self.target()
        where = self.expression() if self.accept("KEYWORD", "WHERE") else None
        order, descending = None, False
        if self.accept("KEYWORD", "ORDER"):
            self.expect("KEYWORD", "BY")
            order = self.path()
            if self.accept("KEYWORD", "DESC"):
                descending = True
            else:
                self.accept("KEYWORD", "ASC")
        return ast.Select(projection, target, where, order, descending)

    def insert(self) -> ast.Insert:
        self.expect("KEYWORD", "INSERT")
        self.expect("KEYWORD", "INTO")
        target = self.target()
        self.expect("KEYWORD", "VALUE")
        return ast.Insert(target, self.additive())

    def update(self) -> ast.Update:
        self.expect("KEYWORD", "UPDATE")
        target = self.target()
        actions: list[ast.SetAction | ast.RemoveAction] = []
        while True:
            if self.accept("KEYWORD", "SET"):
                actions.append(self.set_action())
                while self.accept("SYMBOL", ","):
                    actions.append(self.set_action())
            elif self.accept("KEYWORD", "REMOVE"):
                actions.append(ast.RemoveAction(self.path()))
                while self.accept("SYMBOL", ","):
                    actions.append(ast.RemoveAction(self.path()))
            else:
                break
        if not actions:
            raise malformed(_describe(self.peek))
        where = self.expression() if self.accept("KEYWORD", "WHERE") else None
        return ast.Update(target, tuple(actions), where, self.returning())

    def set_action(self) -> ast.SetAction:
        path = self.path()
        self.expect("SYMBOL", "=")
        return ast.SetAction(path, self.additive())

    def delete(self) -> ast.Delete:
        self.expect("KEYWORD", "DELETE")
        self.expect("KEYWORD", "FROM")
        target = self.target()
        where = self.expression() if self.accept("KEYWORD", "WHERE") else None
        return ast.Delete(target, where, self.returning())

    def returning(self) -> str | None:
        if not self.accept("KEYWORD", "RETURNING"):
            return None
        which = self.word("ALL", "MODIFIED")
        age = self.word("OLD", "NEW")
        if which is None or age is None:
            raise malformed(_describe(self.peek))
        self.expect("SYMBOL", "*")
        return _RETURNING[(which, age)]

    # --- expressions -------------------------------------------------------------------------

    def expression(self) -> ast.Expr:
        left = self.conjunction()
        while self.accept("KEYWORD", "OR"):
            left = ast.Or(left, self.conjunction())
        return left

    def conjunction(self) -> ast.Expr:
        left = self.negation()
        while self.accept("KEYWORD", "AND"):
            left = ast.And(left, self.negation())
        return left

    def negation(self) -> ast.Expr:
        if self.accept("KEYWORD", "NOT"):
            return ast.Not(self.negation())
        return self.predicate()

    def predicate(self) -> ast.Expr:
        left = self.additive()
        token = self.peek
        if token.kind == "SYMBOL" and token.text in _COMPARATORS:
            self.take()
            return ast.Compare(_COMPARATORS[token.text], left, self.additive())
        negated = False
        if token.kind == "KEYWORD" and token.text == "NOT" and self.tokens[self.pos + 1].text in ("BETWEEN", "IN"):
            self.take()
            negated = True
        if self.accept("KEYWORD", "BETWEEN"):
            low = self.additive()
            self.expect("KEYWORD", "AND")
            node: ast.Expr = ast.Between(left, low, self.additive())
            return ast.Not(node) if negated else node
        if self.accept("KEYWORD", "IN"):
            node = ast.In(left, self.choices())
            return ast.Not(node) if negated else node
        if self.accept("KEYWORD", "IS"):
            is_not = self.accept("KEYWORD", "NOT") is not None
            what = self.peek
            if what.kind != "KEYWORD" or what.text not in ("NULL", "MISSING"):
                raise malformed(_describe(what))
            self.take()
            return ast.Is(left, what.text, is_not)
        return left

    def choices(self) -> tuple[ast.Expr, ...]:
        if self.accept("SYMBOL", "["):
            close = "]"
        else:
            self.expect("SYMBOL", "(")
            close = ")"
        items = [self.additive()]
        while self.accept("SYMBOL", ","):
            items.append(self.additive())
        self.expect("SYMBOL", close)
        return tuple(items)

    def additive(self) -> ast.Expr:
        left = self.primary()
        while self.peek.kind == "SYMBOL" and self.peek.text in ("+", "-"):
            op = self.take().text
            left = ast.Arith(op, left, self.primary())
        return left

    def primary(self) -> ast.Expr:
        token = self.peek
        kind, text = token.kind, token.text
        if kind == "STRING":
            self.take()
            return ast.Literal(("S", text))
        if kind == "NUMBER":
            self.take()
            return ast.Literal(("N", text))
        if kind == "SYMBOL" and text == "-" and self.tokens[self.pos + 1].kind == "NUMBER":
            self.take()
            return ast.Literal(("N", "-" + self.take().text))
        if kind == "SYMBOL" and text == "?":
            self.take()
            self.parameters += 1
            return ast.Param(self.parameters - 1)
        if kind == "KEYWORD":
            if text in ("TRUE", "FALSE"):
                self.take()
                return ast.Literal(("BOOL", text == "TRUE"))
            if text == "NULL":
                self.take()
                return ast.Literal(("NULL", True))
            if text == "EXISTS":
                self.take()
                self.expect("SYMBOL", "(")
                select = self.select()
                self.expect("SYMBOL", ")")
                return ast.Exists(select)
            raise malformed(_describe(token))
        if kind == "SYMBOL":
            if text == "(":
                self.take()
                inner = self.expression()
                self.expect("SYMBOL", ")")
                return inner
            if text == "[":
                self.take()
                return ast.ListLit(self.items("]"))
            if text == "<<":
                self.take()
                return ast.BagLit(self.items(">>"))
            if text == "{":
                self.take()
                return ast.TupleLit(self.pairs())
            raise malformed(_describe(token))
        if kind == "IDENT" and self.tokens[self.pos + 1].kind == "SYMBOL" and self.tokens[self.pos + 1].text == "(":
            self.take()
            self.take()
            args: list[ast.Expr] = []
            if not self.accept("SYMBOL", ")"):
                args.append(self.additive())
                while self.accept("SYMBOL", ","):
                    args.append(self.additive())
                self.expect("SYMBOL", ")")
            return ast.Call(text.upper(), tuple(args))
        if kind in ("IDENT", "QIDENT"):
            return self.path()
        raise malformed(_describe(token))

    def items(self, close: str) -> tuple[ast.Expr, ...]:
        if self.accept("SYMBOL", close):
            return ()
        items = [self.additive()]
        while self.accept("SYMBOL", ","):
            items.append(self.additive())
        self.expect("SYMBOL", close)
        return tuple(items)

    def pairs(self) -> tuple[tuple[str, ast.Expr], ...]:
        if self.accept("SYMBOL", "}"):
            return ()
        pairs = [self.pair()]
        while self.accept("SYMBOL", ","):
            pairs.append(self.pair())
        self.expect("SYMBOL", "}")
        return tuple(pairs)

    def pair(self) -> tuple[str, ast.Expr]:
        token = self.peek
        if token.kind not in ("STRING", "QIDENT"):
            raise malformed(_describe(token))
        self.take()
        self.expect("SYMBOL", ":")
        return token.text, self.additive()

    def path(self) -> ast.Path:
        head = self.name()
        steps: list[str | int] = []
        while True:
            if self.accept("SYMBOL", "."):
                steps.append(self.name())
            elif self.accept("SYMBOL", "["):
                token = self.take()
                if token.kind == "NUMBER" and token.text.isdigit():
                    steps.append(int(token.text))
                elif token.kind == "STRING":
                    steps.append(token.text)
                else:
                    raise malformed(_describe(token))
                self.expect("SYMBOL", "]")
            else:
                return ast.Path(head, tuple(steps))

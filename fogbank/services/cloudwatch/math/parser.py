"""The parser of metric math: tokens to a small tree of tuples.

Nodes: ("num", float) | ("str", text) | ("ref", id) | ("word", NAME) (a bare upper-case word such
as REPEAT) | ("neg", node) | ("not", node) | ("bin", op, left, right) | ("call", NAME, [args]) |
("array", [items]).

Precedence, loosest first: OR, AND, NOT, comparisons, + -, * /, unary minus, ^ (right-assoc).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fogbank.services.cloudwatch.math.errors import MathError
from fogbank.services.cloudwatch.math.lexer import Token, tokenize

Node = tuple[Any, ...]
COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")
MAX_LENGTH = 2048
#: bare words that are arguments, not query ids
WORDS = frozenset({"REPEAT", "LINEAR", "ASC", "DESC"})


@lru_cache(maxsize=512)
def parse(text: str) -> Node:
    """The tree of an expression; raises MathError when it is malformed."""
    if not text or not text.strip():
        raise MathError("Expression must not be empty")
    if len(text) > MAX_LENGTH:
        raise MathError(f"Expression is longer than {MAX_LENGTH} characters")
    return _Parser(tokenize(text)).whole()


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def accept(self, op: str) -> bool:
        token = self.peek()
        if token.kind == "op" and token.value == op:
            self.i += 1
            return True
        return False

    def expect(self, op: str) -> None:
        if not self.accept(op):
            token = self.peek()
            found = "end of expression" if token.kind == "end" else repr(token.value)
            raise MathError(f"Expected {op!r} but found {found} at position {token.pos}", token.pos)

    def whole(self) -> Node:
        node = self.or_()
        token = self.peek()
        if token.kind != "end":
            raise MathError(f"Unexpected token {token.value!r} at position {token.pos}", token.pos)
        return node

    def or_(self) -> Node:
        node = self.and_()
        while self.accept("||"):
            node = ("bin", "||", node, self.and_())
        return node

    def and_(self) -> Node:
        node = self.not_()
        while self.accept("&&"):
            node = ("bin", "&&", node, self.not_())
        return node

    def not_(self) -> Node:
        if self.accept("NOT"):
            return ("not", self.not_())
        return self.comparison()

    def comparison(self) -> Node:
        node = self.additive()
        token = self.peek()
        if token.kind == "op" and token.value in COMPARISONS:
            self.i += 1
            node = ("bin", token.value, node, self.additive())
        return node

    def additive(self) -> Node:
        node = self.multiplicative()
        while True:
            token = self.peek()
            if token.kind == "op" and token.value in ("+", "-"):
                self.i += 1
                node = ("bin", token.value, node, self.multiplicative())
            else:
                return node

    def multiplicative(self) -> Node:
        node = self.unary()
        while True:
            token = self.peek()
            if token.kind == "op" and token.value in ("*", "/"):
                self.i += 1
                node = ("bin", token.value, node, self.unary())
            else:
                return node

    def unary(self) -> Node:
        if self.accept("-"):
            return ("neg", self.unary())
        if self.accept("+"):
            return self.unary()
        return self.power()

    def power(self) -> Node:
        node = self.primary()
        if self.accept("^"):
            node = ("bin", "^", node, self.unary())
        return node

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "num":
            return ("num", token.value)
        if token.kind == "str":
            return ("str", token.value)
        if token.kind == "id":
            name = str(token.value)
            if self.accept("("):
                args: list[Node] = []
                if not self.accept(")"):
                    args.append(self.or_())
                    while self.accept(","):
                        args.append(self.or_())
                    self.expect(")")
                return ("call", name.upper(), args)
            if name.isupper() and not name[0].isdigit() and name in WORDS:
                return ("word", name)
            return ("ref", name)
        if token.kind == "op" and token.value == "(":
            node = self.or_()
            self.expect(")")
            return node
        if token.kind == "op" and token.value == "[":
            items: list[Node] = []
            if not self.accept("]"):
                items.append(self.or_())
                while self.accept(","):
                    items.append(self.or_())
                self.expect("]")
            return ("array", items)
        found = "end of expression" if token.kind == "end" else repr(token.value)
        raise MathError(f"Unexpected {found} at position {token.pos}", token.pos)


def references(node: Node) -> set[str]:
    """The query ids an expression refers to (for dependency order and cycle checks)."""
    kind = node[0]
    if kind == "ref":
        return {node[1]}
    if kind in ("neg", "not"):
        return references(node[1])
    if kind == "bin":
        return references(node[2]) | references(node[3])
    if kind == "call":
        out: set[str] = set()
        for arg in node[2]:
            out |= references(arg)
        return out
    if kind == "array":
        out = set()
        for item in node[1]:
            out |= references(item)
        return out
    return set()


def calls(node: Node) -> set[str]:
    """The function names an expression calls."""
    kind = node[0]
    if kind == "call":
        out = {node[1]}
        for arg in node[2]:
            out |= calls(arg)
        return out
    if kind in ("neg", "not"):
        return calls(node[1])
    if kind == "bin":
        return calls(node[2]) | calls(node[3])
    if kind == "array":
        out = set()
        for item in node[1]:
            out |= calls(item)
        return out
    return set()

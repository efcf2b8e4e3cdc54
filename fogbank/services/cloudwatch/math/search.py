"""SEARCH expressions: ``{Namespace,Dim1,Dim2} MetricName="Errors" prod OR staging NOT test``.

An optional schema in braces names a namespace and the exact set of dimension names a metric must
have. Terms are bare words (a case-insensitive partial match on the namespace, metric name,
dimension names and values), ``Name=value`` properties (``Namespace``, ``MetricName`` or a
dimension name; a quoted value must match exactly, a bare one partially) and quoted phrases
(exact match of any of those strings); AND (the default), OR, NOT and parentheses combine them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from fogbank.services.cloudwatch.math.errors import MathError

_TOKEN = re.compile(r'\s*(?:(\()|(\))|"((?:[^"\\]|\\.)*)"|([^\s()"=]+)=("(?:[^"\\]|\\.)*"|[^\s()"]+)|([^\s()"]+))')


@dataclass(frozen=True)
class MetricId:
    """What a search looks at: a metric's namespace, name and dimension pairs."""

    namespace: str
    name: str
    dims: tuple[tuple[str, str], ...]

    def strings(self) -> list[str]:
        """Every text a bare term may match."""
        out = [self.namespace, self.name]
        for dim, value in self.dims:
            out.extend((dim, value))
        return out


Predicate = Callable[[MetricId], bool]


@lru_cache(maxsize=256)
def compile_search(text: str) -> Predicate:
    """A predicate over metrics for a search expression; raises MathError when malformed."""
    text = text.strip()
    schema: Predicate | None = None
    if text.startswith("{"):
        close = text.find("}")
        if close < 0:
            raise MathError("Unclosed { in the search expression")
        parts = [p.strip().strip('"') for p in text[1:close].split(",")]
        if not parts or not parts[0]:
            raise MathError("The schema of a search expression must name a namespace")
        namespace, dim_names = parts[0], frozenset(p for p in parts[1:] if p)

        def schema(m: MetricId, namespace: str = namespace, dim_names: frozenset[str] = dim_names) -> bool:
            return m.namespace == namespace and frozenset(d for d, _ in m.dims) == dim_names

        text = text[close + 1:]
    tokens = _tokens(text)
    body: Predicate = (lambda m: True) if not tokens else _Parser(tokens).whole()
    if schema is None:
        return body
    check = schema
    return lambda m: check(m) and body(m)


def _tokens(text: str) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    pos = 0
    while pos < len(text):
        if not text[pos:].strip():
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise MathError(f"Cannot parse the search expression at position {pos}")
        opening, closing, phrase, prop, value, word = match.groups()
        if opening:
            out.append(("(", "", ""))
        elif closing:
            out.append((")", "", ""))
        elif phrase is not None:
            out.append(("phrase", phrase, ""))
        elif prop is not None:
            out.append(("prop", prop, value))
        elif word.upper() in ("AND", "OR", "NOT"):
            out.append((word.upper(), "", ""))
        else:
            out.append(("word", word, ""))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str, str]]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self) -> str:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else "end"

    def whole(self) -> Predicate:
        node = self.or_()
        if self.peek() != "end":
            raise MathError("Unexpected token in the search expression")
        return node

    def or_(self) -> Predicate:
        options = [self.and_()]
        while self.peek() == "OR":
            self.i += 1
            options.append(self.and_())
        return options[0] if len(options) == 1 else (lambda m: any(p(m) for p in options))

    def and_(self) -> Predicate:
        parts = [self.not_()]
        while self.peek() not in ("OR", ")", "end"):
            if self.peek() == "AND":
                self.i += 1
            parts.append(self.not_())
        return parts[0] if len(parts) == 1 else (lambda m: all(p(m) for p in parts))

    def not_(self) -> Predicate:
        if self.peek() == "NOT":
            self.i += 1
            inner = self.not_()
            return lambda m: not inner(m)
        return self.atom()

    def atom(self) -> Predicate:
        kind = self.peek()
        if kind == "end":
            raise MathError("The search expression ends too early")
        _, a, b = self.tokens[self.i]
        self.i += 1
        if kind == "(":
            inner = self.or_()
            if self.peek() != ")":
                raise MathError("Unclosed ( in the search expression")
            self.i += 1
            return inner
        if kind == "word":
            needle = a.lower()
            return lambda m: any(needle in s.lower() for s in m.strings())
        if kind == "phrase":
            return lambda m: a in m.strings()
        if kind == "prop":
            return _property(a, b)
        raise MathError(f"Unexpected {kind} in the search expression")


def _property(name: str, raw: str) -> Predicate:
    exact = raw.startswith('"')
    value = raw[1:-1] if exact else raw.lower()

    def candidates(m: MetricId) -> list[str]:
        if name == "Namespace":
            return [m.namespace]
        if name == "MetricName":
            return [m.name]
        return [v for d, v in m.dims if d == name]

    if exact:
        return lambda m: value in candidates(m)
    return lambda m: any(value in c.lower() for c in candidates(m))

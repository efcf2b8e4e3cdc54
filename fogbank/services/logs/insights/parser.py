"""The Logs Insights query parser: ``fields``, ``display``, ``filter``, ``stats … by``, ``sort``,
``limit``, ``parse`` (glob or regex) and ``dedup`` commands joined by ``|``, into plain nodes.

Expressions are tuples: ("lit", v), ("field", name), ("call", name, args), ("op", sym, a, b),
("neg", a), ("not", a), ("and", a, b), ("or", a, b), ("like", a, regex, negated),
("in", a, values, negated).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fogbank.services.logs.insights.lexer import Token, malformed, tokenize

COMMANDS = ("fields", "display", "filter", "stats", "sort", "limit", "parse", "dedup")
AGGREGATES = ("count", "count_distinct", "sum", "avg", "min", "max", "pct", "stddev", "earliest", "latest")
_UNITS = {"ms": 0.001, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400, "w": 604800}


@dataclass
class Command:
    """One command of the pipeline."""

    name: str
    items: list[tuple[Any, str]] = field(default_factory=list)  # (expression, output name)
    by: list[tuple[Any, str]] = field(default_factory=list)
    expr: Any = None
    order: list[tuple[Any, bool]] = field(default_factory=list)  # (expression, descending)
    number: int = 0
    source: Any = None
    regex: re.Pattern[str] | None = None
    names: list[str] = field(default_factory=list)


def parse(text: str) -> list[Command]:
    """The commands of a query (MalformedQueryException when it does not parse)."""
    if not text.strip():
        raise malformed("Query string cannot be empty")
    parser = _Parser(text, tokenize(text))
    commands = [parser.command()]
    while parser.peek().text == "|":
        parser.take()
        commands.append(parser.command())
    end = parser.peek()
    if end.kind != "end":
        raise malformed(f"unexpected symbol found {end.text} at line 1 and position {end.start}", end.start,
                        end.start + len(end.text))
    return commands


def bin_seconds(spec: str) -> float:
    """The seconds in a ``bin()`` period such as ``5m`` or ``1h``."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([a-z]+)?", spec)
    if not m or (m.group(2) or "s") not in _UNITS:
        raise malformed(f"Invalid time period: {spec}")
    return float(m.group(1)) * _UNITS[m.group(2) or "s"]


class _Parser:
    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.i = 0

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def take(self) -> Token:
        tok = self.peek()
        self.i = min(self.i + 1, len(self.tokens) - 1)
        return tok

    def expect(self, text: str) -> Token:
        tok = self.take()
        if tok.word != text:
            raise self.error(tok, f"expected {text}")
        return tok

    def error(self, tok: Token, why: str = "") -> Exception:
        shown = tok.text or "end of query"
        message = f"unexpected symbol found {shown} at line 1 and position {tok.start}"
        return malformed(message + (f": {why}" if why else ""), tok.start, tok.start + max(1, len(tok.text)))

    def source(self, start: int) -> str:
        end = self.peek().start
        return " ".join(self.text[start:end].split())

    # --- commands ----------------------------------------------------------------------------

    def command(self) -> Command:
        tok = self.take()
        name = tok.word
        if tok.kind != "field" or name not in COMMANDS:
            raise self.error(tok, "expected a command")
        if name in ("fields", "display"):
            return Command(name, items=self.named_list())
        if name == "filter":
            return Command(name, expr=self.expression())
        if name == "stats":
            items = self.named_list(aggregates=True)
            by: list[tuple[Any, str]] = []
            if self.peek().word == "by":
                self.take()
                by = self.named_list()
            return Command(name, items=items, by=by)
        if name == "sort":
            order = [self.sort_key()]
            while self.peek().text == ",":
                self.take()
                order.append(self.sort_key())
            return Command(name, order=order)
        if name == "limit":
            tok = self.take()
            if tok.kind != "number" or not tok.text.isdigit() or int(tok.text) < 1:
                raise self.error(tok, "limit takes a positive whole number")
            return Command(name, number=int(tok.text))
        if name == "dedup":
            return Command(name, items=self.named_list())
        return self.parse_command()

    def parse_command(self) -> Command:
        source: Any = ("field", "@message")
        if self.peek().kind == "field" and self.peek(1).kind in ("string", "regex"):
            source = ("field", self.take().text)
        tok = self.take()
        if tok.kind == "regex":
            regex = _regex(tok, self)
            names = list(regex.groupindex)
            if not names:
                raise self.error(tok, "a parse regex needs named groups (?<name>...)")
            return Command("parse", source=source, regex=regex, names=names)
        if tok.kind != "string":
            raise self.error(tok, "expected a parse pattern")
        glob = _unquote(tok.text)
        count = glob.count("*")
        if not count:
            raise self.error(tok, "a parse pattern needs at least one *")
        regex = re.compile(".*?".join(re.escape(p) for p in glob.split("*")).replace(".*?", "(.*?)"), re.DOTALL)
        self.expect("as")
        names = [self.field_name()]
        while self.peek().text == ",":
            self.take()
            names.append(self.field_name())
        if len(names) != count:
            raise self.error(tok, f"the pattern has {count} fields but {len(names)} names")
        return Command("parse", source=source, regex=regex, names=names)

    def field_name(self) -> str:
        tok = self.take()
        if tok.kind != "field":
            raise self.error(tok, "expected a field name")
        return tok.text

    def named_list(self, aggregates: bool = False) -> list[tuple[Any, str]]:
        items = [self.named(aggregates)]
        while self.peek().text == ",":
            self.take()
            items.append(self.named(aggregates))
        return items

    def named(self, aggregates: bool) -> tuple[Any, str]:
        start = self.peek().start
        expr = self.expression()
        name = self.source(start)
        if aggregates and not _has_aggregate(expr):
            raise malformed(f"stats needs an aggregate function: {name}", start, start + len(name))
        if self.peek().word == "as":
            self.take()
            name = self.field_name()
        return expr, name

    def sort_key(self) -> tuple[Any, bool]:
        expr = self.expression()
        descending = True  # Insights sorts descending unless told otherwise
        if self.peek().word in ("asc", "desc"):
            descending = self.take().word == "desc"
        return expr, descending

    # --- expressions -------------------------------------------------------------------------

    def expression(self) -> Any:
        left = self.conjunction()
        while self.peek().word == "or" or self.peek().text == "||":
            self.take()
            left = ("or", left, self.conjunction())
        return left

    def conjunction(self) -> Any:
        left = self.negation()
        while self.peek().word == "and" or self.peek().text == "&&":
            self.take()
            left = ("and", left, self.negation())
        return left

    def negation(self) -> Any:
        if self.peek().word == "not" or self.peek().text == "!":
            self.take()
            return ("not", self.negation())
        return self.comparison()

    def comparison(self) -> Any:
        left = self.additive()
        tok = self.peek()
        negated = False
        if tok.word == "not" and self.peek(1).word in ("like", "in"):
            self.take()
            negated, tok = True, self.peek()
        if tok.text in ("=", "==", "!=", "<", ">", "<=", ">="):
            self.take()
            return ("op", "=" if tok.text == "==" else tok.text, left, self.additive())
        if tok.word == "like" or tok.text == "=~":
            self.take()
            pattern = self.take()
            if pattern.kind == "regex":
                return ("like", left, _regex(pattern, self), negated)
            if pattern.kind == "string":
                return ("like", left, re.compile(re.escape(_unquote(pattern.text))), negated)
            raise self.error(pattern, "like takes a string or a /regex/")
        if tok.word == "in":
            self.take()
            opening = self.take()
            if opening.text != "[":
                raise self.error(opening, "in takes a [list]")
            values = [] if self.peek().text == "]" else [self.additive()]
            while self.peek().text == ",":
                self.take()
                values.append(self.additive())
            closing = self.take()
            if closing.text != "]":
                raise self.error(closing, "expected ]")
            return ("in", left, values, negated)
        return left

    def additive(self) -> Any:
        left = self.term()
        while self.peek().text in ("+", "-"):
            left = ("op", self.take().text, left, self.term())
        return left

    def term(self) -> Any:
        left = self.unary()
        while self.peek().text in ("*", "/", "%"):
            left = ("op", self.take().text, left, self.unary())
        return left

    def unary(self) -> Any:
        if self.peek().text == "-":
            self.take()
            return ("neg", self.unary())
        return self.primary()

    def primary(self) -> Any:
        tok = self.take()
        if tok.kind == "number":
            if not re.fullmatch(r"[\d.eE+-]+", tok.text):
                return ("lit", tok.text)  # a period such as 5m, used by bin()
            value = float(tok.text)
            return ("lit", int(value) if value.is_integer() and "." not in tok.text else value)
        if tok.kind == "string":
            return ("lit", _unquote(tok.text))
        if tok.text == "(":
            inner = self.expression()
            closing = self.take()
            if closing.text != ")":
                raise self.error(closing, "expected )")
            return inner
        if tok.text == "*":
            return ("lit", "*")
        if tok.kind == "field":
            if self.peek().text == "(":
                self.take()
                args: list[Any] = []
                if self.peek().text != ")":
                    args.append(self.expression())
                    while self.peek().text == ",":
                        self.take()
                        args.append(self.expression())
                closing = self.take()
                if closing.text != ")":
                    raise self.error(closing, "expected )")
                return ("call", tok.word, args)
            if tok.word in ("true", "false"):
                return ("lit", tok.word == "true")
            return ("field", tok.text)
        raise self.error(tok)


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text[1:-1])


def _regex(tok: Token, parser: _Parser) -> re.Pattern[str]:
    body, _, flags = tok.text[1:].rpartition("/")
    # Insights writes named groups the PCRE way, (?<name>...)
    body = re.sub(r"\(\?<([A-Za-z_]\w*)>", r"(?P<\1>", body)
    try:
        return re.compile(body, re.IGNORECASE if "i" in flags else 0)
    except re.error as err:
        raise parser.error(tok, f"invalid regular expression: {err}") from None


def _has_aggregate(expr: Any) -> bool:
    if isinstance(expr, list):
        return any(_has_aggregate(part) for part in expr)
    if not isinstance(expr, tuple):
        return False
    if expr[0] == "call" and expr[1] in AGGREGATES:
        return True
    return any(_has_aggregate(part) for part in expr[1:])

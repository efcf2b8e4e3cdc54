"""Tokens of DynamoDB's PartiQL: identifiers ("quoted" too), 'strings', numbers, ``?`` and symbols."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fogbank.services.dynamodb.partiql.errors import malformed

#: Words that end an identifier's role: unquoted they are keywords, never attribute names.
KEYWORDS = frozenset(
    {
        "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "BETWEEN", "IS", "NULL", "MISSING",
        "TRUE", "FALSE", "INSERT", "INTO", "VALUE", "UPDATE", "SET", "REMOVE", "DELETE",
        "RETURNING", "ORDER", "BY", "ASC", "DESC", "EXISTS",
    }
)

#: Multi-character symbols first so that ``<<`` is not read as two ``<``.
_SYMBOLS = ("<<", ">>", "<=", ">=", "<>", "!=", "=", "<", ">", "(", ")", "[", "]", "{", "}", ",", ".", ":", "*", "+", "-", "?", ";")
_NUMBER = re.compile(r"(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_WORD = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Token:
    """One token: ``kind`` is KEYWORD, IDENT, QIDENT, STRING, NUMBER, SYMBOL or EOF."""

    kind: str
    text: str
    at: int


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text`` followed by an EOF token; unknown characters are a syntax error."""
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        space = _SPACE.match(text, i)
        if space:
            i = space.end()
            continue
        if ch == "-" and text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if ch == "'" or ch == '"':
            value, i2 = _quoted(text, i, ch)
            out.append(Token("STRING" if ch == "'" else "QIDENT", value, i))
            i = i2
            continue
        number = _NUMBER.match(text, i)
        if number and (ch.isdigit() or ch == "."):
            if number.end() < n and (text[number.end()].isalpha() or text[number.end()] == "_"):
                raise malformed(f"Unexpected character at {number.end()}: {text[number.end()]!r}")
            out.append(Token("NUMBER", number.group(), i))
            i = number.end()
            continue
        word = _WORD.match(text, i)
        if word:
            upper = word.group().upper()
            out.append(Token("KEYWORD", upper, i) if upper in KEYWORDS else Token("IDENT", word.group(), i))
            i = word.end()
            continue
        for symbol in _SYMBOLS:
            if text.startswith(symbol, i):
                out.append(Token("SYMBOL", symbol, i))
                i += len(symbol)
                break
        else:
            raise malformed(f"Unexpected character at {i}: {ch!r}")
    out.append(Token("EOF", "", n))
    return out


def _quoted(text: str, start: int, quote: str) -> tuple[str, int]:
    """A quoted string or identifier starting at ``start`` (a doubled quote is the quote itself)."""
    parts: list[str] = []
    i = start + 1
    while True:
        end = text.find(quote, i)
        if end < 0:
            what = "string literal" if quote == "'" else "quoted identifier"
            raise malformed(f"Unterminated {what} starting at {start}")
        parts.append(text[i:end])
        if text.startswith(quote * 2, end):
            parts.append(quote)
            i = end + 2
            continue
        return "".join(parts), end + 1

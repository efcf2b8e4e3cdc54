"""Tokens of the filter pattern condition syntax shared by JSON and space-delimited patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fogbank.services.logs.errors import InvalidParameterException

OPERATORS = ("!=", "<=", ">=", "=", "<", ">")
PUNCTUATION = ("&&", "||", "...", "(", ")", ",", "[", "]", "{", "}")
_SELECTOR = re.compile(r"\$(?:\.[^\s.\[\]=!<>&|(){},\"]+|\[(?:\d+|\*)\])*")
_WORD = re.compile(r"[^\s=!<>()&|,\[\]{}\"]+")


class PatternError(InvalidParameterException):
    """A filter pattern that does not parse."""

    code = "InvalidParameterException"


@dataclass(frozen=True)
class Token:
    """One token: ``kind`` is op, punct, string (quoted), selector or word."""

    kind: str
    text: str
    pos: int


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``; PatternError on an unterminated string or a stray character."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch == '"':
            j, out = i + 1, []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                out.append(text[j])
                j += 1
            if j >= n:
                raise PatternError(f"Invalid filter pattern: unterminated string at position {i}")
            tokens.append(Token("string", "".join(out), i))
            i = j + 1
            continue
        matched = next((p for p in PUNCTUATION if text.startswith(p, i)), None)
        if matched:
            tokens.append(Token("punct", matched, i))
            i += len(matched)
            continue
        matched = next((o for o in OPERATORS if text.startswith(o, i)), None)
        if matched:
            tokens.append(Token("op", matched, i))
            i += len(matched)
            continue
        m = _SELECTOR.match(text, i) if text.startswith(("$.", "$["), i) else None
        if m and m.end() > i + 1:
            tokens.append(Token("selector", m.group(), i))
            i = m.end()
            continue
        m = _WORD.match(text, i)
        if not m:
            raise PatternError(f"Invalid character(s) in filter pattern at position {i}: '{ch}'")
        tokens.append(Token("word", m.group(), i))
        i = m.end()
    return tokens


class Cursor:
    """A position in a token list with the peek/expect helpers the parsers use."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self, offset: int = 0) -> Token | None:
        """The token ``offset`` ahead, or None past the end."""
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def at(self, kind: str, text: str | None = None) -> bool:
        """Whether the next token has ``kind`` (and ``text``)."""
        tok = self.peek()
        return tok is not None and tok.kind == kind and (text is None or tok.text == text)

    def take(self) -> Token:
        """The next token (PatternError at the end)."""
        tok = self.peek()
        if tok is None:
            raise PatternError("Invalid filter pattern: unexpected end of pattern")
        self.i += 1
        return tok

    def expect(self, kind: str, text: str | None = None) -> Token:
        """The next token, which must have ``kind`` (and ``text``)."""
        tok = self.peek()
        if tok is None or tok.kind != kind or (text is not None and tok.text != text):
            found = "end of pattern" if tok is None else f"'{tok.text}'"
            raise PatternError(f"Invalid filter pattern: expected {text or kind} but found {found}")
        self.i += 1
        return tok

    def done(self) -> bool:
        """Whether every token has been used."""
        return self.i >= len(self.tokens)

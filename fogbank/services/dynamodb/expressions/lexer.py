"""Tokens of DynamoDB's expression language, with their positions for syntax-error messages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from fogbank.services.dynamodb.expressions.errors import ExpressionError, invalid


class Token(NamedTuple):
    """One token: ``kind`` is NAME, NUMBER, NAMEREF (#x), VALUEREF (:x), an operator's text, or EOF."""

    kind: str
    text: str
    start: int
    end: int


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<NAME>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<NUMBER>[0-9]+)
  | (?P<NAMEREF>\#[A-Za-z0-9_]+)
  | (?P<VALUEREF>:[A-Za-z0-9_]+)
  | (?P<op><>|<=|>=|[=<>()\[\],.+\-])
    """,
    re.VERBOSE,
)

EOF_TEXT = "<EOF>"


@dataclass(frozen=True, slots=True)
class TokenStream:
    """The tokens of one expression text; ``tokens`` always ends with an EOF token."""

    text: str
    tokens: tuple[Token, ...]

    def syntax_error(self, index: int, kind: str) -> ExpressionError:
        """AWS's syntax error naming token ``index`` and its neighbours as context."""
        token = self.tokens[index]
        first = self.tokens[max(index - 1, 0)]
        last = self.tokens[min(index + 1, len(self.tokens) - 1)]
        near = self.text[first.start : max(last.end, token.end)]
        shown = EOF_TEXT if token.kind == "EOF" else token.text
        return invalid(kind, f'Syntax error; token: "{shown}", near: "{near}"')


def tokenize(text: str, kind: str) -> TokenStream:
    """Split ``text`` into tokens; an unknown character is a syntax error at that character."""
    tokens: list[Token] = []
    pos = 0
    size = len(text)
    match = _TOKEN.match
    while pos < size:
        found = match(text, pos)
        if found is None:
            bad = Token("ERROR", text[pos], pos, pos + 1)
            stream = TokenStream(text, (*tokens, bad, Token("EOF", "", size, size)))
            raise stream.syntax_error(len(tokens), kind)
        group = found.lastgroup
        end = found.end()
        if group != "ws":
            token_kind = found.group() if group == "op" else group
            tokens.append(Token(token_kind, found.group(), pos, end))
        pos = end
    tokens.append(Token("EOF", "", size, size))
    return TokenStream(text, tuple(tokens))

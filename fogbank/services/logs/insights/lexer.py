"""Tokens of the Logs Insights query language."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fogbank.services.logs.errors import MalformedQueryException

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<number>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?P<unit>ms|s|m|h|d|w|mo|q|y|sec|min|hr)?(?![A-Za-z0-9_]))
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<regex>/(?:[^/\\\n]|\\.)+/[a-z]*)
  | (?P<field>`[^`]+`|[@A-Za-z_$][\w.@$]*(?<!\.))
  | (?P<op>=~|!=|<=|>=|==|[=<>+\-*/%|,()\[\]])
""", re.VERBOSE)


@dataclass(frozen=True)
class Token:
    """One token: kind is number, string, regex, field, op or end; ``start`` its offset."""

    kind: str
    text: str
    start: int

    @property
    def word(self) -> str:
        """The lower-cased text (keywords are case-insensitive)."""
        return self.text.lower()


def malformed(message: str, start: int = 0, end: int = 0) -> MalformedQueryException:
    """A MalformedQueryException pointing at a place in the query."""
    return MalformedQueryException(
        message, fields={"queryCompileError": {"location": {"startCharOffset": start, "endCharOffset": end},
                                                "message": message}})


def tokenize(text: str) -> list[Token]:
    """The tokens of a query, ending with an ``end`` token."""
    tokens: list[Token] = []
    pos = 0
    regex_ok = True  # a slash starts a regex only where a value may start
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise malformed(f"unexpected symbol found {text[pos]} at line 1 and position {pos}", pos, pos + 1)
        kind = m.lastgroup or ""
        if kind == "unit":
            kind = "number"
        if kind == "regex" and not regex_ok:
            tokens.append(Token("op", "/", pos))
            pos += 1
            regex_ok = True
            continue
        if kind not in ("space", "comment"):
            value = m.group()
            if kind == "field" and value.startswith("`"):
                value = value[1:-1]
            tokens.append(Token(kind, value, pos))
            after_parse = len(tokens) > 1 and tokens[-2].text.lower() == "parse"
            regex_ok = (kind == "op" and value not in (")", "]")) or (
                kind == "field" and (value.lower() in _WORDS or after_parse))
        pos = m.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


_WORDS = frozenset({"like", "and", "or", "not", "in", "filter", "parse", "as"})

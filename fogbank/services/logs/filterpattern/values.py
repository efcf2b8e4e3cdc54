"""Comparing one field of a log event with a filter pattern's value: numbers, strings, wildcards."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from fogbank.services.logs.filterpattern.lexer import PatternError, Token

_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")


def as_number(value: Any) -> float | None:
    """``value`` as a number when it is one (or a string that spells one), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        return float(value)
    return None


@lru_cache(maxsize=512)
def _wildcard(text: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in text.split("*")), re.DOTALL)


@dataclass(frozen=True)
class Comparison:
    """``<field> op value``: numeric when the value is a bare number, otherwise a (wildcard) string."""

    op: str
    text: str
    quoted: bool

    @classmethod
    def of(cls, op: Token, value: Token) -> Comparison:
        """A comparison from its operator and value tokens (PatternError when they do not fit)."""
        if value.kind not in ("word", "string"):
            raise PatternError(f"Invalid filter pattern: expected a value after '{op.text}' but found '{value.text}'")
        comp = cls(op.text, value.text, value.kind == "string")
        if op.text not in ("=", "!=") and comp.number is None:
            raise PatternError(f"Invalid filter pattern: '{value.text}' is not a number for '{op.text}'")
        return comp

    @property
    def number(self) -> float | None:
        """The value as a number, when it is an unquoted number."""
        return None if self.quoted else as_number(self.text)

    def test(self, field: Any) -> bool:
        """Whether ``field`` (a string from a message, or a JSON value) satisfies the comparison."""
        if field is None or isinstance(field, dict | list):
            return False
        number = self.number
        if number is not None:
            have = as_number(field)
            if have is None:
                return self.op == "!="
            return _compare(self.op, have, number)
        if isinstance(field, bool):
            field = "true" if field else "false"
        elif not isinstance(field, str):
            field = _plain(field)
        matched = bool(_wildcard(self.text).fullmatch(field)) if "*" in self.text else field == self.text
        return matched if self.op == "=" else not matched


def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _compare(op: str, a: float, b: float) -> bool:
    if op == "=":
        return a == b
    if op == "!=":
        return a != b
    if op == "<":
        return a < b
    if op == ">":
        return a > b
    if op == "<=":
        return a <= b
    return a >= b

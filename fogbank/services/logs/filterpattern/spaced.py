"""Space-delimited filter patterns: ``[ip, user, ..., status = 5* || status = 4*, bytes > 1000]``.

A message splits on spaces into fields; text in double quotes or square brackets is one field
(without its quotes or brackets). ``...`` stands for any number of fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fogbank.services.logs.filterpattern.lexer import Cursor, PatternError, tokenize
from fogbank.services.logs.filterpattern.values import Comparison

_FIELD = re.compile(r'"([^"]*)"|\[([^\]]*)\]|(\S+)')
_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_\-.$]*")


def split(message: str) -> list[str]:
    """A message's space-delimited fields."""
    return [m.group(1) if m.group(1) is not None else m.group(2) if m.group(2) is not None else m.group(3)
            for m in _FIELD.finditer(message)]


@dataclass(frozen=True)
class Field:
    """One position of the pattern: a named field with optional conditions, or ``...``."""

    name: str
    any_of: tuple[tuple[Comparison, ...], ...] = ()

    @property
    def ellipsis(self) -> bool:
        """Whether this position is ``...``."""
        return self.name == "..."

    def accepts(self, value: str) -> bool:
        """Whether ``value`` satisfies the field's conditions (an OR of ANDs)."""
        return not self.any_of or any(all(c.test(value) for c in group) for group in self.any_of)


class SpacedPattern:
    """A compiled space-delimited filter pattern."""

    def __init__(self, text: str) -> None:
        cur = Cursor(tokenize(text))
        cur.expect("punct", "[")
        fields: list[Field] = []
        if not cur.at("punct", "]"):
            fields.append(_field(cur))
            while cur.at("punct", ","):
                cur.take()
                fields.append(_field(cur))
        cur.expect("punct", "]")
        if not cur.done():
            raise PatternError(f"Invalid filter pattern: unexpected '{cur.take().text}' after ']'")
        self.fields = tuple(fields)

    def match(self, message: str) -> dict[str, Any] | None:
        """The named fields when the message fits the pattern, else None."""
        values = split(message)
        bound: dict[str, str] = {}
        if not _fit(self.fields, 0, values, 0, bound, {}):
            return None
        return {"json": None, "fields": bound}


def _fit(fields: tuple[Field, ...], fi: int, values: list[str], vi: int, bound: dict[str, str],
         seen: dict[tuple[int, int], bool]) -> bool:
    """Whether fields[fi:] match values[vi:], binding names on success (memoised on positions)."""
    key = (fi, vi)
    if key in seen:
        return seen[key]
    if fi == len(fields):
        ok = vi == len(values)
    elif fields[fi].ellipsis:
        ok = any(_fit(fields, fi + 1, values, k, bound, seen) for k in range(vi, len(values) + 1))
    else:
        ok = vi < len(values) and fields[fi].accepts(values[vi]) and _fit(fields, fi + 1, values, vi + 1, bound, seen)
        if ok:
            bound[fields[fi].name] = values[vi]
    seen[key] = ok
    return ok


def _field(cur: Cursor) -> Field:
    tok = cur.take()
    if tok.kind == "punct" and tok.text == "...":
        return Field("...")
    if tok.kind != "word" or not _NAME.fullmatch(tok.text):
        raise PatternError(f"Invalid filter pattern: '{tok.text}' is not a field name")
    name = tok.text
    groups: list[tuple[Comparison, ...]] = []
    current: list[Comparison] = []
    while cur.at("op"):
        op = cur.take()
        current.append(Comparison.of(op, cur.take()))
        if cur.at("punct", "&&") or cur.at("punct", "||"):
            joiner = cur.take().text
            if cur.at("word", name):
                cur.take()
            if not cur.at("op"):
                raise PatternError(f"Invalid filter pattern: expected a comparison after '{joiner}'")
            if joiner == "||":
                groups.append(tuple(current))
                current = []
    if current:
        groups.append(tuple(current))
    return Field(name, tuple(groups))

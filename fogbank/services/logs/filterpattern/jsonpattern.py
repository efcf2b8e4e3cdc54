"""JSON filter patterns: ``{ $.level = "ERROR" && ($.latency > 100 || $.user.id NOT EXISTS) }``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from fogbank.services.logs.filterpattern.lexer import Cursor, PatternError, tokenize
from fogbank.services.logs.filterpattern.values import Comparison

MISSING = object()
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+|\*)\]")


def parse_selector(text: str) -> tuple[str | int, ...]:
    """``$.a.b[0]`` as ("a", "b", 0) (``*`` stays a string step)."""
    steps: list[str | int] = []
    pos = 1
    while pos < len(text):
        m = _STEP.match(text, pos)
        if not m:
            raise PatternError(f"Invalid filter pattern: bad selector '{text}'")
        if m.group(1) is not None:
            steps.append(m.group(1))
        else:
            steps.append("*" if m.group(2) == "*" else int(m.group(2)))
        pos = m.end()
    return tuple(steps)


def resolve(doc: Any, steps: tuple[str | int, ...]) -> list[Any]:
    """The values ``steps`` reaches in ``doc`` (several through ``*``; empty when missing)."""
    found = [doc]
    for step in steps:
        nxt: list[Any] = []
        for value in found:
            if step == "*":
                if isinstance(value, list):
                    nxt.extend(value)
                elif isinstance(value, dict):
                    nxt.extend(value.values())
            elif isinstance(step, int):
                if isinstance(value, list) and 0 <= step < len(value):
                    nxt.append(value[step])
            elif isinstance(value, dict) and step in value:
                nxt.append(value[step])
        found = nxt
    return found


@dataclass(frozen=True)
class Test:
    """One condition on a selector: a comparison or IS NULL / IS TRUE / IS FALSE / NOT EXISTS."""

    steps: tuple[str | int, ...]
    kind: str
    comparison: Comparison | None = None

    def __call__(self, doc: Any) -> bool:
        values = resolve(doc, self.steps)
        if self.kind == "exists":
            return not values
        if self.kind == "null":
            return any(v is None for v in values)
        if self.kind in ("true", "false"):
            return any(v is (self.kind == "true") for v in values)
        assert self.comparison is not None
        return any(self.comparison.test(v) for v in values)


@dataclass(frozen=True)
class Logic:
    """``&&`` (all) or ``||`` (any) of sub-conditions."""

    op: str
    parts: tuple[Any, ...]

    def __call__(self, doc: Any) -> bool:
        if self.op == "&&":
            return all(p(doc) for p in self.parts)
        return any(p(doc) for p in self.parts)


class JsonPattern:
    """A compiled JSON filter pattern."""

    def __init__(self, text: str) -> None:
        cur = Cursor(tokenize(text))
        cur.expect("punct", "{")
        self.condition = _or(cur)
        cur.expect("punct", "}")
        if not cur.done():
            raise PatternError(f"Invalid filter pattern: unexpected '{cur.take().text}' after '}}'")

    def match(self, message: str) -> dict[str, Any] | None:
        """The parsed event when it is JSON and satisfies the pattern, else None."""
        doc = load(message)
        if doc is MISSING or not self.condition(doc):
            return None
        return {"json": doc, "fields": {}}


def load(message: str) -> Any:
    """A message parsed as a JSON object or array, or MISSING."""
    text = message.strip()
    if not text.startswith(("{", "[")):
        return MISSING
    try:
        return json.loads(text)
    except ValueError:
        return MISSING


def _or(cur: Cursor) -> Any:
    parts = [_and(cur)]
    while cur.at("punct", "||"):
        cur.take()
        parts.append(_and(cur))
    return parts[0] if len(parts) == 1 else Logic("||", tuple(parts))


def _and(cur: Cursor) -> Any:
    parts = [_atom(cur)]
    while cur.at("punct", "&&"):
        cur.take()
        parts.append(_atom(cur))
    return parts[0] if len(parts) == 1 else Logic("&&", tuple(parts))


def _atom(cur: Cursor) -> Any:
    if cur.at("punct", "("):
        cur.take()
        inner = _or(cur)
        cur.expect("punct", ")")
        return inner
    steps = parse_selector(cur.expect("selector").text)
    tok = cur.take()
    if tok.kind == "op":
        return Test(steps, "compare", Comparison.of(tok, cur.take()))
    words = (tok.text.upper(), (cur.peek().text.upper() if cur.peek() else ""))
    kinds = {("IS", "NULL"): "null", ("IS", "TRUE"): "true", ("IS", "FALSE"): "false", ("NOT", "EXISTS"): "exists"}
    if tok.kind == "word" and words in kinds:
        cur.take()
        return Test(steps, kinds[words])
    raise PatternError(f"Invalid filter pattern: expected a comparison after the selector but found '{tok.text}'")

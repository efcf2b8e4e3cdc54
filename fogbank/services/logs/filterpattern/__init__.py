"""The CloudWatch Logs filter pattern language: ``compile(text)`` gives a pattern whose
``match(message)`` returns what it extracted (``{"json": doc, "fields": {name: value}}``) or None.

Three forms, chosen by the first character: ``{`` JSON patterns (``jsonpattern``), ``[``
space-delimited patterns (``spaced``), anything else text terms (``terms``); an empty pattern
matches every event. Bad patterns raise ``PatternError`` (an InvalidParameterException).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Protocol

from fogbank.services.logs.filterpattern.jsonpattern import JsonPattern, load, parse_selector, resolve
from fogbank.services.logs.filterpattern.lexer import PatternError
from fogbank.services.logs.filterpattern.spaced import SpacedPattern
from fogbank.services.logs.filterpattern.terms import TermsPattern

__all__ = ["PatternError", "Pattern", "compile_pattern", "extract"]


class Pattern(Protocol):
    """A compiled filter pattern."""

    def match(self, message: str) -> dict[str, Any] | None: ...


class _Everything:
    def match(self, message: str) -> dict[str, Any] | None:
        return {"json": None, "fields": {}}


@lru_cache(maxsize=256)
def compile_pattern(text: str | None) -> Pattern:
    """The compiled form of a filter pattern (PatternError when it does not parse)."""
    body = (text or "").strip()
    if not body:
        return _Everything()
    if body.startswith("{"):
        return JsonPattern(body)
    if body.startswith("["):
        return SpacedPattern(body)
    return TermsPattern(body)


def extract(reference: str, found: dict[str, Any], message: str) -> Any:
    """The value a metric transformation names: ``$.path`` in a JSON event, ``$field`` of a
    space-delimited pattern, or a literal. None when the event has no such value."""
    if reference.startswith("$.") or reference.startswith("$["):
        doc = found.get("json")
        if doc is None:
            doc = load(message)
        values = resolve(doc, parse_selector(reference)) if doc is not None else []
        return values[0] if values else None
    if reference.startswith("$"):
        return found.get("fields", {}).get(reference[1:])
    return reference

"""Text filter patterns: terms and quoted phrases (all must appear), ``-term`` exclusions, ``?term``
alternatives (at least one must appear) and ``%regex%`` terms. Matching is case-sensitive."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Any

from fogbank.services.logs.filterpattern.lexer import PatternError


@dataclass(frozen=True)
class Term:
    """One term: its text (or regular expression) and how it combines."""

    text: str
    mode: str  # "all", "none" or "any"
    regex: re.Pattern[str] | None = None

    def found(self, message: str) -> bool:
        """Whether the term occurs in ``message``."""
        if self.regex is not None:
            return self.regex.search(message) is not None
        return self.text in message


class TermsPattern:
    """A compiled text pattern."""

    def __init__(self, text: str) -> None:
        self.terms = tuple(_terms(text))

    def match(self, message: str) -> dict[str, Any] | None:
        """An empty extraction when the message fits, else None."""
        alternatives = [t for t in self.terms if t.mode == "any"]
        for term in self.terms:
            if term.mode == "all" and not term.found(message):
                return None
            if term.mode == "none" and term.found(message):
                return None
        if alternatives and not any(t.found(message) for t in alternatives):
            return None
        return {"json": None, "fields": {}}


def _terms(text: str) -> list[Term]:
    out: list[Term] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        mode = "all"
        if text[i] in "-?" and i + 1 < n and not text[i + 1].isspace():
            mode = "none" if text[i] == "-" else "any"
            i += 1
        if text[i] == '"':
            j = text.find('"', i + 1)
            while j != -1 and text[j - 1] == "\\":
                j = text.find('"', j + 1)
            if j == -1:
                raise PatternError(f"Invalid filter pattern: unterminated quoted term at position {i}")
            out.append(Term(text[i + 1:j].replace('\\"', '"'), mode))
            i = j + 1
        elif text[i] == "%":
            j = text.find("%", i + 1)
            if j == -1:
                raise PatternError(f"Invalid filter pattern: unterminated regular expression at position {i}")
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    out.append(Term(text[i + 1:j], mode, re.compile(text[i + 1:j])))
            except re.error as err:
                raise PatternError(f"Invalid filter pattern: bad regular expression: {err}") from None
            i = j + 1
        else:
            j = i
            while j < n and not text[j].isspace():
                j += 1
            word = text[i:j]
            if any(c in word for c in '"{}[]'):
                raise PatternError(f"Invalid character(s) in term '{word}'")
            out.append(Term(word, mode))
            i = j
    return out

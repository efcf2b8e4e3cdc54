"""The leaf tests of an event pattern: each says whether one scalar field value matches, and
whether a missing field does (only ``exists: false`` matches a missing field)."""

from __future__ import annotations

import ipaddress
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any


class Matcher(ABC):
    """One element of a pattern's match array."""

    @abstractmethod
    def matches_value(self, value: Any) -> bool:
        """Whether a present scalar value (or one element of an array field) matches."""

    def matches_missing(self) -> bool:
        """Whether a field absent from the event matches."""
        return False


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


@dataclass(frozen=True)
class Exact(Matcher):
    """A literal: a string, a number (compared numerically), true, false or null."""

    value: Any

    def matches_value(self, value: Any) -> bool:
        if isinstance(self.value, float):
            return _number(value) == self.value
        if isinstance(self.value, bool) or self.value is None:
            return value is self.value
        return isinstance(value, str) and value == self.value


@dataclass(frozen=True)
class Prefix(Matcher):
    """``{"prefix": "..."}`` (optionally ignoring case)."""

    text: str
    ignore_case: bool = False

    def matches_value(self, value: Any) -> bool:
        if not isinstance(value, str):
            return False
        if self.ignore_case:
            return value.casefold().startswith(self.text.casefold())
        return value.startswith(self.text)


@dataclass(frozen=True)
class Suffix(Matcher):
    """``{"suffix": "..."}`` (optionally ignoring case)."""

    text: str
    ignore_case: bool = False

    def matches_value(self, value: Any) -> bool:
        if not isinstance(value, str):
            return False
        if self.ignore_case:
            return value.casefold().endswith(self.text.casefold())
        return value.endswith(self.text)


@dataclass(frozen=True)
class IgnoreCase(Matcher):
    """``{"equals-ignore-case": "..."}``: any of the strings, compared without case."""

    texts: tuple[str, ...] | list[str]

    def matches_value(self, value: Any) -> bool:
        return isinstance(value, str) and value.casefold() in {t.casefold() for t in self.texts}


class Wildcard(Matcher):
    """``{"wildcard": "a*b"}``: ``*`` stands for any run of characters, ``\\*`` for a star."""

    def __init__(self, text: str) -> None:
        self.text = text
        parts: list[str] = []
        i = 0
        while i < len(text):
            if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in "*\\":
                parts.append(re.escape(text[i + 1]))
                i += 2
                continue
            parts.append(".*" if text[i] == "*" else re.escape(text[i]))
            i += 1
        self.regex = re.compile("".join(parts), re.DOTALL)

    def matches_value(self, value: Any) -> bool:
        return isinstance(value, str) and self.regex.fullmatch(value) is not None


@dataclass(frozen=True)
class Exists(Matcher):
    """``{"exists": true|false}``."""

    wanted: bool

    def matches_value(self, value: Any) -> bool:
        return self.wanted

    def matches_missing(self) -> bool:
        return not self.wanted


@dataclass(frozen=True)
class Cidr(Matcher):
    """``{"cidr": "10.0.0.0/24"}``: an IP address string inside the network."""

    network: ipaddress.IPv4Network | ipaddress.IPv6Network

    def matches_value(self, value: Any) -> bool:
        if not isinstance(value, str):
            return False
        try:
            return ipaddress.ip_address(value) in self.network
        except ValueError:
            return False


@dataclass(frozen=True)
class Numeric(Matcher):
    """``{"numeric": [">", 0, "<=", 5]}``: a number within all the bounds."""

    bounds: tuple[tuple[str, float], ...]

    def matches_value(self, value: Any) -> bool:
        number = _number(value)
        if number is None:
            return False
        for op, bound in self.bounds:
            ok = {
                "=": number == bound,
                "<": number < bound,
                "<=": number <= bound,
                ">": number > bound,
                ">=": number >= bound,
            }[op]
            if not ok:
                return False
        return True


@dataclass(frozen=True)
class AnyOf(Matcher):
    """Any of several literals (the inside of ``anything-but: [...]``)."""

    options: tuple[Matcher, ...] | list[Matcher]

    def matches_value(self, value: Any) -> bool:
        return any(o.matches_value(value) for o in self.options)


@dataclass(frozen=True)
class Not(Matcher):
    """``anything-but``: a present value that the inner test refuses (a missing field never matches)."""

    inner: Matcher

    def matches_value(self, value: Any) -> bool:
        return not self.inner.matches_value(value)

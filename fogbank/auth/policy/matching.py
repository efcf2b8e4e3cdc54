"""Wildcards and policy variables: how actions, resources and principals in a policy match a request.

``*`` matches any run of characters and ``?`` any one character. Actions match without regard
to case; ARNs match part by part (partition, service, region, account, resource), so a wildcard
in the region never eats into the account.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_DEFAULT = re.compile(r"^\s*([^,]+?)\s*,\s*'([^']*)'\s*$")


@functools.lru_cache(maxsize=4096)
def _glob(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    parts = []
    for ch in pattern:
        if ch == "*":
            parts.append(".*")
        elif ch == "?":
            parts.append(".")
        else:
            parts.append(re.escape(ch))
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def glob_match(pattern: str, value: str, ignore_case: bool = False) -> bool:
    """Whether ``value`` matches ``pattern`` with ``*`` and ``?`` wildcards."""
    if pattern == "*":
        return True
    if "*" not in pattern and "?" not in pattern:
        return pattern.lower() == value.lower() if ignore_case else pattern == value
    return _glob(pattern, ignore_case).fullmatch(value) is not None


def action_matches(pattern: str, action: str) -> bool:
    """``s3:Get*`` matches ``s3:GetObject``; case does not matter."""
    return glob_match(pattern, action, ignore_case=True)


def arn_matches(pattern: str, arn: str) -> bool:
    """Whether ``arn`` matches the ARN ``pattern`` part by part (``*`` alone matches everything)."""
    if pattern == "*":
        return True
    want = pattern.split(":", 5)
    have = arn.split(":", 5)
    if len(want) != 6 or len(have) != 6:
        return False
    return all(glob_match(w, h) for w, h in zip(want, have, strict=True))


def substitute(text: str, lookup: Callable[[str], str | None]) -> str | None:
    """Replace ``${key}`` variables with their values; None when a variable has no value.

    ``${*}``, ``${?}`` and ``${$}`` stand for the literal characters; ``${key, 'default'}``
    gives a default for a missing key.
    """
    if "${" not in text:
        return text
    missing = False

    def one(match: re.Match[str]) -> str:
        nonlocal missing
        inner = match.group(1)
        if inner in ("*", "?", "$"):
            return inner
        default = None
        found = _DEFAULT.match(inner)
        if found:
            inner, default = found.group(1), found.group(2)
        value = lookup(inner.strip())
        if value is None:
            if default is None:
                missing = True
                return ""
            return default
        return value

    result = _VARIABLE.sub(one, text)
    return None if missing else result


def single_value_lookup(context: Mapping[str, object]) -> Callable[[str], str | None]:
    """A variable lookup over a request context (keys without regard to case; single values only)."""
    lowered = {k.lower(): v for k, v in context.items()}

    def lookup(key: str) -> str | None:
        value = lowered.get(key.lower())
        if isinstance(value, list | tuple):
            return value[0] if len(value) == 1 else None
        return None if value is None else str(value)

    return lookup

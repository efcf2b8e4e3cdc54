"""GetRandomPassword: a password drawn with a CSPRNG from the character classes asked for."""

from __future__ import annotations

import secrets as _random
import string
from typing import Any

from fogbank.services.secretsmanager.errors import InvalidParameterException

PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
DEFAULT_LENGTH = 32


def generate(request: dict[str, Any]) -> str:
    """A password following GetRandomPassword's options."""
    length = request.get("PasswordLength", DEFAULT_LENGTH)
    if not 1 <= length <= 4096:
        raise InvalidParameterException("Password length must be between 1 and 4096.")
    excluded = set(request.get("ExcludeCharacters") or "")
    classes = []
    for flag, chars in (("ExcludeLowercase", string.ascii_lowercase), ("ExcludeUppercase", string.ascii_uppercase),
                        ("ExcludeNumbers", string.digits), ("ExcludePunctuation", PUNCTUATION)):
        if not request.get(flag):
            classes.append(chars)
    if request.get("IncludeSpace"):
        classes.append(" ")
    classes = ["".join(c for c in chars if c not in excluded) for chars in classes]
    classes = [chars for chars in classes if chars]
    if not classes:
        raise InvalidParameterException("All character types are excluded.")
    require_each = request.get("RequireEachIncludedType", True)
    if require_each and length < len(classes):
        raise InvalidParameterException(
            "Password length is too short to contain all of the required character types."
        )
    pool = "".join(classes)
    chosen = [_random.choice(pool) for _ in range(length)]
    if require_each:
        # one character of each type at distinct random positions; the rest stay uniform
        positions = list(range(length))
        for chars in classes:
            pos = positions.pop(_random.randbelow(len(positions)))
            chosen[pos] = _random.choice(chars)
    return "".join(chosen)

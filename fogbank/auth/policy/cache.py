"""Parsed policy documents, cached by their text: enforcement meets the same few documents on
every request, and parsing one costs far more than looking it up."""

from __future__ import annotations

import functools

from fogbank.auth.policy.document import IDENTITY, MalformedPolicy, Policy, parse


@functools.lru_cache(maxsize=1024)
def parsed(text: str, kind: str = IDENTITY) -> Policy:
    """``parse(text, kind)``, once per distinct text (raises ``MalformedPolicy`` like it)."""
    return parse(text, kind)


def parsed_or_none(text: str, kind: str = IDENTITY) -> Policy | None:
    """The parsed document, or None when it is malformed (a stored policy IAM would now refuse)."""
    try:
        return parsed(text, kind)
    except MalformedPolicy:
        return None

"""Where each statement of a policy document sits in its text (line and column, both from 1), as
the IAM policy simulator reports for the statements that decided a request."""

from __future__ import annotations

import json

Position = tuple[int, int]


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


def _end_of_value(text: str, at: int) -> int:
    """The offset just after the JSON value that starts at ``at`` (the text is valid JSON)."""
    if text[at] == '"':
        _, end = json.decoder.scanstring(text, at + 1)
        return end
    if text[at] in "{[":
        depth = 0
        while at < len(text):
            ch = text[at]
            if ch == '"':
                _, at = json.decoder.scanstring(text, at + 1)
                continue
            if ch in "{[":
                depth += 1
            elif ch in "}]":
                depth -= 1
                if depth == 0:
                    return at + 1
            at += 1
        return at
    while at < len(text) and text[at] not in ",}] \t\r\n":
        at += 1
    return at


def _position(text: str, offset: int) -> Position:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def statement_spans(text: str) -> list[tuple[Position, Position]]:
    """(start, end) of every statement in document order; [] when the text cannot be read."""
    try:
        json.loads(text)
        at = _skip(text, 0)
        if text[at] != "{":
            return []
        at = _skip(text, at + 1)
        while at < len(text) and text[at] != "}":
            key, at = json.decoder.scanstring(text, at + 1)
            at = _skip(text, _skip(text, at) + 1)
            end = _end_of_value(text, at)
            if key == "Statement":
                if text[at] == "{":
                    return [(_position(text, at), _position(text, end))]
                spans = []
                inner = _skip(text, at + 1)
                while text[inner] != "]":
                    item_end = _end_of_value(text, inner)
                    spans.append((_position(text, inner), _position(text, item_end)))
                    inner = _skip(text, item_end)
                    if text[inner] == ",":
                        inner = _skip(text, inner + 1)
                return spans
            at = _skip(text, end)
            if text[at] == ",":
                at = _skip(text, at + 1)
    except (ValueError, IndexError):
        return []
    return []

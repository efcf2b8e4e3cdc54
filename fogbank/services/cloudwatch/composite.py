"""Composite alarm rules: ``ALARM("a") AND NOT (OK(b) OR INSUFFICIENT_DATA("c"))``, TRUE, FALSE.

A rule parses to a tree of tuples: ("state", STATE, alarm name or ARN) | ("const", bool) |
("not", node) | ("and"/"or", left, right). AND binds tighter than OR.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from fogbank.services.cloudwatch.errors import InvalidParameterValueException

_TOKEN = re.compile(r'\s*(?:(\()|(\))|(ALARM|OK|INSUFFICIENT_DATA)\s*\(\s*(?:"((?:[^"\\]|\\.)*)"|([^\s()"]+))\s*\)|(AND|OR|NOT|TRUE|FALSE)\b)')
MAX_LENGTH = 10240
Node = tuple[Any, ...]


def _bad(rule: str) -> InvalidParameterValueException:
    return InvalidParameterValueException(f"Error in alarm rule: {rule}")


@lru_cache(maxsize=256)
def parse(rule: str) -> Node:
    """The tree of a rule; InvalidParameterValue when it does not parse."""
    if len(rule) > MAX_LENGTH:
        raise InvalidParameterValueException(f"The AlarmRule is longer than {MAX_LENGTH} characters.")
    tokens: list[tuple[str, str, str]] = []
    pos = 0
    while pos < len(rule):
        if not rule[pos:].strip():
            break
        match = _TOKEN.match(rule, pos)
        if match is None:
            raise _bad(rule)
        opening, closing, state, quoted, bare, word = match.groups()
        if opening:
            tokens.append(("(", "", ""))
        elif closing:
            tokens.append((")", "", ""))
        elif state:
            tokens.append(("state", state, quoted if quoted is not None else bare))
        else:
            tokens.append((word, "", ""))
        pos = match.end()
    if not tokens:
        raise _bad(rule)
    index = [0]

    def peek() -> str:
        return tokens[index[0]][0] if index[0] < len(tokens) else "end"

    def or_() -> Node:
        node = and_()
        while peek() == "OR":
            index[0] += 1
            node = ("or", node, and_())
        return node

    def and_() -> Node:
        node = not_()
        while peek() == "AND":
            index[0] += 1
            node = ("and", node, not_())
        return node

    def not_() -> Node:
        if peek() == "NOT":
            index[0] += 1
            return ("not", not_())
        return atom()

    def atom() -> Node:
        kind = peek()
        if kind == "end":
            raise _bad(rule)
        token = tokens[index[0]]
        index[0] += 1
        if kind == "(":
            node = or_()
            if peek() != ")":
                raise _bad(rule)
            index[0] += 1
            return node
        if kind == "state":
            return ("state", token[1], token[2])
        if kind in ("TRUE", "FALSE"):
            return ("const", kind == "TRUE")
        raise _bad(rule)

    node = or_()
    if peek() != "end":
        raise _bad(rule)
    return node


def children(node: Node) -> set[str]:
    """The alarm names (or ARNs) a rule refers to."""
    if node[0] == "state":
        return {node[2]}
    if node[0] == "not":
        return children(node[1])
    if node[0] in ("and", "or"):
        return children(node[1]) | children(node[2])
    return set()


def holds(node: Node, state_of: Callable[[str], str | None]) -> bool:
    """Whether the rule is true given each child's state."""
    kind = node[0]
    if kind == "const":
        return node[1]
    if kind == "state":
        return state_of(node[2]) == node[1]
    if kind == "not":
        return not holds(node[1], state_of)
    if kind == "and":
        return holds(node[1], state_of) and holds(node[2], state_of)
    return holds(node[1], state_of) or holds(node[2], state_of)

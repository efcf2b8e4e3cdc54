"""ProjectionExpression: which attributes, nested paths and list elements a read returns.

Nested paths keep their structure (``a.b`` gives ``{"a": {"M": {"b": ...}}}``) and list
indexes give a list of the selected elements in index order, as DynamoDB returns them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from fogbank.services.dynamodb.expressions.bind import Bindings, ResolvedPath, check_overlaps
from fogbank.services.dynamodb.expressions.parser import PROJECTION_KIND, parse

#: A tree of the requested paths: each element maps to the subtree below it, or None where a path ends.
Trie = dict[Any, "Trie | None"]


@dataclass(frozen=True, slots=True)
class Projection:
    """A bound ProjectionExpression; ``apply(item)`` gives the projected item."""

    paths: tuple[ResolvedPath, ...]
    trie: Trie

    @classmethod
    def of_paths(cls, paths: Iterable[ResolvedPath]) -> Projection:
        """The projection selecting ``paths`` (resolved, placeholder-free document paths)."""
        paths = tuple(paths)
        trie: Trie = {}
        for path in paths:
            node = trie
            for element in path[:-1]:
                child = node.get(element)
                if child is None:
                    child = node[element] = {}
                node = child
            node.setdefault(path[-1], None)
        return cls(paths, trie)

    @property
    def top_level(self) -> frozenset[str]:
        """The top-level attribute names the projection reads."""
        return frozenset(self.trie)  # type: ignore[arg-type]

    def apply(self, item: Mapping[str, Any]) -> dict[str, Any]:
        """The parts of ``item`` that the projection names; missing paths are left out."""
        result: dict[str, Any] = {}
        for name, below in self.trie.items():
            value = item.get(name)
            if value is None:
                continue
            if below is None:
                result[name] = value
            else:
                projected = _project(value, below)
                if projected is not None:
                    result[name] = projected
        return result


def _project(value: dict[str, Any], trie: Trie) -> dict[str, Any] | None:
    if "M" in value:
        members = value["M"]
        out: dict[str, Any] = {}
        for key, below in trie.items():
            if isinstance(key, int) or key not in members:
                continue
            child = members[key] if below is None else _project(members[key], below)
            if child is not None:
                out[key] = child
        return {"M": out} if out else None
    if "L" in value:
        elements = value["L"]
        picked: list[Any] = []
        for key in sorted(k for k in trie if isinstance(k, int)):
            if key < len(elements):
                below = trie[key]
                child = elements[key] if below is None else _project(elements[key], below)
                if child is not None:
                    picked.append(child)
        return {"L": picked} if picked else None
    return None


def projection(expression: str, names: Mapping[str, str] | None) -> Projection:
    """Parse (cached) and bind a ProjectionExpression; raises AWS's errors (syntax, overlaps, names)."""
    parsed = parse(expression, PROJECTION_KIND)
    bindings = Bindings(PROJECTION_KIND, names, None)
    paths = [bindings.path(p) for p in parsed.root]  # type: ignore[attr-defined]
    check_overlaps(PROJECTION_KIND, paths)
    return Projection.of_paths(paths)

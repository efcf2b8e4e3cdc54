"""Binding a parsed expression to a request's ExpressionAttributeNames and ExpressionAttributeValues."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fogbank.services.dynamodb.expressions.ast import Path, PathElement
from fogbank.services.dynamodb.expressions.errors import invalid

ResolvedPath = tuple[PathElement, ...]


class Bindings:
    """A request's placeholders, resolving ``#name`` and ``:value`` with AWS's errors for undefined ones."""

    __slots__ = ("kind", "names", "values")

    def __init__(self, kind: str, names: Mapping[str, str] | None, values: Mapping[str, Any] | None) -> None:
        self.kind = kind
        self.names = names or {}
        self.values = values or {}

    def element(self, element: PathElement) -> PathElement:
        """The attribute name a path element stands for."""
        if isinstance(element, str) and element.startswith("#"):
            try:
                return self.names[element]
            except KeyError:
                raise invalid(
                    self.kind,
                    "An expression attribute name used in the document path is not defined; "
                    f"attribute name: {element}",
                ) from None
        return element

    def path(self, path: Path) -> ResolvedPath:
        """``path`` with its placeholders replaced by real attribute names."""
        return tuple(self.element(e) for e in path.elements)

    def value(self, ref: str) -> dict[str, Any]:
        """The typed value a ``:value`` placeholder stands for."""
        try:
            return self.values[ref]
        except KeyError:
            raise invalid(
                self.kind,
                f"An expression attribute value used in expression is not defined; attribute value: {ref}",
            ) from None


def path_text(path: ResolvedPath) -> str:
    """A resolved path as AWS writes it in messages: ``[a, b, [0]]``."""
    return "[" + ", ".join(f"[{e}]" if isinstance(e, int) else e for e in path) + "]"


def check_overlaps(kind: str, paths: list[ResolvedPath]) -> None:
    """AWS's error if two paths overlap (one is a prefix of the other) or conflict (name vs index)."""
    for i, one in enumerate(paths):
        for two in paths[i + 1 :]:
            for a, b in zip(one, two, strict=False):
                if a == b and type(a) is type(b):
                    continue
                if isinstance(a, int) != isinstance(b, int):
                    raise invalid(
                        kind,
                        "Two document paths conflict with each other; must remove or rewrite one of these "
                        f"paths; path one: {path_text(one)}, path two: {path_text(two)}",
                    )
                break
            else:
                raise invalid(
                    kind,
                    "Two document paths overlap with each other; must remove or rewrite one of these "
                    f"paths; path one: {path_text(one)}, path two: {path_text(two)}",
                )


def get_path(item: Mapping[str, Any], path: ResolvedPath) -> dict[str, Any] | None:
    """The typed value at ``path`` in ``item``, or None where any step is missing or of the wrong type."""
    value = item.get(path[0])  # type: ignore[arg-type]
    for element in path[1:]:
        if value is None:
            return None
        if isinstance(element, int):
            items = value.get("L")
            if items is None or element >= len(items):
                return None
            value = items[element]
        else:
            members = value.get("M")
            if members is None:
                return None
            value = members.get(element)
    return value

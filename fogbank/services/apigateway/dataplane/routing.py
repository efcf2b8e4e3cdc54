"""Matching a request path and method to a resource of a deployment and its method.

Literal path parts win over a ``{param}`` sibling, which wins over a greedy ``{param+}``; the
method itself wins over ``ANY``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote


@dataclass
class Match:
    """The resource and method a request reached, with its path parameters."""

    resource: dict[str, Any]
    method: dict[str, Any]
    path_params: dict[str, str]


def children_index(resources: dict[str, Any]) -> dict[str | None, list[dict[str, Any]]]:
    """Resources by parent id."""
    index: dict[str | None, list[dict[str, Any]]] = {}
    for resource in resources.values():
        index.setdefault(resource.get("parentId"), []).append(resource)
    return index


def _rank(resource: dict[str, Any]) -> int:
    part = resource["pathPart"]
    if part.endswith("+}"):
        return 2
    return 1 if part.startswith("{") else 0


def find_resource(resources: dict[str, Any], path: str) -> tuple[dict[str, Any], dict[str, str]] | None:
    """The resource that ``path`` reaches, with its path parameters, or None."""
    index = children_index(resources)
    roots = index.get(None) or []
    if not roots:
        return None
    segments = [unquote(s) for s in path.strip("/").split("/")] if path.strip("/") else []
    return _walk(index, roots[0], segments, {})


def _walk(index: dict[str | None, list[dict[str, Any]]], node: dict[str, Any], rest: list[str],
          params: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]] | None:
    if not rest:
        return node, params
    for child in sorted(index.get(node["id"]) or [], key=_rank):
        part = child["pathPart"]
        if part.endswith("+}"):
            return child, {**params, part[1:-2]: "/".join(rest)}
        if part.startswith("{"):
            found = _walk(index, child, rest[1:], {**params, part[1:-1]: rest[0]})
        elif part == rest[0]:
            found = _walk(index, child, rest[1:], params)
        else:
            continue
        if found is not None:
            return found
    return None


def match(resources: dict[str, Any], path: str, http_method: str) -> Match | None:
    """The resource and method for ``http_method path``, or None (AWS then answers 403)."""
    found = find_resource(resources, path)
    if found is None:
        return None
    resource, params = found
    methods = resource["resourceMethods"]
    method = methods.get(http_method) or methods.get("ANY")
    if method is None:
        return None
    return Match(resource, method, params)

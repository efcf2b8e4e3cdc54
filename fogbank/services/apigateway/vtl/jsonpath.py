"""The JSONPath subset that ``$input.path``/``$input.json`` accept: ``$``, ``.name``, ``['name']``,
``[index]`` (negative from the end), ``[*]``/``.*`` and ``..name`` (recursive descent)."""

from __future__ import annotations

import re
from typing import Any

_TOKEN = re.compile(r"\.\.(?P<deep>[A-Za-z0-9_$-]+|\*)|\.(?P<name>[A-Za-z0-9_$-]+|\*)|\[(?P<bracket>[^\]]*)\]")

#: what a path that matches nothing evaluates to
MISSING = object()


class PathError(ValueError):
    """A JSONPath expression outside the supported subset."""


def parse(path: str) -> list[tuple[str, Any]]:
    """Steps of a path: ("key", name), ("index", n), ("all", None) or ("deep", name)."""
    path = path.strip()
    if not path.startswith("$"):
        raise PathError(f"a JSONPath starts with $: {path!r}")
    steps: list[tuple[str, Any]] = []
    pos = 1
    while pos < len(path):
        m = _TOKEN.match(path, pos)
        if not m:
            raise PathError(f"unsupported JSONPath {path!r} at {pos}")
        if m.group("deep") is not None:
            steps.append(("deep", m.group("deep")))
        elif m.group("name") is not None:
            name = m.group("name")
            steps.append(("all", None) if name == "*" else ("key", name))
        else:
            inner = m.group("bracket").strip()
            if inner == "*":
                steps.append(("all", None))
            elif inner[:1] in ("'", '"') and inner[-1:] == inner[:1]:
                steps.append(("key", inner[1:-1]))
            elif re.fullmatch(r"-?\d+", inner):
                steps.append(("index", int(inner)))
            else:
                raise PathError(f"unsupported JSONPath selector [{inner}]")
        pos = m.end()
    return steps


def evaluate(document: Any, path: str) -> Any:
    """The value at ``path``: one value for a definite path, a list when a step fans out, and
    ``MISSING`` when nothing matches."""
    results = [document]
    fanned = False
    for kind, arg in parse(path):
        found: list[Any] = []
        for node in results:
            if kind == "key":
                if isinstance(node, dict) and arg in node:
                    found.append(node[arg])
            elif kind == "index":
                if isinstance(node, list) and -len(node) <= arg < len(node):
                    found.append(node[arg])
            elif kind == "all":
                fanned = True
                found.extend(node.values() if isinstance(node, dict) else node if isinstance(node, list) else [])
            else:
                fanned = True
                found.extend(_descend(node, arg))
        results = found
    if fanned:
        return results
    return results[0] if results else MISSING


def _descend(node: Any, name: str) -> list[Any]:
    out: list[Any] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if name == "*" or key == name:
                out.append(value)
            out.extend(_descend(value, name))
    elif isinstance(node, list):
        for value in node:
            out.extend(_descend(value, name))
    return out

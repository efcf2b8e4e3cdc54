"""Patch operations (``patchOperations``) applied as API Gateway applies them, driven by the model.

A path names a member of the record's output shape (``/description``), a key of a map member
(``/variables/color``, ``/requestParameters/method.request.header.x``) or, for a list of strings, an
item (``/binaryMediaTypes/image~1png``). ``~1`` stands for ``/`` and ``~0`` for ``~``. Values arrive
as strings and are converted to the member's type in the model. Paths that are not plain members
(a stage's ``/{resource}/{method}/throttling/rateLimit``, a usage plan's ``/apiStages``) are handled
by the caller before the rest reach ``apply``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from fogbank.services.apigateway.errors import BadRequestException

if TYPE_CHECKING:
    from botocore.model import Shape

OPS = ("add", "remove", "replace", "move", "copy", "test")


def unescape(segment: str) -> str:
    """A JSON-pointer path segment as text."""
    return segment.replace("~1", "/").replace("~0", "~")


def segments(path: str) -> list[str]:
    """The unescaped segments of a patch path."""
    if not path.startswith("/"):
        raise BadRequestException(f"Invalid patch path {path}")
    return [unescape(s) for s in path[1:].split("/")]


def coerce(value: Any, shape: Shape, path: str) -> Any:
    """A patch value (a string) converted to ``shape``'s type."""
    kind = shape.type_name
    if value is None:
        raise BadRequestException(f"Invalid null value for patch path {path}")
    try:
        if kind == "boolean":
            text = str(value).lower()
            if text not in ("true", "false"):
                raise ValueError(value)
            return text == "true"
        if kind in ("integer", "long"):
            return int(value)
        if kind in ("double", "float"):
            return float(value)
    except ValueError:
        raise BadRequestException(f"Invalid value '{value}' for patch path {path}") from None
    return value


def apply(record: dict[str, Any], operations: Iterable[dict[str, Any]], shape: Shape,
          writable: Iterable[str] | None = None) -> dict[str, Any]:
    """Apply ``operations`` to ``record`` (changed in place and returned).

    ``writable`` limits the top-level members a patch may touch (others are read-only, as ``id``).
    """
    allowed = set(writable) if writable is not None else {m for m in shape.members if m not in ("id", "createdDate")}
    for operation in operations:
        op = operation.get("op")
        path = operation.get("path") or ""
        if op not in OPS:
            raise BadRequestException(f"Invalid patch operation specified. Must be one of: {list(OPS[:5])}")
        parts = segments(path)
        if not parts or parts[0] not in allowed:
            raise BadRequestException(
                f"Invalid patch path '{path}' specified for op '{op}'. Must be one of: {sorted(allowed)}"
            )
        if op in ("move", "copy"):
            source = operation.get("from") or ""
            value = _read(record, segments(source), shape, source)
            if op == "move":
                _write(record, segments(source), shape, "remove", None, source)
            _write(record, parts, shape, "add", value, path, raw=True)
        elif op == "test":
            continue
        else:
            _write(record, parts, shape, op, operation.get("value"), path)
    return record


def _read(record: dict[str, Any], parts: list[str], shape: Shape, path: str) -> Any:
    node: Any = record
    for part in parts:
        if isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise BadRequestException(f"Invalid patch path {path}")
    return node


def _write(record: dict[str, Any], parts: list[str], shape: Shape, op: str, value: Any, path: str,
           raw: bool = False) -> None:
    node: Any = record
    current = shape
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        kind = current.type_name
        if kind == "structure":
            if part not in current.members:
                raise BadRequestException(f"Invalid patch path '{path}' specified for op '{op}'")
            member = current.members[part]
            if last:
                _set_member(node, part, member, op, value, path, raw)
                return
            if op == "remove" and part not in node:
                return
            node = node.setdefault(part, [] if member.type_name == "list" else {})
            current = member
        elif kind == "map":
            member = current.value
            if last:
                if op == "remove":
                    if part not in node:
                        raise BadRequestException(f"Invalid patch path '{path}' specified for op '{op}': no such key")
                    node.pop(part)
                else:
                    node[part] = value if raw else coerce(value, member, path) if member.type_name != "structure" else {}
                return
            node = node.setdefault(part, {})
            current = member
        elif kind == "list":
            item_shape = current.member
            if part.isdigit() and int(part) < len(node):
                if last:
                    if op == "remove":
                        node.pop(int(part))
                    else:
                        node[int(part)] = value if raw else coerce(value, item_shape, path)
                    return
                node = node[int(part)]
                current = item_shape
                continue
            if not last:
                raise BadRequestException(f"Invalid patch path '{path}' specified for op '{op}'")
            # a list of strings addressed by item: /binaryMediaTypes/image~1png
            if op == "remove":
                if part in node:
                    node.remove(part)
            elif op == "add":
                if part not in node:
                    node.append(part)
            else:
                if part in node:
                    node[node.index(part)] = value
                else:
                    node.append(value)
            return
        else:
            raise BadRequestException(f"Invalid patch path '{path}' specified for op '{op}'")


def _set_member(node: dict[str, Any], name: str, member: Shape, op: str, value: Any, path: str, raw: bool) -> None:
    if op == "remove":
        node.pop(name, None)
        return
    if raw:
        node[name] = value
    elif member.type_name == "list":
        item = coerce(value, member.member, path)
        items = node.setdefault(name, [])
        if op == "add":
            if item not in items:
                items.append(item)
        else:
            node[name] = [item]
    elif member.type_name in ("structure", "map"):
        raise BadRequestException(f"Invalid patch path '{path}' specified for op '{op}'")
    else:
        node[name] = coerce(value, member, path)

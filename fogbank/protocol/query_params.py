"""Flat query parameters (``Tags.member.1.Key=v``) read into values of botocore shapes.

The query protocol names members by ``locationName`` and wraps lists in ``member`` and maps in
``entry`` unless flattened; ``ec2=True`` applies EC2's rules instead (``queryName`` or the
capitalised ``locationName``, lists as ``Name.N``). Wrong types raise ``WireError``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from botocore.model import Shape

from fogbank.protocol.xml_shapes import WireError, member_tag, parse_scalar


class ParamTree(dict):
    """Query parameters split on '.' into nested dicts; ``value`` is the text at this node."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        super().__init__()
        self.value: str | None = None


def param_tree(params: Mapping[str, str]) -> ParamTree:
    """Nest ``{"A.member.1.B": "x"}`` as ``{"A": {"member": {"1": {"B": "x"}}}}`` (as ``ParamTree``)."""
    root = ParamTree()
    for key, value in params.items():
        node = root
        for part in key.split("."):
            child = node.get(part)
            if child is None:
                child = node[part] = ParamTree()
            node = child
        node.value = value
    return root


def _numbered(node: ParamTree) -> list[ParamTree]:
    """The children ``1``, ``2``, ... of ``node`` in numeric order (gaps closed)."""
    items = sorted(((int(k), child) for k, child in node.items() if k.isdigit()), key=lambda kv: kv[0])
    return [child for _, child in items]


def ec2_name(shape: Shape, name: str) -> str:
    """EC2's query key for a member: ``queryName``, else ``locationName`` capitalised, else name."""
    ser = shape.serialization
    q = ser.get("queryName")
    if q is not None:
        return q
    loc = ser.get("name")
    if loc:
        return loc[0].upper() + loc[1:]
    return name


@lru_cache(maxsize=8192)
def _param_plan(shape: Shape, ec2: bool) -> tuple[tuple[str, str, Shape], ...]:
    """(name, query key, shape) of a structure's members for the query or ec2 protocol."""
    namer: Callable[[Shape, str], str] = ec2_name if ec2 else member_tag
    return tuple((name, namer(mshape, name), mshape) for name, mshape in shape.members.items())


def read_params(shape: Shape, node: ParamTree, *, ec2: bool = False, path: str = "") -> dict[str, Any]:
    """The structure of ``shape`` held by ``node`` (from ``param_tree``)."""
    out: dict[str, Any] = {}
    for name, key, mshape in _param_plan(shape, ec2):
        child = node.get(key)
        if child is None:
            continue
        mpath = f"{path}.{name}" if path else name
        value = _read_param_value(mshape, child, ec2, mpath)
        if value is not None:
            out[name] = value
    return out


def _read_param_value(shape: Shape, node: ParamTree, ec2: bool, path: str) -> Any:
    t = shape.type_name
    if t == "structure":
        if not node and node.value is not None:
            return None if node.value == "" else _not_a(path, "structure")
        return read_params(shape, node, ec2=ec2, path=path)
    if t == "list":
        return _read_param_list(shape, node, ec2, path)
    if t == "map":
        return _read_param_map(shape, node, ec2, path)
    if node.value is None:
        return None
    return parse_scalar(shape, node.value, path)


def _not_a(path: str, kind: str) -> Any:
    raise WireError(f"Value for parameter {path} is invalid: expected a {kind}", path)


def _read_param_list(shape: Shape, node: ParamTree, ec2: bool, path: str) -> list[Any] | None:
    member = shape.member
    if ec2 or shape.serialization.get("flattened"):
        items_node = node
    else:
        items_node = node.get(member.serialization.get("name", "member"))
        if items_node is None:
            # "Name=" with no members is how query clients send an empty list.
            return [] if node.value is not None else None
    return [
        _read_param_value(member, item, ec2, f"{path}.{i}")
        for i, item in enumerate(_numbered(items_node), 1)
    ]


def _read_param_map(shape: Shape, node: ParamTree, ec2: bool, path: str) -> dict[str, Any] | None:
    kshape, vshape = shape.key, shape.value
    ktag = kshape.serialization.get("name") or "key"
    vtag = vshape.serialization.get("name") or "value"
    if shape.serialization.get("flattened"):
        entries_node = node
    else:
        entries_node = node.get("entry")
        if entries_node is None:
            return {} if node.value is not None else None
    out: dict[str, Any] = {}
    for entry in _numbered(entries_node):
        knode = entry.get(ktag)
        if knode is None or knode.value is None:
            continue
        key = parse_scalar(kshape, knode.value, path)
        vnode = entry.get(vtag)
        out[key] = None if vnode is None else _read_param_value(vshape, vnode, ec2, f"{path}.{key}")
    return out

"""Shape-aware comparison of an expected value with what came back over the wire.

Returns the differences as readable ``path: reason`` lines rather than a bare boolean, so that
a failing round trip says exactly which member was lost or changed. ``lenient_empty`` accepts a
missing member where an empty list, map or structure was sent, for wire formats that cannot
tell the two apart (query, ec2, XML bodies, headers and query strings).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from botocore.model import Shape

RPC_BODY_PROTOCOLS = frozenset({"json", "rest-json", "smithy-rpc-v2-cbor"})


def is_empty(value: Any) -> bool:
    """Whether ``value`` is a container holding nothing (recursively: ``[{}]`` and ``{"a": []}`` are)."""
    if isinstance(value, list | dict) and not value:
        return True
    if isinstance(value, dict):
        return all(is_empty(v) for v in value.values())
    if isinstance(value, list):
        return all(isinstance(v, dict) and is_empty(v) for v in value)
    return False


def is_blank(value: Any) -> bool:
    """Whether a payload is no bytes at all: an empty string, blob or container."""
    return value in ("", b"") or is_empty(value)


def query_wire(value: Any, shape: Shape, protocol: str) -> Any:
    """``value`` as the query/ec2 wire can carry it: list items that write no parameter vanish."""
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict) and not shape.metadata.get("document"):
        return {k: query_wire(v, shape.members[k], protocol) for k, v in value.items() if k in shape.members}
    if kind == "list" and isinstance(value, list):
        items = [query_wire(v, shape.member, protocol) for v in value]
        return [v for v in items if not (isinstance(v, dict) and _silent(v, protocol))]
    if kind == "map" and isinstance(value, dict):
        return {k: query_wire(v, shape.value, protocol) for k, v in value.items()}
    return value


def _silent(value: Any, protocol: str) -> bool:
    # query writes an empty list as "Name=" while ec2 writes nothing for it.
    if isinstance(value, dict):
        return all(_silent(v, protocol) for v in value.values())
    if isinstance(value, list):
        return protocol == "ec2" if not value else all(_silent(v, protocol) for v in value)
    return False


def xml_text(value: Any) -> Any:
    """``value`` after XML end-of-line handling (botocore writes a bare CR into XML bodies unescaped)."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, list):
        return [xml_text(v) for v in value]
    if isinstance(value, dict):
        return {k: xml_text(v) for k, v in value.items()}
    return value


def blob_bytes(value: Any) -> Any:
    """Bytes from a blob as a parser may hand it back (bytes, bytearray or a readable stream)."""
    if isinstance(value, bytearray):
        return bytes(value)
    if hasattr(value, "read"):
        return value.read()
    return value


def lenient_for(protocol: str, member: Shape | None, top: bool) -> bool:
    """Whether an empty container may vanish for this member on this protocol's wire."""
    if protocol not in RPC_BODY_PROTOCOLS:
        return True
    if top and member is not None and member.serialization.get("location"):
        return True
    return False


def diff(expected: Any, actual: Any, shape: Shape, protocol: str, path: str = "", top: bool = True) -> list[str]:
    """The differences between ``expected`` and ``actual`` values of ``shape``."""
    kind = shape.type_name
    where = path or "<root>"
    if kind == "structure":
        if shape.metadata.get("document"):
            return [] if expected == actual else [f"{where}: document {expected!r} != {actual!r}"]
        if not isinstance(actual, dict):
            return [f"{where}: expected a structure, got {type(actual).__name__} {actual!r:.80}"]
        out: list[str] = []
        payload = shape.serialization.get("payload") if top else None
        for name in sorted(set(expected) | set(actual)):
            member = shape.members.get(name)
            sub = f"{path}.{name}" if path else name
            if member is None:
                out.append(f"{sub}: not a member of {shape.name} but parsed as {actual[name]!r:.80}")
                continue
            # An empty structure payload and no payload are the same bytes ("{}" or nothing).
            lenient = lenient_for(protocol, member, top) or name == payload
            if name not in actual:
                if not (lenient and (is_empty(expected[name]) or (name == payload and is_blank(expected[name])))):
                    out.append(f"{sub}: missing (sent {expected[name]!r:.80})")
            elif name not in expected:
                if member.metadata.get("idempotencyToken") or (lenient and is_empty(actual[name])):
                    continue
                if name == payload and is_blank(actual[name]):
                    continue
                out.append(f"{sub}: unexpected {actual[name]!r:.80}")
            else:
                out.extend(diff(expected[name], actual[name], member, protocol, sub, top=False))
        return out
    if kind == "list":
        if not isinstance(actual, list):
            return [f"{where}: expected a list, got {actual!r:.80}"]
        if len(expected) != len(actual):
            return [f"{where}: {len(expected)} items sent, {len(actual)} back ({actual!r:.80})"]
        out = []
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            out.extend(diff(e, a, shape.member, protocol, f"{where}[{i}]", top=False))
        return out
    if kind == "map":
        if not isinstance(actual, dict):
            return [f"{where}: expected a map, got {actual!r:.80}"]
        if set(expected) != set(actual):
            return [f"{where}: keys {sorted(expected)!r:.80} sent, {sorted(actual)!r:.80} back"]
        out = []
        for k in expected:
            out.extend(diff(expected[k], actual[k], shape.value, protocol, f"{where}[{k!r}]", top=False))
        return out
    return _scalar(expected, actual, shape, where)


def _special(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def _scalar(expected: Any, actual: Any, shape: Shape, where: str) -> list[str]:
    kind = shape.type_name
    if kind == "timestamp":
        if not isinstance(actual, dt.datetime):
            return [f"{where}: expected a datetime, got {type(actual).__name__} {actual!r:.60}"]
        if actual.tzinfo is None:
            return [f"{where}: naive datetime {actual!r}"]
        return [] if actual == expected else [f"{where}: {expected.isoformat()} sent, {actual.isoformat()} back"]
    if kind == "blob":
        got = blob_bytes(actual)
        if not isinstance(got, bytes):
            return [f"{where}: expected bytes, got {type(got).__name__} {got!r:.60}"]
        return [] if got == expected else [f"{where}: {expected!r:.60} sent, {got!r:.60} back"]
    if kind == "boolean":
        return [] if actual is expected else [f"{where}: {expected!r} sent, {actual!r} back"]
    if kind in ("integer", "long", "short", "byte"):
        if isinstance(actual, bool) or not isinstance(actual, int):
            return [f"{where}: expected an int, got {type(actual).__name__} {actual!r:.60}"]
        return [] if actual == expected else [f"{where}: {expected!r} sent, {actual!r} back"]
    if kind in ("float", "double"):
        if isinstance(actual, str) and isinstance(expected, float) and not math.isfinite(expected):
            # botocore's JSON parsers hand special floats back as the strings on the wire.
            return [] if actual == _special(expected) else [f"{where}: {expected!r} sent, {actual!r} back"]
        if isinstance(actual, bool) or not isinstance(actual, int | float):
            return [f"{where}: expected a number, got {type(actual).__name__} {actual!r:.60}"]
        if math.isnan(expected) and math.isnan(actual):
            return []
        if math.isclose(actual, expected, rel_tol=1e-12, abs_tol=0.0) or actual == expected:
            return []
        return [f"{where}: {expected!r} sent, {actual!r} back"]
    if kind == "string":
        return [] if actual == expected else [f"{where}: {expected!r:.60} sent, {actual!r:.60} back"]
    return [] if actual == expected else [f"{where}: {expected!r:.60} sent, {actual!r:.60} back"]

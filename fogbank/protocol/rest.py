"""The HTTP bindings that both REST protocols (``rest-json`` and ``rest-xml``) share.

A REST operation spreads its input and output over the whole HTTP message, as the model's
``location`` traits say: URI labels, query string, headers, header-prefix maps, the status code,
and a body that is either one ``payload`` member or every member without a location. This module
handles all of it except the body codec, which the protocol module passes in.

Using it from a protocol module::

    def _decode(shape, body: bytes) -> dict | Any:      # the protocol's body codec
        ...
    def _encode(shape, value) -> bytes:
        ...

    params = rest.parse_request(op, req, path_params, _decode)
    resp = rest.serialize_response(op, output, _encode)   # then add Content-Type, request id
    resp = rest.serialize_shape(error_shape, error.fields, _encode, status=error.status)

``decode_body(shape, body)`` is called with a non-empty body and either the operation's input
structure (then it returns a dict; only members without a location are kept) or the payload
member's shape when that is a structure, union or document (then its result becomes that member).
``encode_body(shape, value)`` is called the same two ways: with the output structure and a dict
of the members that belong in the body (possibly empty), or with the payload member's shape and
its value. Blob and string payloads never reach the codec: they are the raw body.

Bad text in a label, query parameter or header raises ``BadRequest`` with ``error_code``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs

from fogbank.errors import BadRequest
from fogbank.protocol import values
from fogbank.protocol.base import HttpRequest, HttpResponse

DecodeBody = Callable[[Any, bytes], Any]
EncodeBody = Callable[[Any, Any], bytes]

# Payload kinds: the raw body as bytes, the raw body as text, or a value for the body codec.
BLOB = "blob"
TEXT = "string"
CODEC = "codec"


@dataclass(frozen=True, slots=True)
class Binding:
    """One member bound to a part of the HTTP message.

    ``wire`` is the URI label, query key, header name (lower case) or header prefix (lower case);
    ``name`` is the same as the model spells it, for writing headers.
    """

    member: str
    wire: str
    name: str
    shape: Any
    type_name: str
    item_type: str  # the element type of a list, the value type of a map, else ``type_name``
    ts_format: str
    json_value: bool


@dataclass(frozen=True, slots=True)
class Bindings:
    """Where every member of a structure lives in an HTTP message."""

    uri: tuple[Binding, ...]
    query: tuple[Binding, ...]
    query_map: Binding | None
    headers: tuple[Binding, ...]
    header_maps: tuple[Binding, ...]
    status_member: str | None
    payload: str | None
    payload_shape: Any
    payload_kind: str | None
    body_members: frozenset[str]
    response_body_members: frozenset[str]


def _binding(name: str, shape: Any, location: str) -> Binding:
    spelt = shape.serialization.get("name", name)
    wire = spelt.lower() if location in ("header", "headers") else spelt
    type_name = shape.type_name
    item = shape
    if type_name == "list":
        item = shape.member
    elif type_name == "map":
        item = shape.value
        if item.type_name == "list":
            item = item.member
    default_ts = values.RFC822 if location == "header" else values.ISO8601
    return Binding(
        member=name,
        wire=wire,
        name=spelt,
        shape=shape,
        type_name=type_name,
        item_type=item.type_name,
        ts_format=values.timestamp_format(item, values.timestamp_format(shape, default_ts)),
        json_value=bool(shape.serialization.get("jsonvalue")) and type_name == "string",
    )


@lru_cache(maxsize=4096)
def bindings(shape: Any) -> Bindings:
    """The HTTP bindings of a structure shape (an operation's input or output, or an error)."""
    uri: list[Binding] = []
    query: list[Binding] = []
    query_map: Binding | None = None
    headers: list[Binding] = []
    header_maps: list[Binding] = []
    status_member: str | None = None
    body: set[str] = set()
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        if location is None:
            body.add(name)
        elif location == "uri":
            uri.append(_binding(name, member, location))
        elif location == "querystring":
            if member.type_name == "map":
                query_map = _binding(name, member, location)
            else:
                query.append(_binding(name, member, location))
        elif location == "header":
            headers.append(_binding(name, member, location))
        elif location == "headers":
            header_maps.append(_binding(name, member, location))
        elif location == "statusCode":
            status_member = name
    payload = shape.serialization.get("payload")
    payload_shape = None
    payload_kind = None
    if payload is not None:
        payload_shape = shape.members[payload]
        if payload_shape.type_name == "blob":
            payload_kind = BLOB
        elif payload_shape.type_name == "string":
            payload_kind = TEXT
        else:
            payload_kind = CODEC
        body = set()
    return Bindings(
        uri=tuple(uri),
        query=tuple(query),
        query_map=query_map,
        headers=tuple(headers),
        header_maps=tuple(header_maps),
        status_member=status_member,
        payload=payload,
        payload_shape=payload_shape,
        payload_kind=payload_kind,
        body_members=frozenset(body),
        # a response has no URI or query string: members bound there travel in its body
        response_body_members=frozenset(body) if payload is not None
        else frozenset(body | {b.member for b in uri} | {b.member for b in query}),
    )


@lru_cache(maxsize=4096)
def literal_query_keys(request_uri: str) -> frozenset[str]:
    """Query keys written into a ``requestUri`` itself (``/{Bucket}?versioning``)."""
    if "?" not in request_uri:
        return frozenset()
    return frozenset(parse_qs(request_uri.split("?", 1)[1], keep_blank_values=True))


# --- parsing --------------------------------------------------------------------------------


def _bad(code: str, binding: Binding, where: str, exc: Exception) -> BadRequest:
    return BadRequest(f"Invalid value for {binding.member} in {where}: {exc}", code=code)


def split_header_list(text: str) -> list[str]:
    """The items of a comma-separated header, honouring double-quoted items with ``\\"`` escapes."""
    if '"' not in text:
        return [part.strip() for part in text.split(",")]
    items: list[str] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in " \t":
            i += 1
        if i < n and text[i] == '"':
            i += 1
            buf: list[str] = []
            while i < n and text[i] != '"':
                if text[i] == "\\" and i + 1 < n:
                    i += 1
                buf.append(text[i])
                i += 1
            i += 1
            items.append("".join(buf))
            while i < n and text[i] != ",":
                i += 1
        else:
            end = text.find(",", i)
            if end < 0:
                end = n
            items.append(text[i:end].strip())
            i = end
        i += 1
    if text.rstrip().endswith(","):
        items.append("")
    return items


def _header_value(binding: Binding, raw: str) -> Any:
    if binding.type_name == "list":
        parts = split_header_list(raw)
        if binding.item_type == "timestamp" and binding.ts_format == values.RFC822:
            # An RFC 822 date has a comma of its own ("Mon, 01 Jan ..."): rejoin the halves.
            parts = [f"{parts[i]}, {parts[i + 1]}" for i in range(0, len(parts) - 1, 2)]
        return [values.parse_text(binding.item_type, p, binding.ts_format) for p in parts]
    if binding.json_value:
        return json.loads(values.b64decode(raw.strip()).decode("utf-8"))
    return values.parse_text(binding.type_name, raw, binding.ts_format)


def parse_bindings(
    op: Any,
    shape: Any,
    req: HttpRequest,
    path_params: dict[str, str],
    *,
    error_code: str = "SerializationException",
) -> dict[str, Any]:
    """The members of ``shape`` found in the URI, query string and headers of ``req``."""
    b = bindings(shape)
    out: dict[str, Any] = {}
    for binding in b.uri:
        raw = path_params.get(binding.wire)
        if raw is None:
            raw = path_params.get(binding.wire + "+")
        if raw is None:
            continue
        try:
            out[binding.member] = values.parse_text(binding.type_name, raw, binding.ts_format)
        except ValueError as exc:
            raise _bad(error_code, binding, "the URI", exc) from None
    if b.query or b.query_map is not None:
        query = req.query
        if query:
            for binding in b.query:
                found = query.get(binding.wire)
                if found is None:
                    continue
                try:
                    if binding.type_name == "list":
                        out[binding.member] = [
                            values.parse_text(binding.item_type, v, binding.ts_format) for v in found
                        ]
                    else:
                        out[binding.member] = values.parse_text(binding.type_name, found[0], binding.ts_format)
                except ValueError as exc:
                    raise _bad(error_code, binding, "the query string", exc) from None
            if b.query_map is not None:
                _parse_query_map(op, b, query, out, error_code)
    headers = req.headers
    for binding in b.headers:
        raw = headers.get(binding.wire)
        if raw is None:
            continue
        try:
            out[binding.member] = _header_value(binding, raw)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise _bad(error_code, binding, "a header", exc) from None
    for binding in b.header_maps:
        prefix = binding.wire
        size = len(prefix)
        found_map = {k[size:]: v for k, v in headers.items() if k.startswith(prefix)}
        if found_map:
            out[binding.member] = found_map
    return out


def _parse_query_map(
    op: Any, b: Bindings, query: dict[str, list[str]], out: dict[str, Any], error_code: str
) -> None:
    binding = b.query_map
    assert binding is not None
    taken = {q.wire for q in b.query}
    taken |= literal_query_keys(op.http.get("requestUri", "")) if op is not None else frozenset()
    multi = binding.shape.value.type_name == "list"
    found: dict[str, Any] = {}
    try:
        for key, vals in query.items():
            if key in taken:
                continue
            if multi:
                found[key] = [values.parse_text(binding.item_type, v, binding.ts_format) for v in vals]
            else:
                found[key] = values.parse_text(binding.item_type, vals[0], binding.ts_format)
    except ValueError as exc:
        raise _bad(error_code, binding, "the query string", exc) from None
    if found:
        out[binding.member] = found


def parse_request(
    op: Any,
    req: HttpRequest,
    path_params: dict[str, str],
    decode_body: DecodeBody,
    *,
    error_code: str = "SerializationException",
) -> dict[str, Any]:
    """An operation's input from a REST request: bindings first, then the body through the codec.

    ``decode_body`` errors are the codec's to raise (as ``BadRequest``); this function adds
    ``BadRequest(code=error_code)`` for bad labels, query values and headers.
    """
    shape = op.input_shape
    if shape is None:
        return {}
    out = parse_bindings(op, shape, req, path_params, error_code=error_code)
    b = bindings(shape)
    body = req.body
    if b.payload is not None:
        kind = b.payload_kind
        if kind == BLOB:
            if req.stream is not None:
                out[b.payload] = req.stream  # a streaming payload spooled to disk by the server
            elif body:
                out[b.payload] = body
        elif kind == TEXT:
            if body:
                try:
                    out[b.payload] = body.decode("utf-8")
                except UnicodeDecodeError:
                    raise BadRequest(f"{b.payload} is not valid UTF-8", code=error_code) from None
        elif body and not body.isspace():
            out[b.payload] = decode_body(b.payload_shape, body)
    elif b.body_members and body and not body.isspace():
        decoded = decode_body(shape, body)
        members = b.body_members
        for key, value in decoded.items():
            if key in members:
                out[key] = value
    return out


# --- serialising ----------------------------------------------------------------------------


def _header_text(binding: Binding, value: Any) -> str:
    if binding.type_name == "list":
        return ",".join(values.format_text(binding.item_type, v, binding.ts_format) for v in value if v is not None)
    if binding.json_value:
        return values.b64encode(json.dumps(value, separators=(",", ":")))
    return values.format_text(binding.type_name, value, binding.ts_format)


def _file_chunks(f: Any, size: int = 1024 * 1024) -> Any:
    """A binary file's content in ``size`` pieces, closing the file at the end."""
    try:
        while chunk := f.read(size):
            yield chunk
    finally:
        close = getattr(f, "close", None)
        if callable(close):
            close()


def _raw_body(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    read = getattr(value, "read", None)
    if read is not None:
        data = read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return b"".join(value)


def serialize_shape(
    shape: Any,
    output: dict[str, Any] | None,
    encode_body: EncodeBody,
    *,
    status: int = 200,
) -> HttpResponse:
    """An HTTP response carrying ``output`` (a dict of ``shape``'s members) as the bindings say.

    ``status`` is used unless a ``statusCode`` member is set. The caller adds Content-Type and
    the request id header.
    """
    resp = HttpResponse(status=status)
    if shape is None:
        return resp
    output = output or {}
    b = bindings(shape)
    headers = resp.headers
    if b.status_member is not None:
        code = output.get(b.status_member)
        if code is not None:
            resp.status = int(code)
    for binding in b.headers:
        value = output.get(binding.member)
        if value is None or (binding.type_name == "list" and not value):
            continue
        headers.append((binding.name, _header_text(binding, value)))
    for binding in b.header_maps:
        found = output.get(binding.member)
        if found:
            prefix = binding.name
            for key, value in found.items():
                if value is not None:
                    headers.append((prefix + key, str(value)))
    if b.payload is not None:
        value = output.get(b.payload)
        if value is not None:
            if b.payload_kind == CODEC:
                resp.body = encode_body(b.payload_shape, value)
            elif b.payload_kind == BLOB and not isinstance(value, bytes | bytearray | memoryview | str):
                # chunks sent as they are read (S3 GetObject of a large object)
                resp.stream = _file_chunks(value) if hasattr(value, "read") else value
            else:
                resp.body = _raw_body(value)
    elif b.response_body_members:
        members = b.response_body_members
        resp.body = encode_body(shape, {k: v for k, v in output.items() if k in members and v is not None})
    return resp


def serialize_response(op: Any, output: dict[str, Any] | None, encode_body: EncodeBody) -> HttpResponse:
    """An operation's output as an HTTP response; status from the model's ``responseCode``."""
    status = op.http.get("responseCode", 200)
    return serialize_shape(op.output_shape, output, encode_body, status=status)

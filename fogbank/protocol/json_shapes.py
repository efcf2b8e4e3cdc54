"""Converts between a shape's Python values (botocore's input/output dicts) and its wire values.

Used by the ``json``, ``rest-json`` and ``smithy-rpc-v2-cbor`` protocols. The wire value is what
``json.loads`` / ``cbor2.loads`` produce or what ``json.dumps`` / ``cbor2.dumps`` take; two
dialects differ only in scalars:

- ``json``: blobs are base64 text, timestamps epoch seconds (or the member's
  ``timestampFormat``), float specials the strings ``NaN``/``Infinity``/``-Infinity``.
- ``cbor``: blobs are byte strings, timestamps ``datetime`` (cbor2 reads and writes tag 1),
  floats native.

``decoder(shape, dialect)`` and ``encoder(shape, dialect)`` compile one function per shape and
cache it, so the per-request work is a walk over the value with no model lookups. Decoders check
wire types and raise ``ShapeError`` (a ``ValueError``) naming the member at fault.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any

from fogbank.protocol import values

JSON = "json"
CBOR = "cbor"

Codec = Callable[[Any], Any]


class ShapeError(ValueError):
    """A wire value that does not fit its shape."""


def _type_error(shape: Any, expected: str, value: Any) -> ShapeError:
    return ShapeError(f"{shape.name}: expected {expected}, got {_wire_type(value)}")


def _wire_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _identity(value: Any) -> Any:
    return value


# --- decoding (wire -> Python) --------------------------------------------------------------


@lru_cache(maxsize=8192)
def decoder(shape: Any, dialect: str = JSON) -> Codec:
    """The function that turns a wire value of ``shape`` into its Python value."""
    type_name = shape.type_name
    if type_name == "structure":
        if shape.is_document_type:
            return _identity
        return _struct_decoder(shape, dialect)
    if type_name == "list":
        return _list_decoder(shape, dialect)
    if type_name == "map":
        return _map_decoder(shape, dialect)
    if type_name == "string":
        return _str_decoder(shape)
    if type_name in ("integer", "long", "short", "byte"):
        return _int_decoder(shape)
    if type_name in ("float", "double"):
        return _float_decoder(shape)
    if type_name == "boolean":
        return _bool_decoder(shape)
    if type_name == "blob":
        return _bytes_decoder(shape) if dialect == CBOR else _b64_decoder(shape)
    if type_name == "timestamp":
        return _timestamp_decoder(shape)
    return _identity


def _struct_decoder(shape: Any, dialect: str) -> Codec:
    # Members are compiled on first use: recursive shapes would otherwise never finish.
    table: dict[str, tuple[str, Codec]] | None = None

    def decode(value: Any) -> dict[str, Any]:
        nonlocal table
        if type(value) is not dict:
            raise _type_error(shape, "an object", value)
        if table is None:
            table = {
                m.serialization.get("name", name) if dialect == JSON else name: (name, decoder(m, dialect))
                for name, m in shape.members.items()
            }
        out: dict[str, Any] = {}
        for key, item in value.items():
            entry = table.get(key)
            if entry is None or item is None:
                continue
            out[entry[0]] = entry[1](item)
        return out

    return decode


def _list_decoder(shape: Any, dialect: str) -> Codec:
    member = shape.member

    def decode(value: Any) -> list[Any]:
        if type(value) is not list:
            raise _type_error(shape, "an array", value)
        item_decode = decoder(member, dialect)
        return [None if item is None else item_decode(item) for item in value]

    return decode


def _map_decoder(shape: Any, dialect: str) -> Codec:
    value_shape = shape.value

    def decode(value: Any) -> dict[str, Any]:
        if type(value) is not dict:
            raise _type_error(shape, "an object", value)
        item_decode = decoder(value_shape, dialect)
        out: dict[str, Any] = {}
        for key, item in value.items():
            if type(key) is not str:
                raise _type_error(shape, "string keys", key)
            out[key] = None if item is None else item_decode(item)
        return out

    return decode


def _str_decoder(shape: Any) -> Codec:
    def decode(value: Any) -> str:
        if type(value) is not str:
            raise _type_error(shape, "a string", value)
        return value

    return decode


def _int_decoder(shape: Any) -> Codec:
    def decode(value: Any) -> int:
        kind = type(value)
        if kind is int:
            return value
        if kind is float and value.is_integer():
            return int(value)
        raise _type_error(shape, "an integer", value)

    return decode


def _float_decoder(shape: Any) -> Codec:
    def decode(value: Any) -> float:
        try:
            return values.float_from_wire(value)
        except ValueError:
            raise _type_error(shape, "a number", value) from None

    return decode


def _bool_decoder(shape: Any) -> Codec:
    def decode(value: Any) -> bool:
        if type(value) is not bool:
            raise _type_error(shape, "a boolean", value)
        return value

    return decode


def _b64_decoder(shape: Any) -> Codec:
    def decode(value: Any) -> bytes:
        if type(value) is not str:
            raise _type_error(shape, "base64 text", value)
        try:
            return values.b64decode(value)
        except ValueError:
            raise ShapeError(f"{shape.name}: invalid base64") from None

    return decode


def _bytes_decoder(shape: Any) -> Codec:
    def decode(value: Any) -> bytes:
        if type(value) is bytes:
            return value
        if type(value) is bytearray:
            return bytes(value)
        raise _type_error(shape, "a byte string", value)

    return decode


def _timestamp_decoder(shape: Any) -> Codec:
    fmt = values.timestamp_format(shape, values.UNIX)

    def decode(value: Any) -> datetime:
        if isinstance(value, bool) or not isinstance(value, int | float | str | datetime):
            raise _type_error(shape, "a timestamp", value)
        try:
            return values.parse_timestamp(value, fmt)
        except ValueError as exc:
            raise ShapeError(f"{shape.name}: {exc}") from None

    return decode


# --- encoding (Python -> wire) --------------------------------------------------------------


@lru_cache(maxsize=8192)
def encoder(shape: Any, dialect: str = JSON) -> Codec:
    """The function that turns a Python value of ``shape`` into its wire value.

    Members that are ``None`` or not in the shape are left out, so a provider cannot leak
    anything the model does not have.
    """
    type_name = shape.type_name
    if type_name == "structure":
        if shape.is_document_type:
            return _identity
        return _struct_encoder(shape, dialect)
    if type_name == "list":
        return _list_encoder(shape, dialect)
    if type_name == "map":
        return _map_encoder(shape, dialect)
    if type_name == "timestamp":
        if dialect == CBOR:
            return values.as_utc
        fmt = values.timestamp_format(shape, values.UNIX)
        return lambda value: values.format_timestamp(value, fmt)
    if type_name == "blob":
        return _raw_bytes if dialect == CBOR else values.b64encode
    if type_name in ("float", "double"):
        return _float if dialect == CBOR else _float_json
    return _identity


def _raw_bytes(value: Any) -> bytes:
    if type(value) is bytes:
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    return bytes(value)


def _float(value: Any) -> float:
    return float(value)


def _float_json(value: Any) -> float | str:
    return values.float_to_wire(float(value))


def _struct_encoder(shape: Any, dialect: str) -> Codec:
    table: dict[str, tuple[str, Codec | None]] | None = None

    def encode(value: dict[str, Any]) -> dict[str, Any]:
        nonlocal table
        if table is None:
            table = {}
            for name, m in shape.members.items():
                enc = encoder(m, dialect)
                table[name] = (
                    m.serialization.get("name", name) if dialect == JSON else name,
                    None if enc is _identity else enc,
                )
        out: dict[str, Any] = {}
        for key, item in value.items():
            if item is None:
                continue
            entry = table.get(key)
            if entry is None:
                continue
            enc = entry[1]
            out[entry[0]] = item if enc is None else enc(item)
        return out

    return encode


def _list_encoder(shape: Any, dialect: str) -> Codec:
    member = shape.member

    def encode(value: Any) -> list[Any]:
        enc = encoder(member, dialect)
        if enc is _identity:
            return value if type(value) is list else list(value)
        return [None if item is None else enc(item) for item in value]

    return encode


def _map_encoder(shape: Any, dialect: str) -> Codec:
    value_shape = shape.value

    def encode(value: dict[str, Any]) -> dict[str, Any]:
        enc = encoder(value_shape, dialect)
        if enc is _identity:
            return value
        return {key: None if item is None else enc(item) for key, item in value.items()}

    return encode

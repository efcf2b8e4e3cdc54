"""Order-preserving encoding of key tuples: the byte order of encodings equals the tuple order.

Every engine stores keys as these bytes, so a range scan over bytes is a range scan over tuples.

Element kinds sort in this order, whatever their values:
``None`` < ``False`` < ``True`` < numbers < ``bytes`` < ``str`` < nested tuples.
Within a kind: numbers (``int`` and ``decimal.Decimal``, mixed freely) by numeric value, bytes by
bytes, strings by code point, tuples element by element. A tuple that is a prefix of another
sorts before it, so the encoding of a prefix is a byte prefix of the encodings of its extensions.

Numbers are canonical: values that are numerically equal encode identically (``1``,
``Decimal('1')`` and ``Decimal('1.00')`` are one key; ``-0`` is ``0``). Decoding therefore gives
a number back in one canonical form: an ``int`` when the value is integral, otherwise a
``Decimal`` without trailing zeros. NaN and infinities are refused, and so are floats (their
binary value rarely is what the caller meant; convert to ``Decimal`` first).

Layout (one tag byte per element, every tag below 0xFF):
  0x05 None; 0x10 False; 0x11 True; 0x21 zero;
  0x22 positive number: exponent E (see ``_encode_exponent``) then the significant digits as
       ASCII, then 0x00 (the value is 0.<digits> x 10**E, no trailing zeros);
  0x20 negative number: ``-E`` then the digits with every byte inverted, then 0xFF;
  0x40 bytes / 0x50 str (UTF-8): the data with each 0x00 written 0x00 0xFF, then 0x00;
  0x60 nested tuple: its elements, then 0x00.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

NONE = 0x05
FALSE = 0x10
TRUE = 0x11
NEGATIVE = 0x20
ZERO = 0x21
POSITIVE = 0x22
BYTES = 0x40
STR = 0x50
TUPLE = 0x60
END = 0x00

_INVERT = bytes(255 - i for i in range(256))
_NUL = b"\x00"
_ESCAPED_NUL = b"\x00\xff"
_STR_TAG = bytes([STR])


def encode(key: tuple) -> bytes:
    """Encode a key tuple into bytes whose order is the tuple order."""
    if type(key) is not tuple:
        raise TypeError(f"a store key is a tuple, not {type(key).__name__}")
    # the hot path: one list of parts, few bytecodes per str or int element
    parts: list[bytes] = []
    add = parts.append
    for item in key:
        kind = type(item)
        if kind is str:
            try:
                data = item.encode()
            except UnicodeEncodeError:
                data = item.encode("utf-8", "surrogatepass")
            if b"\x00" in data:
                data = data.replace(_NUL, _ESCAPED_NUL)
            add(_STR_TAG)
            add(data)
            add(_NUL)
        elif kind is int:
            add(_int_bytes(item))
        else:
            out = bytearray()
            _encode_into(out, (item,))
            add(bytes(out))
    return b"".join(parts)


def decode(data: bytes) -> tuple:
    """Decode bytes made by ``encode`` back into a tuple (numbers in canonical form)."""
    if _ESCAPED_NUL in data:
        items, _ = _decode_items(data, 0, False)
        return items
    # the hot path: no escaped 0x00 anywhere, and str and positive numbers decoded inline
    items: list[Any] = []
    add = items.append
    find = data.index
    pos = 0
    size = len(data)
    while pos < size:
        tag = data[pos]
        if tag == STR:
            end = find(0, pos + 1)
            add(data[pos + 1 : end].decode("utf-8", "surrogatepass"))
            pos = end + 1
        elif tag == POSITIVE:
            head = data[pos + 1]
            end = find(0, pos + 2 + (head - 0x80 if head >= 0x80 else 0x80 - head))
            add(_positive(data[pos + 1 : end]))
            pos = end + 1
        else:
            rest, _ = _decode_items(data, pos, False)
            return (*items, *rest)
    return tuple(items)


@functools.lru_cache(maxsize=4096)
def _int_bytes(value: int) -> bytes:
    out = bytearray()
    _encode_int(out, value)
    return bytes(out)


@functools.lru_cache(maxsize=4096)
def _positive(body: bytes) -> int | Decimal:
    """A positive number from its exponent and digits (the bytes between tag and terminator)."""
    exponent, start = _decode_exponent(body, 0)
    return _number(False, body[start:].decode("ascii"), exponent)


def _encode_into(out: bytearray, key: tuple) -> None:
    for item in key:
        kind = type(item)
        if kind is str:
            data = item.encode("utf-8", "surrogatepass")
            out.append(STR)
            out += data.replace(_NUL, _ESCAPED_NUL) if _NUL in data else data
            out.append(END)
        elif kind is int:
            _encode_int(out, item)
        elif kind is bytes or kind is bytearray or kind is memoryview:
            data = bytes(item)
            out.append(BYTES)
            out += data.replace(_NUL, _ESCAPED_NUL) if _NUL in data else data
            out.append(END)
        elif kind is Decimal:
            _encode_decimal(out, item)
        elif item is None:
            out.append(NONE)
        elif kind is bool:
            out.append(TRUE if item else FALSE)
        elif kind is tuple:
            out.append(TUPLE)
            _encode_into(out, item)
            out.append(END)
        else:
            _encode_subclass(out, item)


def _encode_subclass(out: bytearray, item: Any) -> None:
    # Subclasses (IntEnum, str enums, NamedTuple) encode as their base kind.
    if isinstance(item, bool):
        out.append(TRUE if item else FALSE)
    elif isinstance(item, int):
        _encode_int(out, int(item))
    elif isinstance(item, str):
        _encode_into(out, (str(item),))
    elif isinstance(item, Decimal):
        _encode_decimal(out, Decimal(item))
    elif isinstance(item, tuple):
        _encode_into(out, (tuple(item),))
    else:
        raise TypeError(f"cannot use a {type(item).__name__} in a store key")


def _encode_int(out: bytearray, value: int) -> None:
    if value == 0:
        out.append(ZERO)
        return
    text = str(-value if value < 0 else value)
    _encode_number(out, value < 0, text.rstrip("0"), len(text))


def _encode_decimal(out: bytearray, value: Decimal) -> None:
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        raise ValueError(f"cannot use {value} in a store key")
    text = "".join(map(str, digits)).lstrip("0")
    if not text:
        out.append(ZERO)
        return
    _encode_number(out, bool(sign), text.rstrip("0"), len(text) + exponent)


def _encode_number(out: bytearray, negative: bool, digits: str, exponent: int) -> None:
    # value = 0.<digits> * 10**exponent, digits without leading or trailing zeros
    if negative:
        out.append(NEGATIVE)
        _encode_exponent(out, -exponent)
        out += digits.encode("ascii").translate(_INVERT)
        out.append(0xFF)
    else:
        out.append(POSITIVE)
        _encode_exponent(out, exponent)
        out += digits.encode("ascii")
        out.append(END)


def _encode_exponent(out: bytearray, n: int) -> None:
    """Any int, order-preserving: a length byte around 0x80, then big-endian magnitude bytes."""
    if n >= 0:
        size = (n.bit_length() + 7) // 8
        out.append(0x80 + size)
        out += n.to_bytes(size, "big")
    else:
        size = ((-n).bit_length() + 7) // 8
        out.append(0x80 - size)
        out += ((1 << (8 * size)) - 1 + n).to_bytes(size, "big")


def _decode_exponent(data: bytes, pos: int) -> tuple[int, int]:
    head = data[pos]
    if head >= 0x80:
        size = head - 0x80
        end = pos + 1 + size
        return int.from_bytes(data[pos + 1 : end], "big"), end
    size = 0x80 - head
    end = pos + 1 + size
    return int.from_bytes(data[pos + 1 : end], "big") - ((1 << (8 * size)) - 1), end


def _number(negative: bool, digits: str, exponent: int) -> int | Decimal:
    shift = exponent - len(digits)
    if shift >= 0:
        value = int(digits) * 10**shift if shift else int(digits)
        return -value if negative else value
    return Decimal(("-" if negative else "") + digits + "E" + str(shift))


def _find_end(data: bytes, pos: int) -> int:
    """Index of the 0x00 that ends an escaped byte string starting at ``pos``."""
    end = data.index(0, pos)
    while data[end + 1 : end + 2] == b"\xff":
        end = data.index(0, end + 2)
    return end


def _unescape(raw: bytes) -> bytes:
    return raw.replace(_ESCAPED_NUL, _NUL) if _ESCAPED_NUL in raw else raw


def _decode_items(data: bytes, pos: int, nested: bool) -> tuple[tuple, int]:
    items: list[Any] = []
    size = len(data)
    while pos < size:
        tag = data[pos]
        if tag == STR:
            end = _find_end(data, pos + 1)
            items.append(_unescape(data[pos + 1 : end]).decode("utf-8", "surrogatepass"))
            pos = end + 1
        elif tag == POSITIVE:
            exponent, start = _decode_exponent(data, pos + 1)
            end = data.index(0, start)
            items.append(_number(False, data[start:end].decode("ascii"), exponent))
            pos = end + 1
        elif tag == ZERO:
            items.append(0)
            pos += 1
        elif tag == BYTES:
            end = _find_end(data, pos + 1)
            items.append(_unescape(data[pos + 1 : end]))
            pos = end + 1
        elif tag == NEGATIVE:
            exponent, start = _decode_exponent(data, pos + 1)
            end = data.index(0xFF, start)
            items.append(_number(True, data[start:end].translate(_INVERT).decode("ascii"), -exponent))
            pos = end + 1
        elif tag == NONE:
            items.append(None)
            pos += 1
        elif tag == FALSE:
            items.append(False)
            pos += 1
        elif tag == TRUE:
            items.append(True)
            pos += 1
        elif tag == TUPLE:
            inner, pos = _decode_items(data, pos + 1, True)
            items.append(inner)
        elif tag == END and nested:
            return tuple(items), pos + 1
        else:
            raise ValueError(f"bad key byte 0x{tag:02x} at offset {pos}")
    if nested:
        raise ValueError("a nested tuple in the key has no end")
    return tuple(items), pos


def prefix_end(prefix: bytes) -> bytes:
    """The smallest encoding above every key that starts with the encoded ``prefix``."""
    # every element starts with a tag below 0xFF, so no extension reaches prefix + 0xFF
    return prefix + b"\xff"

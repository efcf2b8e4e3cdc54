"""Scalar conversions shared by every wire protocol.

Timestamps (``iso8601``, ``rfc822``, ``unixTimestamp``) in both directions, base64 blobs, the
float specials (``NaN``, ``Infinity``, ``-Infinity``) and the text form that scalars take in URIs,
query strings and headers. Every parser here raises ``ValueError`` on bad input; the protocol
modules turn that into their own ``BadRequest``.
"""

from __future__ import annotations

import base64
import binascii
import math
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

ISO8601 = "iso8601"
RFC822 = "rfc822"
UNIX = "unixtimestamp"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ZERO = timedelta(0)
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_FLOAT_SPECIALS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def timestamp_format(shape: Any, default: str) -> str:
    """The lower-case timestamp format a (member) shape asks for, or ``default``."""
    fmt = shape.serialization.get("timestampFormat")
    return fmt.lower() if fmt else default


# --- timestamps -----------------------------------------------------------------------------


def epoch_to_datetime(seconds: float) -> datetime:
    """An aware UTC datetime from epoch seconds (int or float, microsecond precision)."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise ValueError(f"not a number of epoch seconds: {seconds!r}")
    if isinstance(seconds, float) and not math.isfinite(seconds):
        raise ValueError(f"not a finite timestamp: {seconds!r}")
    try:
        if isinstance(seconds, int):
            return _EPOCH + timedelta(seconds=seconds)
        return _EPOCH + timedelta(microseconds=round(seconds * 1_000_000))
    except OverflowError as exc:
        raise ValueError(f"timestamp out of range: {seconds!r}") from exc


def parse_timestamp(value: Any, fmt: str | None = None) -> datetime:
    """An aware UTC datetime from a wire value.

    Numbers are epoch seconds. Strings are read in ``fmt`` when it is given, but leniently: a
    client that sends epoch seconds in a header or an ISO 8601 date in a body still gets through,
    as AWS's own front ends let it.
    """
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str):
        return epoch_to_datetime(value)
    text = value.strip()
    if not text:
        raise ValueError("empty timestamp")
    first = text[0]
    if first.isdigit() or first in "-+.":
        try:
            seconds = float(text)
        except ValueError:
            return _parse_iso8601(text)
        return epoch_to_datetime(seconds)
    return _parse_rfc822(text)


def _parse_iso8601(text: str) -> datetime:
    if text[-1] in "zZ":
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"not an ISO 8601 timestamp: {text!r}") from exc
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _parse_rfc822(text: str) -> datetime:
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError) as exc:
        raise ValueError(f"not an RFC 822 timestamp: {text!r}") from exc
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def as_utc(value: Any) -> datetime:
    """An aware UTC datetime from a datetime (naive means UTC), epoch seconds or timestamp text."""
    if isinstance(value, datetime):
        tz = value.tzinfo
        if tz is UTC:
            return value
        if tz is None:
            return value.replace(tzinfo=UTC)
        return value if value.utcoffset() == _ZERO else value.astimezone(UTC)
    return parse_timestamp(value)


def epoch_seconds(value: Any) -> int | float:
    """Epoch seconds of a timestamp value: an int when whole, else a float with its microseconds."""
    if isinstance(value, datetime):
        delta = (value if value.tzinfo is not None else value.replace(tzinfo=UTC)) - _EPOCH
    else:
        delta = as_utc(value) - _EPOCH
    seconds = delta.days * 86400 + delta.seconds
    micros = delta.microseconds
    if micros:
        return (seconds * 1_000_000 + micros) / 1_000_000
    return seconds


def format_timestamp(value: Any, fmt: str) -> str | int | float:
    """The wire form of a timestamp in ``fmt`` (``iso8601``, ``rfc822`` or ``unixtimestamp``).

    ``value`` is a datetime (naive means UTC), epoch seconds, or a string in any format.
    Epoch seconds are an int when whole, else a float; ISO 8601 carries milliseconds, or
    microseconds when the value has them, so nothing is lost on the way out.
    """
    if fmt == UNIX:
        return epoch_seconds(value)
    dt = as_utc(value)
    if fmt == RFC822:
        return (
            f"{_DAYS[dt.weekday()]}, {dt.day:02d} {_MONTHS[dt.month]} {dt.year:04d} "
            f"{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d} GMT"
        )
    naive = dt.replace(tzinfo=None)
    us = dt.microsecond
    if us and us % 1000 == 0:
        return naive.isoformat(timespec="milliseconds") + "Z"
    return naive.isoformat() + "Z"


# --- blobs ----------------------------------------------------------------------------------


def b64encode(value: bytes | bytearray | memoryview | str) -> str:
    """Base64 text of ``value`` (strings are taken as UTF-8)."""
    if isinstance(value, str):
        value = value.encode("utf-8")
    return base64.b64encode(value).decode("ascii")


def b64decode(text: Any) -> bytes:
    """Bytes from base64 text; missing padding is tolerated, anything else non-base64 is not."""
    if not isinstance(text, str):
        raise ValueError(f"expected base64 text, got {type(text).__name__}")
    pad = -len(text) % 4
    if pad:
        text += "=" * pad
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("invalid base64") from exc


# --- floats ---------------------------------------------------------------------------------


def float_to_wire(value: float) -> float | str:
    """A float for a JSON/CBOR-style body: finite values as is, specials as AWS's strings."""
    if value != value:
        return "NaN"
    if value == math.inf:
        return "Infinity"
    if value == -math.inf:
        return "-Infinity"
    return value


def float_from_wire(value: Any) -> float:
    """A float from a JSON/CBOR-style body value: a number or one of the special strings."""
    if isinstance(value, float):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:
            raise ValueError(f"{value} is out of range for a double") from None
    if isinstance(value, str) and value in _FLOAT_SPECIALS:
        return _FLOAT_SPECIALS[value]
    raise ValueError(f"expected a number, got {value!r}")


# --- text scalars (URI labels, query strings, headers) --------------------------------------


def parse_text(type_name: str, text: str, ts_format: str = ISO8601) -> Any:
    """A scalar from its text form in a URI, query string or header."""
    if type_name == "string":
        return text
    if type_name in ("integer", "long", "short", "byte"):
        text = text.strip()
        if not text or not (text.isdigit() or (text[0] in "+-" and text[1:].isdigit())):
            raise ValueError(f"expected an integer, got {text!r}")
        return int(text)
    if type_name in ("float", "double"):
        text = text.strip()
        if text in _FLOAT_SPECIALS:
            return _FLOAT_SPECIALS[text]
        return float(text)
    if type_name == "boolean":
        low = text.strip().lower()
        if low == "true":
            return True
        if low == "false":
            return False
        raise ValueError(f"expected true or false, got {text!r}")
    if type_name == "timestamp":
        return parse_timestamp(text, ts_format)
    if type_name == "blob":
        return b64decode(text.strip())
    return text


def format_text(type_name: str, value: Any, ts_format: str = ISO8601) -> str:
    """The text form of a scalar for a URI, query string or header."""
    if type_name == "string":
        return value if isinstance(value, str) else str(value)
    if type_name == "boolean":
        return "true" if value else "false"
    if type_name == "timestamp":
        return str(format_timestamp(value, ts_format))
    if type_name in ("float", "double"):
        return str(float_to_wire(float(value)))
    if type_name == "blob":
        return b64encode(value)
    return str(value)

"""Typed attribute values in DynamoDB's wire form: numbers, equality, ordering and sizes.

A value is a one-key dict such as ``{"S": "a"}`` or ``{"N": "1.5"}``, exactly as boto3's
low-level client sends it. Numbers are strings on the wire; arithmetic and comparison go
through ``decimal.Decimal`` at DynamoDB's precision (38 significant digits, magnitudes from
1E-130 to below 1E+126), and results are written back in DynamoDB's canonical form.
"""

from __future__ import annotations

import decimal
import re
from decimal import Decimal
from typing import Any

from fogbank.services.dynamodb.expressions.errors import ExpressionError

#: DynamoDB's number limits: 38 significant digits, exponent range as documented.
NUMBER_CONTEXT = decimal.Context(
    prec=38,
    rounding=decimal.ROUND_HALF_EVEN,
    Emax=125,
    Emin=-130,
    traps=[decimal.Overflow, decimal.Underflow, decimal.Inexact, decimal.Rounded, decimal.InvalidOperation],
)
#: A number already in DynamoDB's canonical text: no sign on zero, exponent, leading or trailing zeros.
_CANONICAL = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]*[1-9])?")
_MAX_MAGNITUDE = Decimal("9.9999999999999999999999999999999999999E+125")
_MIN_MAGNITUDE = Decimal("1E-130")

OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range"
UNDERFLOW = "Number underflow. Attempting to store a number with magnitude smaller than supported range"
TOO_PRECISE = "Attempting to store more than 38 significant digits in a Number"
NOT_A_NUMBER = "A value provided cannot be converted into a number"

#: Every attribute type tag DynamoDB knows.
TYPES = frozenset({"S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"})
SET_TYPES = frozenset({"SS", "NS", "BS"})
#: The scalar element type of each set type.
SET_ELEMENT = {"SS": "S", "NS": "N", "BS": "B"}


def tag_of(value: dict[str, Any]) -> str:
    """The type tag (``"S"``, ``"N"``, ...) of a typed value."""
    for tag in value:
        return tag
    raise ExpressionError("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")


def check_number(number: Decimal) -> Decimal:
    """``number`` if DynamoDB can store it, else AWS's overflow/underflow/precision error."""
    if not number.is_finite():
        raise ExpressionError(NOT_A_NUMBER)
    if number == 0:
        return Decimal(0)
    magnitude = number.copy_abs()
    if magnitude > _MAX_MAGNITUDE:
        raise ExpressionError(OVERFLOW)
    if magnitude < _MIN_MAGNITUDE:
        raise ExpressionError(UNDERFLOW)
    digits = number.normalize(decimal.Context(prec=200)).as_tuple().digits
    if len(digits) > 38:
        raise ExpressionError(TOO_PRECISE)
    return number


def parse_number(text: str) -> Decimal:
    """The Decimal a wire number string stands for, validated against DynamoDB's limits."""
    try:
        number = Decimal(text.strip()) if isinstance(text, str) else Decimal(text)
    except (decimal.InvalidOperation, TypeError, ValueError):
        raise ExpressionError(NOT_A_NUMBER) from None
    if isinstance(text, str) and (not text or text != text.strip()):
        raise ExpressionError(NOT_A_NUMBER)
    return check_number(number)


def canonical_number(number: Decimal) -> str:
    """DynamoDB's canonical text of a number: no exponent, no trailing fractional zeros."""
    if number == 0:
        return "0"
    text = format(number.normalize(decimal.Context(prec=200)), "f")
    return text


def canonical_number_text(text: str) -> str:
    """Validate a wire number string and return its canonical text (``"1.50"`` -> ``"1.5"``)."""
    # most numbers arrive canonical already ("42", "-0.5"): recognise them without Decimal
    if isinstance(text, str) and len(text) <= 40 and text != "-0" and _CANONICAL.fullmatch(text):
        if len(text) - text.startswith("-") - ("." in text) <= 38:
            return text
    return canonical_number(parse_number(text))


def arithmetic(op: str, left: Decimal, right: Decimal) -> Decimal:
    """``left + right`` or ``left - right`` at DynamoDB's precision, with AWS's errors."""
    try:
        result = NUMBER_CONTEXT.add(left, right) if op == "+" else NUMBER_CONTEXT.subtract(left, right)
    except decimal.Overflow:
        raise ExpressionError(OVERFLOW) from None
    except decimal.Underflow:
        raise ExpressionError(UNDERFLOW) from None
    except (decimal.Inexact, decimal.Rounded):
        raise ExpressionError(TOO_PRECISE) from None
    return check_number(result)


def _as_bytes(raw: Any) -> bytes:
    if isinstance(raw, bytes):
        return raw
    if isinstance(raw, bytearray | memoryview):
        return bytes(raw)
    if isinstance(raw, str):
        return raw.encode()
    return bytes(raw)


def scalar_key(value: dict[str, Any]) -> tuple[str, Any] | None:
    """``(tag, comparable)`` for an N, S or B value (the orderable types), else None."""
    if "N" in value:
        return "N", Decimal(value["N"])
    if "S" in value:
        return "S", value["S"]
    if "B" in value:
        return "B", _as_bytes(value["B"])
    return None


def values_equal(left: dict[str, Any], right: dict[str, Any]) -> bool:
    """DynamoDB equality: same type and same value (numbers numerically, sets unordered)."""
    ltag = next(iter(left), None)
    if ltag is None or ltag not in right:
        return False
    a, b = left[ltag], right[ltag]
    if ltag == "S" or ltag == "BOOL" or ltag == "NULL":
        return a == b
    if ltag == "N":
        return a == b or Decimal(a) == Decimal(b)
    if ltag == "B":
        return _as_bytes(a) == _as_bytes(b)
    if ltag == "SS":
        return set(a) == set(b)
    if ltag == "NS":
        return {Decimal(x) for x in a} == {Decimal(x) for x in b}
    if ltag == "BS":
        return {_as_bytes(x) for x in a} == {_as_bytes(x) for x in b}
    if ltag == "L":
        return len(a) == len(b) and all(values_equal(x, y) for x, y in zip(a, b, strict=True))
    if ltag == "M":
        return a.keys() == b.keys() and all(values_equal(a[k], b[k]) for k in a)
    return False


def compare_keys(a: dict[str, Any], b: dict[str, Any]) -> int:
    """-1, 0 or 1 ordering two key values as DynamoDB sorts them.

    Numbers sort numerically, strings by their UTF-8 bytes (which is code point order),
    binary by unsigned bytes. Values of different types order by type tag so that the
    result is total.
    """
    ka, kb = scalar_key(a), scalar_key(b)
    if ka is None or kb is None or ka[0] != kb[0]:
        ta, tb = tag_of(a), tag_of(b)
        return (ta > tb) - (ta < tb)
    return (ka[1] > kb[1]) - (ka[1] < kb[1])


def set_contains(value: dict[str, Any], element: dict[str, Any]) -> bool:
    """Whether a set value holds ``element`` (a scalar of the set's element type)."""
    tag = tag_of(value)
    etag = SET_ELEMENT.get(tag)
    if etag is None or etag not in element:
        return False
    raw = element[etag]
    if etag == "S":
        return raw in value[tag]
    if etag == "N":
        target = Decimal(raw)
        return any(Decimal(x) == target for x in value[tag])
    target_b = _as_bytes(raw)
    return any(_as_bytes(x) == target_b for x in value[tag])


def number_size(text: str) -> int:
    """Bytes DynamoDB counts for a number: one per two significant digits, plus one."""
    plain = text[1:] if text.startswith("-") else text
    plain = plain.replace(".", "", 1)
    if plain.isascii() and plain.isdigit():
        # no exponent: the significant digits are the text's digits without outer zeros
        significant = plain.strip("0") or "0"
    else:
        digits = Decimal(text).as_tuple().digits
        significant = "".join(map(str, digits)).strip("0") or "0"
    size = (len(significant) + 1) // 2 + 1
    if text.lstrip().startswith("-"):
        size += 1
    return size


def value_size(value: dict[str, Any]) -> int:
    """Bytes DynamoDB counts for one typed value (without its attribute name)."""
    tag = tag_of(value)
    raw = value[tag]
    if tag == "S":
        return len(raw.encode("utf-8"))
    if tag == "N":
        return number_size(raw)
    if tag == "B":
        return len(_as_bytes(raw))
    if tag == "BOOL" or tag == "NULL":
        return 1
    if tag == "SS":
        return sum(len(s.encode("utf-8")) for s in raw)
    if tag == "NS":
        return sum(number_size(n) for n in raw)
    if tag == "BS":
        return sum(len(_as_bytes(b)) for b in raw)
    if tag == "L":
        return 3 + sum(value_size(v) + 1 for v in raw)
    if tag == "M":
        return 3 + sum(len(k.encode("utf-8")) + value_size(v) + 1 for k, v in raw.items())
    raise ExpressionError(f"Unknown attribute type: {tag}")


def item_size(item: dict[str, dict[str, Any]]) -> int:
    """An item's size in bytes as DynamoDB documents it: names plus values, for the 400 KB limit."""
    # every write sizes its item more than once: strings and numbers (most attributes) inline
    total = 0
    for name, value in item.items():
        total += len(name) if name.isascii() else len(name.encode("utf-8"))
        text = value.get("S")
        if text is not None:
            total += len(text) if text.isascii() else len(text.encode("utf-8"))
            continue
        number = value.get("N")
        total += number_size(number) if number is not None else value_size(value)
    return total


def clone(value: dict[str, Any]) -> dict[str, Any]:
    """A copy of a typed value whose containers can be changed without touching the original."""
    tag = tag_of(value)
    raw = value[tag]
    if tag == "M":
        return {"M": {k: clone(v) for k, v in raw.items()}}
    if tag == "L":
        return {"L": [clone(v) for v in raw]}
    if tag in SET_TYPES:
        return {tag: list(raw)}
    return {tag: raw}


_SET_WORDS = {"SS": "string", "NS": "number", "BS": "binary"}


def validate_value(value: Any) -> dict[str, Any]:
    """Check one wire AttributeValue as DynamoDB does and return it with numbers in canonical form.

    Raises ``ExpressionError`` with AWS's message: empty or multi-type values, invalid numbers,
    empty or duplicate-holding sets, ``NULL`` not true.
    """
    if not isinstance(value, dict) or not value:
        raise ExpressionError("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
    if len(value) > 1:
        raise ExpressionError(
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
        )
    tag, raw = next(iter(value.items()))
    if tag == "N":
        return {"N": canonical_number_text(raw)}
    if tag == "NULL" and raw is not True:
        raise ExpressionError("One or more parameter values were invalid: Null attribute value types must have the value of true")
    if tag in SET_TYPES:
        if not raw:
            raise ExpressionError(f"One or more parameter values were invalid: An {_SET_WORDS[tag]} set  may not be empty")
        elements = [canonical_number_text(x) for x in raw] if tag == "NS" else list(raw)
        keys = [Decimal(x) for x in elements] if tag == "NS" else [_as_bytes(x) if tag == "BS" else x for x in elements]
        if len(set(keys)) != len(keys):
            shown = ", ".join(str(x) for x in raw)
            raise ExpressionError(f"One or more parameter values were invalid: Input collection [{shown}] contains duplicates.")
        return {tag: elements}
    if tag == "L":
        return {"L": [validate_value(v) for v in raw]}
    if tag == "M":
        return {"M": {k: validate_value(v) for k, v in raw.items()}}
    if tag not in TYPES:
        raise ExpressionError("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
    return value


def validate_expression_values(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """``validate_value`` on each ExpressionAttributeValues entry, with AWS's prefix and key in messages."""
    if values is None:
        return None
    checked: dict[str, Any] = {}
    for key, value in values.items():
        try:
            checked[key] = validate_value(value)
        except ExpressionError as error:
            raise ExpressionError(
                f"ExpressionAttributeValues contains invalid value: {error.message} for key {key}"
            ) from None
    return checked

"""Scalar conversions: timestamps, base64, float specials and text scalars, checked against
botocore's own readers where it has one."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import pytest
from botocore.utils import parse_timestamp as botocore_parse_timestamp

from fogbank.protocol import values

WHEN = datetime(2021, 3, 4, 5, 6, 7, 123000, tzinfo=UTC)


@pytest.mark.parametrize("fmt", [values.ISO8601, values.RFC822, values.UNIX])
def test_formatted_timestamps_read_back_by_botocore_and_by_us(fmt: str) -> None:
    wire = values.format_timestamp(WHEN, fmt)
    expected = WHEN.replace(microsecond=0) if fmt == values.RFC822 else WHEN
    assert botocore_parse_timestamp(wire) == expected
    assert values.parse_timestamp(wire, fmt) == expected


def test_timestamp_wire_forms() -> None:
    whole = WHEN.replace(microsecond=0)
    assert values.format_timestamp(whole, values.ISO8601) == "2021-03-04T05:06:07Z"
    assert values.format_timestamp(WHEN, values.ISO8601) == "2021-03-04T05:06:07.123Z"
    assert values.format_timestamp(WHEN.replace(microsecond=5), values.ISO8601) == "2021-03-04T05:06:07.000005Z"
    assert values.format_timestamp(whole, values.RFC822) == "Thu, 04 Mar 2021 05:06:07 GMT"
    assert values.format_timestamp(whole, values.UNIX) == 1614834367
    assert values.format_timestamp(WHEN, values.UNIX) == 1614834367.123


def test_naive_and_offset_datetimes_and_epoch_input() -> None:
    naive = datetime(2021, 3, 4, 5, 6, 7)
    assert values.format_timestamp(naive, values.UNIX) == 1614834367
    plus_two = datetime(2021, 3, 4, 7, 6, 7, tzinfo=timezone(timedelta(hours=2)))
    assert values.format_timestamp(plus_two, values.ISO8601) == "2021-03-04T05:06:07Z"
    assert values.format_timestamp(1614834367, values.ISO8601) == "2021-03-04T05:06:07Z"


@pytest.mark.parametrize(
    "wire",
    [
        "2021-03-04T05:06:07.123Z",
        "2021-03-04T05:06:07.123+00:00",
        "2021-03-04T07:06:07.123+02:00",
        "1614834367.123",
        1614834367.123,
    ],
)
def test_lenient_parsing(wire: object) -> None:
    assert values.parse_timestamp(wire) == WHEN


@pytest.mark.parametrize("bad", ["", "yesterday", "2021-13-45T00:00:00Z", True, None, float("nan"), 1e300, []])
def test_bad_timestamps_raise_value_error(bad: object) -> None:
    with pytest.raises(ValueError):
        values.parse_timestamp(bad)


def test_base64_round_trip_and_errors() -> None:
    assert values.b64encode(b"\x00\xff") == "AP8="
    assert values.b64encode("é") == "w6k="
    assert values.b64decode("AP8=") == b"\x00\xff"
    assert values.b64decode("AP8") == b"\x00\xff"  # missing padding tolerated
    for bad in ("A*B=", "====A", 5):
        with pytest.raises(ValueError):
            values.b64decode(bad)


def test_float_specials() -> None:
    assert values.float_to_wire(math.inf) == "Infinity"
    assert values.float_to_wire(-math.inf) == "-Infinity"
    assert values.float_to_wire(math.nan) == "NaN"
    assert values.float_to_wire(1.5) == 1.5
    assert math.isnan(values.float_from_wire("NaN"))
    assert values.float_from_wire("-Infinity") == -math.inf
    assert values.float_from_wire(3) == 3.0
    for bad in ("1.5", True, None, "inf"):
        with pytest.raises(ValueError):
            values.float_from_wire(bad)


def test_text_scalars_both_ways() -> None:
    assert values.parse_text("integer", "-12") == -12
    assert values.parse_text("boolean", "TRUE") is True
    assert values.parse_text("double", "Infinity") == math.inf
    assert values.parse_text("timestamp", "Thu, 04 Mar 2021 05:06:07 GMT", values.RFC822) == WHEN.replace(
        microsecond=0
    )
    assert values.parse_text("blob", "AP8=") == b"\x00\xff"
    assert values.format_text("boolean", False) == "false"
    assert values.format_text("double", -math.inf) == "-Infinity"
    assert values.format_text("timestamp", WHEN, values.RFC822) == "Thu, 04 Mar 2021 05:06:07 GMT"
    assert values.format_text("integer", 7) == "7"
    for type_name, bad in (("integer", "1.5"), ("integer", ""), ("boolean", "yes"), ("double", "x")):
        with pytest.raises(ValueError):
            values.parse_text(type_name, bad)

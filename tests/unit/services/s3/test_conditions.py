"""Byte ranges and conditional-request precedence, against direct models of RFC 7233/7232."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fogbank.services.s3.conditions import byte_range, check, etag_matches
from fogbank.services.s3.errors import InvalidRange, NotModified, PreconditionFailed


@given(st.integers(min_value=1, max_value=10_000), st.integers(min_value=0, max_value=12_000), st.integers(min_value=0, max_value=12_000))
def test_first_last(size: int, first: int, last: int) -> None:
    header = f"bytes={first}-{last}"
    if last < first:
        assert byte_range(header, size) is None
    elif first >= size:
        with pytest.raises(InvalidRange):
            byte_range(header, size)
    else:
        assert byte_range(header, size) == (first, min(last, size - 1))


@given(st.integers(min_value=1, max_value=10_000), st.integers(min_value=1, max_value=12_000))
def test_suffix(size: int, suffix: int) -> None:
    assert byte_range(f"bytes=-{suffix}", size) == (max(0, size - suffix), size - 1)


def test_ignored_and_unsatisfiable_forms() -> None:
    assert byte_range(None, 10) is None
    assert byte_range("bytes=0-1,4-5", 10) is None
    assert byte_range("items=0-1", 10) is None
    with pytest.raises(InvalidRange):
        byte_range("bytes=-0", 10)
    with pytest.raises(InvalidRange):
        byte_range("bytes=0-", 0)


RECORD = {"etag": '"abc"', "mtime": datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC).timestamp()}
BEFORE = datetime(2025, 1, 1, 11, 0, tzinfo=UTC)
AFTER = datetime(2025, 1, 1, 13, 0, tzinfo=UTC)


def test_etag_lists() -> None:
    assert etag_matches('"x", "abc"', '"abc"')
    assert etag_matches("*", '"abc"')
    assert etag_matches('W/"abc"', '"abc"')
    assert not etag_matches('"abcd"', '"abc"')


@pytest.mark.parametrize(("request_", "outcome"), [
    ({"IfMatch": '"abc"', "IfUnmodifiedSince": BEFORE}, None),
    ({"IfMatch": '"zzz"'}, PreconditionFailed),
    ({"IfUnmodifiedSince": BEFORE}, PreconditionFailed),
    ({"IfUnmodifiedSince": AFTER}, None),
    ({"IfNoneMatch": '"abc"'}, NotModified),
    ({"IfNoneMatch": '"zzz"', "IfModifiedSince": AFTER}, None),
    ({"IfModifiedSince": AFTER}, NotModified),
    ({"IfModifiedSince": BEFORE}, None),
    ({"IfMatch": '"zzz"', "IfNoneMatch": '"abc"'}, PreconditionFailed),
])
def test_precedence(request_: dict, outcome: type | None) -> None:
    if outcome is None:
        check(RECORD, request_)
    else:
        with pytest.raises(outcome):
            check(RECORD, request_)


def test_copy_source_conditions_answer_412() -> None:
    with pytest.raises(PreconditionFailed):
        check(RECORD, {"CopySourceIfNoneMatch": '"abc"'}, prefix="CopySource", copy=True)
    with pytest.raises(PreconditionFailed):
        check(RECORD, {"CopySourceIfModifiedSince": AFTER}, prefix="CopySource", copy=True)

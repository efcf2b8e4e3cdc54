"""The shared JSON record codec: compact, UTF-8, round-trips, and None for a missing record."""

from __future__ import annotations

from fogbank.store.records import dump, load


def test_round_trip_compact_utf8() -> None:
    record = {"name": "café", "n": [1, 2.5, None, True], "nested": {"k": "v"}}
    raw = dump(record)
    assert raw == '{"name":"café","n":[1,2.5,null,true],"nested":{"k":"v"}}'.encode()
    assert load(raw) == record


def test_missing_record_is_none() -> None:
    assert load(None) is None

"""Pure checks on what a sender sends: bodies, attributes, batch ids and attribute filters."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fogbank.errors import ServiceError
from fogbank.services.sqs import messages
from fogbank.services.sqs.errors import InvalidMessageContents


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1))
def test_body_check_agrees_with_xml_rules(body: str) -> None:
    allowed = all(
        c in "\t\n\r" or 0x20 <= ord(c) <= 0xD7FF or 0xE000 <= ord(c) <= 0xFFFD or 0x10000 <= ord(c) <= 0x10FFFF
        for c in body
    )
    if allowed:
        messages.check_body(body)
    else:
        with pytest.raises(InvalidMessageContents):
            messages.check_body(body)


def test_attribute_sizes_count_name_type_and_value() -> None:
    size = messages.check_attributes({
        "ab": {"DataType": "String", "StringValue": "xyz"},
        "n": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
    })
    assert size == (2 + 6 + 3) + (1 + 6 + 2)


@pytest.mark.parametrize("name", ["AWS.x", "amazon.y", ".lead", "trail.", "dou..ble", "sp ace", "x" * 257])
def test_bad_attribute_names(name: str) -> None:
    with pytest.raises(ServiceError) as info:
        messages.check_attributes({name: {"DataType": "String", "StringValue": "v"}})
    assert info.value.code == "InvalidParameterValue"


@pytest.mark.parametrize("value", ["1", "-1.5", "1e10", "12345678901234567890123456789012345678"])
def test_good_numbers(value: str) -> None:
    messages.check_attributes({"n": {"DataType": "Number", "StringValue": value}})


@pytest.mark.parametrize("value", ["abc", "NaN", "1e200", "123456789012345678901234567890123456789"])
def test_bad_numbers(value: str) -> None:
    with pytest.raises(ServiceError):
        messages.check_attributes({"n": {"DataType": "Number", "StringValue": value}})


def test_batch_id_checks() -> None:
    codes = []
    for entries in ([], [{"Id": str(i)} for i in range(11)], [{"Id": "a"}, {"Id": "a"}], [{"Id": "a b"}]):
        with pytest.raises(ServiceError) as info:
            messages.check_batch_ids(entries, "Entry")
        codes.append(info.value.code)
    assert codes == ["EmptyBatchRequest", "TooManyEntriesInBatchRequest", "BatchEntryIdsNotDistinct", "InvalidBatchEntryId"]
    messages.check_batch_ids([{"Id": "a-1_B"}, {"Id": "b"}], "Entry")


def test_attribute_filters() -> None:
    attrs = {"order.id": 1, "order.total": 2, "other": 3}
    assert messages.select_attributes(attrs, messages.attribute_filter(["All"])) == attrs
    assert messages.select_attributes(attrs, messages.attribute_filter([".*"])) == attrs
    assert set(messages.select_attributes(attrs, messages.attribute_filter(["order.*"]))) == {"order.id", "order.total"}
    assert messages.select_attributes(attrs, messages.attribute_filter(["other", "none"])) == {"other": 3}
    assert messages.select_attributes(attrs, messages.attribute_filter(None)) == {}

"""The MD5 digests of bodies and message attributes, against an independent reading of the rules."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from fogbank.services.sqs.checksums import md5_of_attributes, md5_of_body

names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-.", min_size=1, max_size=20)
string_value = st.fixed_dictionaries({"DataType": st.sampled_from(["String", "Number", "String.custom"]),
                                      "StringValue": st.text(min_size=1, max_size=30)})
binary_value = st.fixed_dictionaries({"DataType": st.sampled_from(["Binary", "Binary.gz"]),
                                      "BinaryValue": st.binary(min_size=1, max_size=30)})


def test_body_digest() -> None:
    assert md5_of_body("héllo") == hashlib.md5("héllo".encode()).hexdigest()


def test_known_attribute_digest() -> None:
    manual = b"\x00\x00\x00\x01a\x00\x00\x00\x06String\x01\x00\x00\x00\x01b"
    assert md5_of_attributes({"a": {"DataType": "String", "StringValue": "b"}}) == hashlib.md5(manual).hexdigest()
    binary = b"\x00\x00\x00\x01k\x00\x00\x00\x06Binary\x02\x00\x00\x00\x02\x00\xff"
    assert md5_of_attributes({"k": {"DataType": "Binary", "BinaryValue": b"\x00\xff"}}) == hashlib.md5(binary).hexdigest()


def _reference(attributes: dict) -> str:
    def field(data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + data

    out = b""
    for name in sorted(attributes):
        value = attributes[name]
        out += field(name.encode()) + field(value["DataType"].encode())
        if "BinaryValue" in value:
            out += b"\x02" + field(value["BinaryValue"])
        else:
            out += b"\x01" + field(value["StringValue"].encode())
    return hashlib.md5(out).hexdigest()


@given(st.dictionaries(names, st.one_of(string_value, binary_value), min_size=1, max_size=10))
def test_digest_matches_reference(attributes: dict) -> None:
    assert md5_of_attributes(attributes) == _reference(attributes)


@given(st.dictionaries(names, string_value, min_size=2, max_size=5))
def test_digest_ignores_order(attributes: dict) -> None:
    reordered = dict(reversed(list(attributes.items())))
    assert md5_of_attributes(attributes) == md5_of_attributes(reordered)

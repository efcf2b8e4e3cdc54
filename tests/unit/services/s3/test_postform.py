"""The POST form parser and policy checker."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fogbank.services.s3 import postform
from fogbank.services.s3.errors import AccessDenied, EntityTooSmall, MalformedPOSTRequest

BOUNDARY = "xYzBoundary"


def body(fields: dict[str, str], file: bytes, filename: str = "f.txt") -> bytes:
    out = b""
    for name, value in fields.items():
        out += f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    out += f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n\r\n'.encode()
    return out + file + f"\r\n--{BOUNDARY}--\r\n".encode()


@settings(max_examples=100)
@given(st.dictionaries(st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True).filter(lambda n: n != "file"),
                       st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=30),
                       max_size=5),
       st.binary(max_size=500))
def test_fields_and_file_round_trip(fields: dict[str, str], file: bytes) -> None:
    form = postform.parse(body(fields, file), BOUNDARY)
    assert form.fields == fields and form.file == file and form.filename == "f.txt"


def test_boundary_and_malformed_bodies() -> None:
    assert postform.boundary_of('multipart/form-data; boundary="a b"') == "a b"
    assert postform.boundary_of("multipart/form-data") is None
    with pytest.raises(MalformedPOSTRequest):
        postform.parse(b"no delimiter here", BOUNDARY)
    with pytest.raises(MalformedPOSTRequest):
        postform.parse(f"--{BOUNDARY}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--{BOUNDARY}--".encode(), BOUNDARY)


def test_conditions() -> None:
    form = postform.parse(body({"key": "up/a", "Content-Type": "image/png"}, b"12345"), BOUNDARY)
    doc = {"expiration": "2030-01-01T00:00:00Z", "conditions": [
        {"bucket": "b"}, ["starts-with", "$key", "up/"], ["starts-with", "$Content-Type", "image/"],
        ["content-length-range", 1, 10]]}
    postform.check(doc, form, "b", 0)
    with pytest.raises(AccessDenied, match="Policy expired"):
        postform.check(doc, form, "b", 1_900_000_000)
    with pytest.raises(AccessDenied, match=r'\["eq", "\$bucket", "b"\]'):
        postform.check(doc, form, "c", 0)
    with pytest.raises(EntityTooSmall):
        postform.check({**doc, "conditions": [*doc["conditions"], ["content-length-range", 6, 10]]}, form, "b", 0)
    with pytest.raises(AccessDenied, match="Extra input fields: Content-Type"):
        postform.check({**doc, "conditions": doc["conditions"][:2]}, form, "b", 0)

"""aws-chunked decoding: unsigned and signed chunks, trailers, streaming sources, bad framing."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fogbank.auth.chunked import ChunkedDecoder, ChunkedError, decode_all, encode


@given(st.binary(max_size=5000), st.integers(min_value=1, max_value=700))
def test_round_trip(data: bytes, chunk_size: int) -> None:
    body = encode(data, chunk_size, trailers={"x-amz-checksum-crc32": "AAAAAA=="})
    decoded, trailers = decode_all(body)
    assert decoded == data
    assert trailers == {"x-amz-checksum-crc32": "AAAAAA=="}


def test_signed_chunks_without_trailer() -> None:
    sig = "a" * 64
    body = encode(b"hello world", 4, signature=sig)
    decoder = ChunkedDecoder(body)
    assert b"".join(decoder) == b"hello world"
    assert decoder.signatures == [sig] * 4  # three data chunks and the final one
    assert decoder.trailers == {}


def test_signed_trailer_is_not_a_trailer_header() -> None:
    body = b"5;chunk-signature=abc\r\nhello\r\n0;chunk-signature=def\r\nx-amz-checksum-sha256:Zm9v\r\nx-amz-trailer-signature:123\r\n\r\n"
    decoder = ChunkedDecoder(body)
    assert b"".join(decoder) == b"hello"
    assert decoder.trailers == {"x-amz-checksum-sha256": "Zm9v"}


def test_verify_hook_sees_every_chunk() -> None:
    seen: list[tuple[str | None, bytes]] = []
    body = encode(b"abcdefgh", 3, signature="s")
    assert b"".join(ChunkedDecoder(body, verify=lambda sig, data: seen.append((sig, data)))) == b"abcdefgh"
    assert seen == [("s", b"abc"), ("s", b"def"), ("s", b"gh"), ("s", b"")]


def test_streams_from_a_file_in_small_reads() -> None:
    data = bytes(range(256)) * 1000
    source = io.BufferedReader(io.BytesIO(encode(data, 10_000)), buffer_size=7)
    assert b"".join(ChunkedDecoder(source)) == data


def test_iterable_source() -> None:
    body = encode(b"0123456789", 3)
    pieces = [body[i : i + 2] for i in range(0, len(body), 2)]
    assert b"".join(ChunkedDecoder(iter(pieces))) == b"0123456789"


@pytest.mark.parametrize("body", [b"zz\r\nabc\r\n0\r\n\r\n", b"5\r\nabc", b"3\r\nabcX\r\n0\r\n\r\n", b"3\r\nabc\r\n" + b"9" * 9000])
def test_bad_framing(body: bytes) -> None:
    with pytest.raises(ChunkedError):
        b"".join(ChunkedDecoder(body))

"""The KMS ciphertext blob format and primitives: round trips and tamper detection."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fogbank.services.kms import crypto

ARN = "arn:aws:kms:us-east-1:111111111111:key/mrk-0123456789abcdef0123456789abcdef"
contexts = st.dictionaries(st.text(min_size=1, max_size=8), st.text(max_size=8), max_size=4)


@settings(max_examples=60, deadline=None)
@given(plaintext=st.binary(min_size=1, max_size=256), context=contexts)
def test_symmetric_round_trip(plaintext: bytes, context: dict[str, str]) -> None:
    secret, material = os.urandom(32), crypto.new_material_id()
    blob = crypto.encrypt_symmetric(secret, ARN, material, plaintext, context)
    parsed = crypto.parse_blob(blob)
    assert (parsed.key_ref, parsed.material_id) == (ARN, material)
    assert crypto.decrypt_symmetric(secret, parsed, dict(reversed(list(context.items())))) == plaintext


@settings(max_examples=60, deadline=None)
@given(plaintext=st.binary(min_size=1, max_size=64), position=st.integers(min_value=0), bit=st.integers(0, 7))
def test_any_flipped_bit_is_detected(plaintext: bytes, position: int, bit: int) -> None:
    secret = os.urandom(32)
    blob = bytearray(crypto.encrypt_symmetric(secret, ARN, crypto.new_material_id(), plaintext, {"a": "b"}))
    blob[position % len(blob)] ^= 1 << bit
    with pytest.raises(crypto.CiphertextError):
        crypto.decrypt_symmetric(secret, crypto.parse_blob(bytes(blob)), {"a": "b"})


@given(junk=st.binary(max_size=80))
def test_junk_never_parses_into_a_crash(junk: bytes) -> None:
    try:
        parsed = crypto.parse_blob(junk)
    except crypto.CiphertextError:
        return
    with pytest.raises(crypto.CiphertextError):
        crypto.decrypt_symmetric(os.urandom(32), parsed, None)


def test_context_changes_fail() -> None:
    secret = os.urandom(32)
    blob = crypto.parse_blob(crypto.encrypt_symmetric(secret, ARN, crypto.new_material_id(), b"x", {"a": "1"}))
    for wrong in (None, {}, {"a": "2"}, {"a": "1", "b": "2"}):
        with pytest.raises(crypto.CiphertextError):
            crypto.decrypt_symmetric(secret, blob, wrong)


@pytest.mark.parametrize("spec", ["ECC_NIST_P256", "ECC_SECG_P256K1", "RSA_2048"])
def test_sign_verify_raw_and_digest(spec: str) -> None:
    private = crypto.generate_material(spec)
    public = crypto.public_der(private)
    algorithm = crypto.algorithms_for(spec, "SIGN_VERIFY")["SigningAlgorithms"][0]
    signature = crypto.sign(private, algorithm, b"message", "RAW")
    assert crypto.verify(public, algorithm, b"message", "RAW", signature)
    assert not crypto.verify(public, algorithm, b"massage", "RAW", signature)
    assert not crypto.verify(public, algorithm, b"message", "RAW", signature[:-1] + bytes([signature[-1] ^ 1]))
    with pytest.raises(crypto.CryptoInputError):
        crypto.sign(private, algorithm, b"too short", "DIGEST")


def test_imported_material_checks() -> None:
    crypto.check_imported("SYMMETRIC_DEFAULT", os.urandom(32))
    with pytest.raises(crypto.CryptoInputError):
        crypto.check_imported("SYMMETRIC_DEFAULT", os.urandom(16))
    crypto.check_imported("ECC_NIST_P256", crypto.generate_material("ECC_NIST_P256"))
    with pytest.raises(crypto.CryptoInputError):
        crypto.check_imported("ECC_NIST_P384", crypto.generate_material("ECC_NIST_P256"))
    assert crypto.material_id_of(b"a" * 32) == crypto.material_id_of(b"a" * 32) != crypto.material_id_of(b"b" * 32)

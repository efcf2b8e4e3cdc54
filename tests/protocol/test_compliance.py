"""botocore's protocol compliance suites run in reverse: fogbank parses what botocore serialises
and serialises what botocore parses (see ``compliance.py``)."""

from __future__ import annotations

import pytest

from . import compliance, oracle
from .known import known_reason


def _cases() -> list:
    try:
        return [c for c in compliance.load_cases() if not compliance.botocore_ignores(c)]
    except compliance.SuitesUnavailable as e:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"compliance suites unavailable: {e}"))]


CASES = _cases()


@pytest.mark.parametrize("case", CASES, ids=[getattr(c, "key", "unavailable") for c in CASES])
def test_compliance_case(case: compliance.ComplianceCase) -> None:
    """One case of botocore's compliance suites, reversed."""
    try:
        problems = compliance.run(case)
    except oracle.Unavailable as e:
        pytest.skip(str(e))
    if problems:
        reason = known_reason("compliance", case.key)
        if reason:
            pytest.xfail(reason)
        pytest.fail("\n".join(problems))


def test_suites_cover_all_six_protocols() -> None:
    cases = [c for c in CASES if isinstance(c, compliance.ComplianceCase)]
    if not cases:
        pytest.skip("compliance suites unavailable")
    assert {c.protocol for c in cases} == {"query", "ec2", "json", "rest-json", "rest-xml", "smithy-rpc-v2-cbor"}
    assert len(cases) > 600


def test_uri_labels_are_matched_and_decoded() -> None:
    params = compliance._path_params("/{Bucket}/{Key+}?x-id=GetObject", "/b%20c/a/b%2Fc")
    assert params == {"Bucket": "b c", "Key": "a/b/c"}
    assert compliance._path_params("/{Bucket}", "/a/b") == {}

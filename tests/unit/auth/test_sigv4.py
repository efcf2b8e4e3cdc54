"""SigV4/SigV2 verification against botocore's own signers: requests botocore signs are accepted
byte for byte, and any change to what was signed is refused with the service's error code."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.auth import (
    HmacV1Auth,
    HmacV1QueryAuth,
    S3SigV4Auth,
    S3SigV4QueryAuth,
    SigV4Auth,
    SigV4QueryAuth,
)
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.utils import percent_encode_sequence
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fogbank.auth import principals, sigv4
from fogbank.auth.verify import authenticate
from fogbank.config import Config
from fogbank.errors import ServiceError
from fogbank.protocol.base import HttpRequest

NOW = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=dt.UTC)
CONFIG = Config(verify_signatures=True)


class Clock:
    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now


class Store(dict):
    def get(self, key: Any, default: Any = None) -> Any:  # the part of the store contract principals reads
        return super().get(key, default)

    def put(self, key: Any, value: bytes) -> None:
        self[key] = value


def _freeze(monkeypatch: pytest.MonkeyPatch) -> None:
    class Frozen(dt.datetime):
        @classmethod
        def utcnow(cls) -> dt.datetime:
            return NOW.replace(tzinfo=None)

        @classmethod
        def now(cls, tz: Any = None) -> dt.datetime:
            return NOW if tz else NOW.replace(tzinfo=None)

    monkeypatch.setattr("botocore.auth.datetime.datetime", Frozen)


def _wire(signed: AWSRequest) -> HttpRequest:
    """What fogbank receives for a request botocore prepared."""
    prepared = signed.prepare()
    parts = urlsplit(prepared.url)
    headers = {k.lower(): v for k, v in prepared.headers.items()}
    headers.setdefault("host", parts.netloc)
    body = prepared.body or b""
    return HttpRequest(prepared.method, parts.path or "/", parts.query, headers,
                       body.encode() if isinstance(body, str) else body)


def _check(req: HttpRequest, service: str, protocol: str, store: Store | None = None,
           now: float | None = None) -> Any:
    return authenticate(req, service, protocol, CONFIG, store or Store(), Clock(now or NOW.timestamp()))


_segment = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12) \
    .filter(lambda s: s not in (".", ".."))
_params = st.dictionaries(st.text(alphabet="abcXYZ-_.~ =&/+%", min_size=1, max_size=6),
                          st.text(max_size=10), max_size=4)


def _url(host: str, segments: list[str], params: dict[str, str], quote_path: Any) -> str:
    path = "/" + "/".join(quote_path(s) for s in segments)
    query = percent_encode_sequence(params) if params else ""
    return f"http://{host}{path}" + (f"?{query}" if query else "")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(segments=st.lists(_segment, max_size=4), params=_params, body=st.binary(max_size=64),
       method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
       extra=st.dictionaries(st.sampled_from(["X-Amz-Target", "Content-Type", "X-Amz-Meta-A"]),
                             st.text(alphabet="ab c\t/.:", min_size=1, max_size=10), max_size=3))
def test_botocore_sigv4_signed_requests_are_accepted(monkeypatch: pytest.MonkeyPatch, segments: list[str],
                                                     params: dict[str, str], body: bytes, method: str,
                                                     extra: dict[str, str]) -> None:
    from urllib.parse import quote

    _freeze(monkeypatch)
    url = _url("localhost:4566", segments, params, lambda s: quote(s, safe="~:@"))
    request = AWSRequest(method=method, url=url, data=body, headers=dict(extra))
    SigV4Auth(Credentials("test", "test"), "lambda", "us-east-1").add_auth(request)
    result = _check(_wire(request), "lambda", "rest-json")
    assert result.principal.account == "000000000000"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(segments=st.lists(_segment, min_size=1, max_size=4), params=_params, body=st.binary(max_size=64),
       method=st.sampled_from(["GET", "PUT", "DELETE", "HEAD"]))
def test_botocore_s3_sigv4_signed_requests_are_accepted(monkeypatch: pytest.MonkeyPatch, segments: list[str],
                                                        params: dict[str, str], body: bytes, method: str) -> None:
    import hashlib
    from urllib.parse import quote

    _freeze(monkeypatch)
    url = _url("localhost:4566", segments, params, lambda s: quote(s, safe="~"))
    request = AWSRequest(method=method, url=url, data=body,
                         headers={"X-Amz-Content-SHA256": hashlib.sha256(body).hexdigest()})
    S3SigV4Auth(Credentials("111111111111", "test"), "s3", "eu-west-1").add_auth(request)
    assert _check(_wire(request), "s3", "rest-xml").principal.account == "111111111111"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(segments=st.lists(_segment, min_size=1, max_size=3), params=_params)
def test_botocore_presigned_urls_are_accepted(monkeypatch: pytest.MonkeyPatch, segments: list[str],
                                              params: dict[str, str]) -> None:
    from urllib.parse import quote

    _freeze(monkeypatch)
    url = _url("bucket.s3.localhost:4566", segments, params, lambda s: quote(s, safe="~"))
    request = AWSRequest(method="GET", url=url)
    S3SigV4QueryAuth(Credentials("test", "test"), "s3", "us-east-1", expires=3600).add_auth(request)
    assert _check(_wire(request), "s3", "rest-xml").signed.presigned


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(segments=st.lists(_segment, min_size=1, max_size=3),
       sub=st.sampled_from(["", "acl", "versionId=3", "uploads", "tagging", "list-type=2"]))
def test_botocore_sigv2_requests_are_accepted(monkeypatch: pytest.MonkeyPatch, segments: list[str], sub: str) -> None:
    from urllib.parse import quote

    _freeze(monkeypatch)
    monkeypatch.setattr("botocore.auth.formatdate", lambda usegmt=True: NOW.strftime("%a, %d %b %Y %H:%M:%S GMT"))
    path = "/bucket/" + "/".join(quote(s, safe="~") for s in segments)
    request = AWSRequest(method="GET", url=f"http://localhost:4566{path}" + (f"?{sub}" if sub else ""),
                         headers={"x-amz-meta-x": " v "})
    HmacV1Auth(Credentials("test", "test")).add_auth(request)
    assert _check(_wire(request), "s3", "rest-xml").principal.account == "000000000000"
    presigned = AWSRequest(method="GET", url=f"http://localhost:4566{path}")
    HmacV1QueryAuth(Credentials("test", "test"), expires=60).add_auth(presigned)
    later = NOW.timestamp() + 30
    assert _check(_wire(presigned), "s3", "rest-xml", now=later).principal.account == "000000000000"


def _signed_sqs(monkeypatch: pytest.MonkeyPatch, key: str = "test", secret: str = "test",
                token: str | None = None) -> HttpRequest:
    _freeze(monkeypatch)
    request = AWSRequest(method="POST", url="http://localhost:4566/", data=b'{"QueueName":"q"}',
                         headers={"X-Amz-Target": "AmazonSQS.CreateQueue",
                                  "Content-Type": "application/x-amz-json-1.0"})
    SigV4Auth(Credentials(key, secret, token), "sqs", "us-east-1").add_auth(request)
    return _wire(request)


def _error(fn: Any) -> ServiceError:
    with pytest.raises(ServiceError) as info:
        fn()
    return info.value


def test_tampered_body_header_and_wrong_secret_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    req = _signed_sqs(monkeypatch)
    req.body = b'{"QueueName":"r"}'
    assert _error(lambda: _check(req, "sqs", "json")).code == "InvalidSignatureException"
    req = _signed_sqs(monkeypatch)
    req.headers["x-amz-target"] = "AmazonSQS.DeleteQueue"
    err = _error(lambda: _check(req, "sqs", "json"))
    assert (err.code, err.status) == ("InvalidSignatureException", 400)
    req = _signed_sqs(monkeypatch, secret="nope")
    assert _error(lambda: _check(req, "sts", "query")).code == "SignatureDoesNotMatch"


def test_unknown_keys_expired_sessions_and_wrong_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    err = _error(lambda: _check(_signed_sqs(monkeypatch, key="AKIAUNKNOWN"), "sqs", "json"))
    assert err.code == "UnrecognizedClientException"
    err = _error(lambda: _check(_signed_sqs(monkeypatch, key="AKIAUNKNOWN"), "sts", "query"))
    assert err.code == "InvalidClientTokenId"
    store = Store()
    principals.issue(store, "ASIAEXAMPLE", {"account": "222222222222", "arn": "arn:aws:sts::222222222222:assumed-role/r/s",
                                            "user_id": "AROA:s", "secret": "sekret", "kind": "assumed-role",
                                            "session_token": "tok", "expires": NOW.timestamp() + 60})
    ok = _check(_signed_sqs(monkeypatch, "ASIAEXAMPLE", "sekret", "tok"), "sqs", "json", store)
    assert ok.principal.account == "222222222222"
    err = _error(lambda: _check(_signed_sqs(monkeypatch, "ASIAEXAMPLE", "sekret", "other"), "sqs", "json", store))
    assert err.code == "UnrecognizedClientException"
    err = _error(lambda: _check(_signed_sqs(monkeypatch, "ASIAEXAMPLE", "sekret", "tok"), "sts", "query", store,
                                now=NOW.timestamp() + 61))
    assert (err.code, err.status) == ("ExpiredToken", 403)


def test_clock_skew_beyond_fifteen_minutes(monkeypatch: pytest.MonkeyPatch) -> None:
    req = _signed_sqs(monkeypatch)
    assert _check(req, "sqs", "json", now=NOW.timestamp() + 14 * 60)
    err = _error(lambda: _check(req, "sqs", "json", now=NOW.timestamp() + 16 * 60))
    assert err.code == "InvalidSignatureException" and err.message.startswith("Signature expired: 20260301T120000Z")
    err = _error(lambda: _check(req, "sqs", "json", now=NOW.timestamp() - 16 * 60))
    assert err.message.startswith("Signature not yet current")


def test_s3_mismatch_reports_canonical_request_and_string_to_sign(monkeypatch: pytest.MonkeyPatch) -> None:
    _freeze(monkeypatch)
    request = AWSRequest(method="GET", url="http://localhost:4566/bucket/key",
                         headers={"X-Amz-Content-SHA256": sigv4.EMPTY_SHA256})
    S3SigV4Auth(Credentials("test", "wrong"), "s3", "us-east-1").add_auth(request)
    err = _error(lambda: _check(_wire(request), "s3", "rest-xml"))
    assert (err.code, err.status) == ("SignatureDoesNotMatch", 403)
    assert err.fields["CanonicalRequest"].startswith("GET\n/bucket/key\n\n")
    assert err.fields["StringToSign"].startswith("AWS4-HMAC-SHA256\n20260301T120000Z\n20260301/us-east-1/s3/")


def test_s3_skew_and_expired_presigned_url(monkeypatch: pytest.MonkeyPatch) -> None:
    _freeze(monkeypatch)
    request = AWSRequest(method="GET", url="http://localhost:4566/bucket/key",
                         headers={"X-Amz-Content-SHA256": sigv4.EMPTY_SHA256})
    S3SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(request)
    err = _error(lambda: _check(_wire(request), "s3", "rest-xml", now=NOW.timestamp() + 3600))
    assert (err.code, err.status) == ("RequestTimeTooSkewed", 403)
    presigned = AWSRequest(method="GET", url="http://localhost:4566/bucket/key")
    S3SigV4QueryAuth(Credentials("test", "test"), "s3", "us-east-1", expires=100).add_auth(presigned)
    assert _check(_wire(presigned), "s3", "rest-xml", now=NOW.timestamp() + 99)
    err = _error(lambda: _check(_wire(presigned), "s3", "rest-xml", now=NOW.timestamp() + 101))
    assert (err.code, err.message) == ("AccessDenied", "Request has expired")


def test_incomplete_and_missing_signatures(monkeypatch: pytest.MonkeyPatch) -> None:
    req = HttpRequest("POST", "/", "", {"authorization": "AWS4-HMAC-SHA256 Credential=test/20260301/us-east-1/sts/"
                                        "aws4_request", "x-amz-date": "20260301T120000Z"})
    err = _error(lambda: _check(req, "sts", "query"))
    assert err.code == "IncompleteSignature" and "'Signature'" in err.message
    err = _error(lambda: _check(HttpRequest("POST", "/", "", {}), "dynamodb", "json"))
    assert err.code == "MissingAuthenticationTokenException"
    assert _check(HttpRequest("GET", "/bucket/key", "", {}), "s3", "rest-xml").principal


def test_presigned_query_for_other_services(monkeypatch: pytest.MonkeyPatch) -> None:
    _freeze(monkeypatch)
    request = AWSRequest(method="GET", url="http://localhost:4566/?Action=GetCallerIdentity&Version=2011-06-15")
    SigV4QueryAuth(Credentials("test", "test"), "sts", "us-east-1", expires=60).add_auth(request)
    assert _check(_wire(request), "sts", "query").signed.presigned
    err = _error(lambda: _check(_wire(request), "sts", "query", now=NOW.timestamp() + 61))
    assert err.code == "SignatureDoesNotMatch" and "Signature expired" in err.message


def test_chunk_signatures_chain_from_the_seed() -> None:
    key = sigv4.signing_key("test", "20260301", "us-east-1", "s3")
    scope = "20260301/us-east-1/s3/aws4_request"
    seed = "a" * 64
    first = sigv4.sign(key, sigv4.chunk_string_to_sign("20260301T120000Z", scope, seed, b"hello"))
    last = sigv4.sign(key, sigv4.chunk_string_to_sign("20260301T120000Z", scope, first, b""))
    verifier = sigv4.ChunkVerifier(key, "20260301T120000Z", scope, seed)
    verifier(first, b"hello")
    verifier(last, b"")
    tampered = sigv4.ChunkVerifier(key, "20260301T120000Z", scope, seed)
    with pytest.raises(sigv4.ChunkSignatureMismatch):
        tampered(first, b"hellO")

"""Fuzzing the protocol parsers: malformed requests are answered with a 4xx, never a crash.

For real operations of real service models, a valid request is made the way botocore makes it
and then broken: random bytes, truncated bodies, invalid UTF-8, deep nesting, members of the
wrong type, huge numbers, XML with DOCTYPE and entities, malformed form encoding, wrong content
types. ``parse_request`` must return a dict or raise a ``ServiceError`` with a 4xx status.

Every unexpected exception is also written to ``/tmp/fuzz_failures.txt`` (or
``$FOGBANK_FUZZ_FAILURES``; one line per distinct exception and place, the file started afresh by
each run) so that a run lists all it found. ``FOGBANK_FUZZ_EXAMPLES`` sets the examples per case.
"""

from __future__ import annotations

import fcntl
import importlib
import json
import os
import traceback
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from . import oracle, shapes

FAILURES_FILE = Path(os.environ.get("FOGBANK_FUZZ_FAILURES", "/tmp/fuzz_failures.txt"))

# (service, protocol, operation): bodies of every kind, nested shapes, blobs, timestamps, maps.
CASES: tuple[tuple[str, str, str], ...] = (
    ("iam", "query", "CreateUser"),
    ("iam", "query", "PutRolePolicy"),
    ("sns", "query", "CreateTopic"),
    ("sns", "query", "Publish"),
    ("cloudformation", "query", "CreateStack"),
    ("sqs", "query", "SendMessageBatch"),
    ("ec2", "ec2", "RunInstances"),
    ("ec2", "ec2", "DescribeInstances"),
    ("ec2", "ec2", "AuthorizeSecurityGroupIngress"),
    ("dynamodb", "json", "PutItem"),
    ("dynamodb", "json", "TransactWriteItems"),
    ("kms", "json", "Encrypt"),
    ("logs", "json", "PutLogEvents"),
    ("sqs", "json", "SendMessage"),
    ("ssm", "json", "PutParameter"),
    ("lambda", "rest-json", "CreateFunction"),
    ("lambda", "rest-json", "Invoke"),
    ("lambda", "rest-json", "ListFunctions"),
    ("apigateway", "rest-json", "PutIntegration"),
    ("s3", "rest-xml", "PutObject"),
    ("s3", "rest-xml", "PutBucketTagging"),
    ("s3", "rest-xml", "DeleteObjects"),
    ("s3", "rest-xml", "CompleteMultipartUpload"),
    ("s3", "rest-xml", "ListObjectsV2"),
    ("cloudwatch", "query", "PutMetricData"),
    ("cloudwatch", "json", "PutMetricData"),
    ("events", "json", "PutEvents"),
    ("kinesis", "json", "PutRecord"),
    ("xray", "rest-json", "GetTraceSummaries"),
    ("s3", "rest-xml", "PutBucketLifecycleConfiguration"),
    ("cloudwatch", "smithy-rpc-v2-cbor", "PutMetricData"),
    ("cloudwatch", "smithy-rpc-v2-cbor", "GetMetricData"),
    ("codebuild", "smithy-rpc-v2-cbor", "CreateProject"),
)

CONTENT_TYPES = (
    "", "text/plain", "application/json", "application/x-amz-json-1.0", "application/x-amz-json-1.1",
    "application/cbor", "application/xml", "text/xml", "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=latin-1", "multipart/form-data; boundary=x", "\x00\xff",
)
HUGE_JSON_NUMBERS = (b"1e999999", b"-1e999999", b"1" * 5000, b"123456789012345678901234567890",
                     b"NaN", b"Infinity", b"-0", b"1.5e-400", b"0x10", b"1_000")
INVALID_UTF8 = (b"\xff", b"\xc3\x28", b"\xa0\xa1", b"\xe2\x28\xa1", b"\xf0\x28\x8c\xbc", b"\xed\xa0\x80", b"\x00")
XML_ATTACKS = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><Tagging><TagSet><Tag><Key>&c;</Key><Value>v</Value></Tag>'
    b"</TagSet></Tagging>",
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><Delete><Object><Key>&x;'
    b"</Key></Object></Delete>",
    b'<!DOCTYPE r SYSTEM "http://127.0.0.1:1/x.dtd"><r/>',
    b"<?xml version='1.0' encoding='utf-16'?><r/>",
    b"<r xmlns:a='urn:x'><a:b/></r>",
    b"<?xml version='1.0'?><r>&undefined;</r>",
    b"<r><![CDATA[unterminated</r>",
    b"<r attr='1' attr='2'/>",
    b"<<<>>>",
    b"<r>" + b"\xef\xbf\xbe" + b"</r>",
)
MALFORMED_FORMS = (
    b"%", b"%zz", b"a=%ff%fe", b"&&==&", b"Action", b"Action=%E0%A4%A", b"=x", b"a==b=c",
    b"Action=X&Version=1&Foo.member.0=1", b"Attributes.entry.x.key=1", b"Tags.member.99999999999.Key=k",
    b"MaxCount=1e999&MinCount=-0", b"MaxCount=99999999999999999999999999", b"DryRun=maybe",
)


@dataclass(frozen=True)
class Target:
    """A real operation and a valid request for it, as botocore sends it."""

    service: str
    protocol: str
    operation: str
    op: Any
    module: Any
    request: Any
    path_params: dict[str, str]

    @property
    def name(self) -> str:
        return f"{self.service}.{self.operation} over {self.protocol}"


@cache
def target(service: str, protocol: str, operation: str) -> Target:
    """The operation, the fogbank module for its protocol and a valid request; skips when absent."""
    try:
        module = importlib.import_module(f"fogbank.protocol.{_module_name(protocol)}")
    except ImportError as e:
        pytest.skip(f"fogbank's {protocol} module is not there yet ({e})")
    model = oracle.base_model(service)
    client_model = model
    if protocol not in oracle.protocols_of(model):
        # A JSON service that older clients still reach over query (SQS): they use the overlaid model.
        try:
            client_model = importlib.import_module("fogbank.protocol.query_compat").query_service(model)
        except (ImportError, AttributeError) as e:
            pytest.skip(f"no query overlay for {service} yet ({e})")
    op = model.operation_model(operation)
    client_op = client_model.operation_model(operation)
    params = shapes.example_input(client_op, seed=7)
    request = oracle.client_request(client_model, client_op, protocol, params)
    path_params: dict[str, str] = {}
    try:
        route = oracle.router().route(request)
        path_params = dict(route.path_params)
    except Exception:  # noqa: BLE001 - without a router, only RPC protocols have no labels anyway
        if protocol in ("rest-json", "rest-xml"):
            pytest.skip("fogbank's router is not there yet to find URI labels")
    return Target(service, protocol, operation, op, module, request, path_params)


def _module_name(protocol: str) -> str:
    return {"json": "json_", "rest-json": "rest_json", "rest-xml": "rest_xml",
            "smithy-rpc-v2-cbor": "cbor"}.get(protocol, protocol)


# --- the broken requests ----------------------------------------------------------------------


def _with(req: Any, *, body: bytes | None = None, content_type: str | None = None,
          query: str | None = None) -> Any:
    headers = dict(req.headers)
    if content_type is not None:
        headers["content-type"] = content_type
    if body is not None:
        headers["content-length"] = str(len(body))
    return replace(req, body=req.body if body is None else body, headers=headers,
                   query_string=req.query_string if query is None else query)


def _deep(protocol: str, depth: int) -> bytes:
    if protocol in ("json", "rest-json"):
        return b'{"a":' * depth + b"1" + b"}" * depth
    if protocol == "rest-xml":
        return b"<a>" * depth + b"x" + b"</a>" * depth
    if protocol == "smithy-rpc-v2-cbor":
        return b"\xa1\x61a" * depth + b"\x01"
    return b"&".join(b"A" + b".1.B" * depth + b"=x" for _ in range(3))


def _random_json(draw: Any) -> Any:
    return draw(st.one_of(
        st.none(), st.booleans(), st.integers(), st.integers(min_value=2**64, max_value=2**4096),
        st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
        st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    ))


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, prefix + (i,))


def _set(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    value[path[0]] = _set(value[path[0]], path[1:], new)
    return value


def _json_dumps(value: Any) -> bytes:
    def default(o: Any) -> Any:
        return str(o)

    text = json.dumps(value, default=default, allow_nan=True)
    return text.encode()


@st.composite
def wrong_types(draw: Any, t: Target) -> Any:
    """The valid request with one member (at any depth) replaced by a value of another type."""
    body, req = t.request.body, t.request
    if t.protocol in ("json", "rest-json") and body.strip().startswith(b"{"):
        data = json.loads(body)
        path = draw(st.sampled_from(list(_paths(data))))
        return _with(req, body=_json_dumps(_set(data, path, _random_json(draw))))
    if t.protocol == "smithy-rpc-v2-cbor" and body:
        import cbor2

        data = cbor2.loads(body)
        path = draw(st.sampled_from(list(_paths(data))))
        new = draw(st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                             st.floats(), st.text(max_size=10), st.binary(max_size=10),
                             st.just(cbor2.CBORTag(1, "not a time")), st.just(cbor2.CBORTag(99, 1)),
                             st.lists(st.integers(), max_size=2)))
        return _with(req, body=cbor2.dumps(_set(data, path, new)))
    if t.protocol in ("query", "ec2"):
        pairs = parse_qsl(body.decode(), keep_blank_values=True)
        if pairs:
            i = draw(st.integers(0, len(pairs) - 1))
            value = draw(st.one_of(st.text(max_size=12), st.sampled_from(["", "true", "1e999", "-1", "nan",
                                                                          "2**70", "99999999999999999999"])))
            pairs[i] = (pairs[i][0], value)
        return _with(req, body=urlencode(pairs).encode())
    if t.protocol == "rest-xml" and body.strip().startswith(b"<"):
        root = ET.fromstring(body)
        elements = list(root.iter())
        element = draw(st.sampled_from(elements))
        element.text = draw(st.one_of(st.text(max_size=12), st.sampled_from(["true", "-1", "1e999", "nope"])))
        if draw(st.booleans()):
            ET.SubElement(element, draw(st.sampled_from(["Unknown", "Key", "member", "Tag"]))).text = "x"
        return _with(req, body=ET.tostring(root))
    # Members bound to headers or the query string take the wrong types there.
    bad = draw(st.sampled_from(["abc", "-1", "1e999", "", "\u00e9", "99999999999999999999999"]))
    headers = {k: (bad if k.startswith("x-amz-") and k not in ("x-amz-date", "x-amz-content-sha256") else v)
               for k, v in req.headers.items()}
    pairs = [(k, bad) for k, _ in parse_qsl(req.query_string, keep_blank_values=True)]
    return replace(req, headers=headers, query_string=urlencode(pairs))


@st.composite
def broken_requests(draw: Any, t: Target) -> Any:
    """One malformed variant of the target's valid request."""
    req = t.request
    body = req.body
    kind = draw(st.sampled_from([
        "random", "truncated", "utf8", "deep", "types", "huge", "xml", "form", "content-type", "query", "labels",
    ]))
    if kind == "random":
        return _with(req, body=draw(st.binary(max_size=300)))
    if kind == "truncated":
        cut = draw(st.integers(0, max(len(body) - 1, 0)))
        return _with(req, body=body[:cut])
    if kind == "utf8":
        at = draw(st.integers(0, len(body)))
        return _with(req, body=body[:at] + draw(st.sampled_from(INVALID_UTF8)) + body[at:])
    if kind == "deep":
        return _with(req, body=_deep(t.protocol, draw(st.sampled_from([200, 1100, 5000, 100_000]))))
    if kind == "types":
        return draw(wrong_types(t))
    if kind == "huge":
        number = draw(st.sampled_from(HUGE_JSON_NUMBERS))
        if t.protocol in ("json", "rest-json") and body.strip().startswith(b"{"):
            data = json.loads(body)
            leaves = [p for p in _paths(data) if p]
            if leaves:
                path = draw(st.sampled_from(leaves))
                marker = "__HUGE__"
                return _with(req, body=_json_dumps(_set(data, path, marker)).replace(b'"__HUGE__"', number))
        if t.protocol in ("query", "ec2"):
            pairs = parse_qsl(body.decode(), keep_blank_values=True)
            return _with(req, body=urlencode([(k, number.decode()) for k, _ in pairs]).encode())
        if t.protocol == "rest-xml" and body.strip().startswith(b"<"):
            root = ET.fromstring(body)
            for element in root.iter():
                if len(element) == 0:
                    element.text = number.decode()
            return _with(req, body=ET.tostring(root))
        if t.protocol in ("rest-json", "rest-xml") and draw(st.booleans()):
            # Members bound to the query string and headers take the number too.
            pairs = [(k, number.decode()) for k, _ in parse_qsl(req.query_string, keep_blank_values=True)]
            headers = {k: (number.decode() if k.startswith("x-amz-") and k not in ("x-amz-date",) else v)
                       for k, v in req.headers.items()}
            return replace(req, query_string=urlencode(pairs), headers=headers)
        return _with(req, body=number)
    if kind == "xml":
        return _with(req, body=draw(st.sampled_from(XML_ATTACKS)))
    if kind == "form":
        return _with(req, body=draw(st.sampled_from(MALFORMED_FORMS)))
    if kind == "content-type":
        return _with(req, content_type=draw(st.sampled_from(CONTENT_TYPES)))
    if kind == "query":
        return _with(req, query=draw(st.sampled_from(["%", "%zz&a=%ff", "uploadId", "max-keys=-1", "max-keys=abc",
                                                       "list-type=2&max-keys=1e999", "a=b&&&c", "\x00=\x00"])))
    # Labels: URI segments percent-decoded into odd text.
    labels = {k: draw(st.text(max_size=30)) for k in t.path_params}
    return replace(req), labels


# --- the property -----------------------------------------------------------------------------


def _place(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/fogbank/" in f.filename]
    frame = frames[-1] if frames else traceback.extract_tb(exc.__traceback__)[-1]
    return f"{Path(frame.filename).name}:{frame.lineno} ({frame.name})"


@cache
def _recorded() -> set[tuple[str, str]]:
    """What this process has written already: shrinking repeats a finding many times."""
    return set()


def _record(t: Target, req: Any, exc: BaseException | str) -> None:
    if isinstance(exc, BaseException):
        what = f"{type(exc).__name__} at {_place(exc)}: {str(exc)[:160]!r}"
    else:
        what = exc
    key = (t.name, what.split(":", 1)[0] if isinstance(exc, BaseException) else what)
    if key in _recorded():
        return
    _recorded().add(key)
    line = (f"{t.name}: {what} | {req.method} {req.path}?{req.query_string[:60]} "
            f"content-type={req.headers.get('content-type')!r} body[:120]={req.body[:120]!r}\n")
    with FAILURES_FILE.open("a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        f.write(line)


def check(t: Target, req: Any, path_params: dict[str, str]) -> None:
    """``parse_request`` gives a dict or a 4xx ServiceError; anything else is a finding."""
    from fogbank.errors import ServiceError

    try:
        parsed = t.module.parse_request(t.op, req, path_params)
    except ServiceError as e:
        if not 400 <= e.status < 500:
            _record(t, req, f"ServiceError with status {e.status}: {e!r}")
            raise AssertionError(f"{t.name}: {e!r} is not a 4xx") from e
        return
    except Exception as e:
        _record(t, req, e)
        if not COLLECT:
            raise
        return
    if not isinstance(parsed, dict):
        _record(t, req, f"returned {type(parsed).__name__}")
        raise AssertionError(f"{t.name}: parse_request returned {parsed!r:.100}")


# FOGBANK_FUZZ_COLLECT=1 records findings and keeps going, so one hunt lists every distinct bug.
COLLECT = os.environ.get("FOGBANK_FUZZ_COLLECT") == "1"


@pytest.fixture(scope="session", autouse=True)
def _fresh_failures_file(request: pytest.FixtureRequest) -> Iterator[None]:
    """Start the findings file afresh once per run (once across xdist workers)."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or getattr(request.config, "workerinput", {}).get(
        "testrunuid", f"local-{os.getpid()}")
    marker = f"# fuzz run {run}\n"
    with FAILURES_FILE.open("a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        f.seek(0)
        if f.readline() != marker:
            f.seek(0)
            f.truncate()
            f.write(marker)
    yield


# FOGBANK_FUZZ_EXAMPLES raises the effort for a deliberate bug hunt; the suite keeps it small.
FUZZ = settings(max_examples=int(os.environ.get("FOGBANK_FUZZ_EXAMPLES", "30")), deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# Parser bugs this fuzzing found, awaiting a fix in the protocol modules (see /tmp/fuzz_failures.txt).
HUGE_INT = ("xml_shapes.parse_scalar: int() of a >4300-digit integer raises ValueError, not a 400 "
            "(int_max_str_digits)")
HUGE_FLOAT = "values.float_from_wire: float() of a JSON integer beyond 1e308 raises OverflowError, not a 400"
KNOWN_BUGS: dict[tuple[str, str, str], str] = {
    ("sqs", "query", "SendMessageBatch"): HUGE_INT,
    ("ec2", "ec2", "AuthorizeSecurityGroupIngress"): HUGE_INT,
    ("s3", "rest-xml", "CompleteMultipartUpload"): HUGE_INT,
}


def _cases() -> list[Any]:
    return [pytest.param(s, p, o, id=f"{s}-{o}-{p}",
                         marks=[pytest.mark.xfail(reason=KNOWN_BUGS[(s, p, o)], raises=ValueError, strict=False)]
                         if (s, p, o) in KNOWN_BUGS else [])
            for s, p, o in CASES]


@pytest.mark.parametrize(("service", "protocol", "operation"), _cases())
def test_malformed_requests_get_a_4xx(service: str, protocol: str, operation: str) -> None:
    t = target(service, protocol, operation)
    check(t, t.request, t.path_params)  # the valid request itself parses

    @FUZZ
    @given(st.data())
    def fuzz(data: st.DataObject) -> None:
        broken = data.draw(broken_requests(t))
        if isinstance(broken, tuple):
            req, labels = broken
            check(t, req, labels)
        else:
            check(t, broken, t.path_params)

    fuzz()


def test_huge_json_numbers_do_not_hang_the_parser() -> None:
    # Python's int() of a many-thousand-digit string is capped; the parser must turn it into a 4xx.
    t = target("sqs", "json", "ReceiveMessage")
    body = b'{"QueueUrl":"http://q","MaxNumberOfMessages":' + b"9" * 10000 + b"}"
    check(t, _with(t.request, body=body), t.path_params)


def test_float_specials_parse_or_4xx() -> None:
    t = target("dynamodb", "json", "PutItem")
    for number in (b"NaN", b"Infinity", b"-Infinity", b"1e309"):
        body = b'{"TableName":"t","Item":{"k":{"N":"1"}},"ReturnValues":' + number + b"}"
        check(t, _with(t.request, body=body), t.path_params)


@pytest.mark.xfail(reason=HUGE_INT, raises=ValueError, strict=False)
@pytest.mark.parametrize(("service", "protocol", "operation", "name"), [
    ("ec2", "ec2", "RunInstances", "MaxCount"),
    ("iam", "query", "ListUsers", "MaxItems"),
])
def test_huge_form_integers_get_a_4xx(service: str, protocol: str, operation: str, name: str) -> None:
    t = target(service, protocol, operation)
    pairs = [(k, v) for k, v in parse_qsl(t.request.body.decode(), keep_blank_values=True) if k != name]
    body = urlencode(pairs + [(name, "9" * 5000)]).encode()
    check(t, _with(t.request, body=body), t.path_params)


@pytest.mark.xfail(reason=HUGE_FLOAT, raises=OverflowError, strict=False)
@pytest.mark.parametrize(("service", "protocol", "operation", "body"), [
    ("cloudwatch", "json", "PutMetricData",
     b'{"Namespace":"n","MetricData":[{"MetricName":"m","Value":' + b"9" * 400 + b"}]}"),
    ("xray", "rest-json", "GetTraceSummaries", b'{"StartTime":1,"EndTime":2,"SamplingStrategy":{"Value":'
     + b"9" * 400 + b"}}"),
])
def test_json_integers_beyond_double_range_get_a_4xx(service: str, protocol: str, operation: str, body: bytes) -> None:
    t = target(service, protocol, operation)
    check(t, _with(t.request, body=body), t.path_params)

"""Bad input sent raw to a live server: every protocol family answers its own 4xx error format,
never a 500, a hang or a crashed server. Bodies are sent byte for byte with http.client, so
nothing on the client side cleans them up first."""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

import cbor2
import pytest


def signed(service: str, region: str = "us-east-1") -> dict[str, str]:
    """An Authorization header naming ``service`` in its scope (signatures are not checked)."""
    scope = f"test/20260101/{region}/{service}/aws4_request"
    return {"Authorization": f"AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders=host, Signature=00"}


DDB = {"X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0", **signed("dynamodb")}
DDB_DESCRIBE = {**DDB, "X-Amz-Target": "DynamoDB_20120810.DescribeTable"}
SQS_JSON = {"X-Amz-Target": "AmazonSQS.CreateQueue", "Content-Type": "application/x-amz-json-1.0", **signed("sqs")}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
CBOR_PATH = "/service/GraniteServiceVersion20100801/operation/ListMetrics"
CBOR = {"smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor", "Accept": "application/cbor",
        **signed("monitoring")}
LAMBDA = {"Content-Type": "application/json", **signed("lambda")}

# (name, method, path, body, headers, family, expected status, expected error code)
CASES: list[tuple[str, str, str, bytes, dict[str, str], str, int, str]] = [
    ("json: malformed", "POST", "/", b"{not json", DDB, "json", 400, "SerializationException"),
    ("json: truncated", "POST", "/", b'{"TableName": "ab', DDB_DESCRIBE, "json", 400, "SerializationException"),
    ("json: invalid utf-8", "POST", "/", b'{"TableName": "\xff\xfe"}', DDB_DESCRIBE, "json", 400,
     "SerializationException"),
    ("json: an array body", "POST", "/", b"[1, 2]", DDB, "json", 400, "SerializationException"),
    ("json: string for an integer", "POST", "/", b'{"Limit": "ten"}', DDB, "json", 400, "SerializationException"),
    ("json: unknown operation", "POST", "/", b"{}", {**DDB, "X-Amz-Target": "DynamoDB_20120810.Fly"}, "json", 400,
     "UnknownOperationException"),
    ("json: unknown target", "POST", "/", b"{}", {**DDB, "X-Amz-Target": "NoSuchService_2020.Fly"}, "json", 400,
     "UnknownService"),
    ("sqs json: truncated", "POST", "/", b'{"QueueName":', SQS_JSON, "json", 400, "SerializationException"),
    ("query: invalid utf-8 form", "POST", "/", b"Action=GetCallerIdentity&Version=2011-06-15&X=%ff\xff",
     {**FORM, **signed("sts")}, "query", 404, "MalformedQueryString"),
    ("query: no Action", "POST", "/", b"Version=2011-06-15", {**FORM, **signed("sts")}, "query", 400,
     "MissingAction"),
    ("query: garbage form", "POST", "/", b"%%%&&&==", {**FORM, **signed("sts")}, "query", 400, "MissingAction"),
    ("query: unknown Action", "POST", "/", b"Action=Fly&Version=2011-06-15", {**FORM, **signed("sts")}, "query",
     400, "InvalidAction"),
    ("query: string for an integer", "POST", "/",
     b"Action=ReceiveMessage&Version=2012-11-05&QueueUrl=http://x/000000000000/q&MaxNumberOfMessages=ten",
     {**FORM, **signed("sqs")}, "query", 400, "InvalidParameterValue"),
    ("query: missing required", "POST", "/", b"Action=AssumeRole&Version=2011-06-15", {**FORM, **signed("sts")},
     "query", 400, "ValidationError"),
    ("ec2: unknown Action", "POST", "/", b"Action=Fly&Version=2016-11-15", {**FORM, **signed("ec2")}, "ec2", 400,
     "InvalidAction"),
    ("ec2: string for an integer", "POST", "/", b"Action=DescribeInstances&Version=2016-11-15&MaxResults=ten",
     {**FORM, **signed("ec2")}, "ec2", 400, "InvalidParameterValue"),
    ("rest-xml: malformed", "PUT", "/bad-input-bucket?tagging", b"<Tagging><TagSet><Tag>", signed("s3"), "s3",
     400, "MalformedXML"),
    ("rest-xml: truncated", "PUT", "/bad-input-bucket", b"<CreateBucketConfiguration><Loc", signed("s3"), "s3",
     400, "MalformedXML"),
    ("rest-xml: invalid utf-8", "PUT", "/bad-input-bucket",
     b"<CreateBucketConfiguration><LocationConstraint>\xff\xfe</LocationConstraint></CreateBucketConfiguration>",
     signed("s3"), "s3", 400, "MalformedXML"),
    ("rest-xml: entity declarations", "PUT", "/bad-input-bucket",
     b'<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><CreateBucketConfiguration>'
     b"<LocationConstraint>&b;</LocationConstraint></CreateBucketConfiguration>", signed("s3"), "s3", 400,
     "MalformedXML"),
    ("rest-xml: string for an integer", "GET", "/bad-input-bucket?list-type=2&max-keys=ten", b"", signed("s3"),
     "s3", 400, "InvalidArgument"),
    ("rest-xml: no such method", "PATCH", "/bad-input-bucket", b"", signed("s3"), "s3", 405, "MethodNotAllowed"),
    ("rest-json: malformed", "POST", "/2015-03-31/functions", b'{"FunctionName":', LAMBDA, "rest-json", 400,
     "SerializationException"),
    ("rest-json: invalid utf-8", "POST", "/2015-03-31/functions", b'{"FunctionName": "\xff"}', LAMBDA,
     "rest-json", 400, "SerializationException"),
    ("rest-json: string for an integer", "POST", "/2015-03-31/functions",
     b'{"FunctionName": "f", "Role": "r", "Timeout": "long"}', LAMBDA, "rest-json", 400, "SerializationException"),
    ("rest-json: no such path", "GET", "/nothing/here", b"", signed("lambda"), "rest-json", 404,
     "UnknownOperationException"),
    ("rest-json: unknown signing service", "GET", "/x", b"", signed("nosuchservice"), "rest-json", 400,
     "UnknownService"),
    ("cbor: malformed", "POST", CBOR_PATH, b"\xbf\x61", CBOR, "cbor", 400, "SerializationException"),
    ("cbor: not a map", "POST", CBOR_PATH, b"\x05", CBOR, "cbor", 400, "SerializationException"),
    ("cbor: invalid utf-8 text", "POST", CBOR_PATH, b"\xa1\x69Namespace\x62\xff\xfe", CBOR, "cbor", 400,
     "SerializationException"),
    ("cbor: number for a string", "POST", CBOR_PATH, cbor2.dumps({"Namespace": 5}), CBOR, "cbor", 400,
     "SerializationException"),
    ("cbor: unknown operation", "POST", CBOR_PATH.replace("ListMetrics", "Fly"), b"\xa0", CBOR, "cbor", 400,
     "UnknownOperationException"),
    ("cbor: unknown service", "POST", "/service/NoSuchService/operation/Fly", b"\xa0",
     {"smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor"}, "cbor", 400, "UnknownService"),
    ("oversized headers", "GET", "/", b"", {"X-Big": "a" * 70_000}, "s3", 400, "RequestHeaderSectionTooLarge"),
    ("oversized headers (json)", "POST", "/", b"{}", {**DDB, **{f"X-Pad-{i}": "v" * 100 for i in range(700)}},
     "json", 400, "RequestHeaderSectionTooLarge"),
]


def send(endpoint: str, method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any, bytes]:
    """Send one request exactly as given; returns (status, response headers, body)."""
    url = urlsplit(endpoint)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


def error_code(family: str, headers: Any, body: bytes) -> str:
    """The error code as that protocol family's clients read it."""
    if family in ("json", "rest-json"):
        if family == "rest-json" and headers.get("x-amzn-ErrorType"):
            return headers["x-amzn-ErrorType"].split(":")[0]
        return json.loads(body)["__type"].rsplit("#", 1)[-1]
    if family == "cbor":
        assert headers.get("smithy-protocol") == "rpc-v2-cbor"
        return cbor2.loads(body)["__type"].rsplit("#", 1)[-1]
    root = ElementTree.fromstring(body)
    if family == "ec2":
        assert root.tag == "Response", body
        return root.findtext("Errors/Error/Code") or ""
    if family == "query":
        return root.findtext("{*}Error/{*}Code") or ""
    assert root.tag == "Error", body  # S3's bare <Error>
    return root.findtext("Code") or ""


@pytest.mark.parametrize(("name", "method", "path", "body", "headers", "family", "status", "code"), CASES,
                         ids=[c[0] for c in CASES])
def test_bad_input_gets_the_protocols_4xx(fogbank, name: str, method: str, path: str, body: bytes,
                                          headers: dict[str, str], family: str, status: int, code: str) -> None:
    got_status, got_headers, got_body = send(fogbank.endpoint, method, path, body, headers)
    assert (got_status, error_code(family, got_headers, got_body)) == (status, code), got_body[:300]
    assert got_headers.get("x-amzn-RequestId") or got_headers.get("x-amz-request-id")


def test_the_server_keeps_serving_after_bad_input(aws, fogbank) -> None:
    for _, method, path, body, headers, *_ in CASES:
        send(fogbank.endpoint, method, path, body, headers)
    assert aws("sts").get_caller_identity()["Account"] == "000000000000"
    assert "unhandled error" not in fogbank.log()

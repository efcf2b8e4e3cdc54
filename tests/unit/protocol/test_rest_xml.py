"""The rest-xml protocol (S3) against botocore: requests botocore sends are read back through
the server's own operation matcher; responses and errors fogbank writes botocore parses back."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.awsrequest import AWSRequest, HeadersDict, prepare_request_dict
from botocore.handlers import parse_get_bucket_location
from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel
from botocore.parsers import create_parser
from botocore.serialize import create_serializer
from hypothesis import given, settings
from hypothesis import strategies as st

from fogbank.errors import BadRequest, ServiceError
from fogbank.protocol import rest_xml
from fogbank.protocol.base import HttpRequest, HttpResponse
from fogbank.server.operations import matcher_for


@cache
def s3() -> ServiceModel:
    return ServiceModel(Loader().load_service_model("s3", "service-2"), service_name="s3")


def op(name: str) -> OperationModel:
    return s3().operation_model(name)


def wire(operation: OperationModel, params: dict[str, Any]) -> tuple[HttpRequest, dict[str, str]]:
    """What botocore sends for ``params`` (path-style), and the labels the server's matcher finds."""
    r = create_serializer("rest-xml", include_validation=False).serialize_to_request(params, operation)
    prepare_request_dict(r, endpoint_url="http://localhost:4566")
    prepared = AWSRequest(method=r["method"], url=r["url"], data=r["body"], headers=r["headers"]).prepare()
    url = urlsplit(prepared.url)
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode()
    elif not isinstance(body, bytes):
        body = body.read()
    req = HttpRequest(prepared.method, url.path, url.query,
                      {k.lower(): v.decode() if isinstance(v, bytes) else v for k, v in prepared.headers.items()},
                      body)
    found = matcher_for(s3()).match(req.method, url.path, req.query, req.headers)
    # The matcher may prefer a deprecated twin on the same URI (PutBucketLifecycle); labels agree.
    assert found is not None, url.path
    return req, found[1]


def parse(operation: OperationModel, resp: HttpResponse) -> dict[str, Any]:
    parsed = create_parser("rest-xml").parse(
        {"status_code": resp.status, "headers": HeadersDict(resp.headers), "body": resp.body},
        operation.output_shape,
    )
    return parsed


T0 = datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC)


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("PutObject", {"Bucket": "b", "Key": "dir/a b+c%.txt", "Body": b"\x00data", "ContentType": "text/plain",
                       "Metadata": {"color": "blue", "k2": "v 2"}, "CacheControl": "no-cache"}),
        ("PutBucketTagging", {"Bucket": "b", "Tagging": {"TagSet": [{"Key": "a", "Value": "<&>"},
                                                                    {"Key": "b", "Value": ""}]}}),
        ("CreateBucket", {"Bucket": "b", "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"}}),
        ("DeleteObjects", {"Bucket": "b", "Delete": {"Objects": [{"Key": "k1"}, {"Key": "k2", "VersionId": "v"}],
                                                     "Quiet": True}}),
        ("CompleteMultipartUpload", {"Bucket": "b", "Key": "k", "UploadId": "u", "MultipartUpload": {
            "Parts": [{"ETag": '"e1"', "PartNumber": 1}, {"ETag": '"e2"', "PartNumber": 2}]}}),
        ("PutBucketAcl", {"Bucket": "b", "AccessControlPolicy": {
            "Grants": [{"Grantee": {"Type": "CanonicalUser", "ID": "abc"}, "Permission": "READ"}],
            "Owner": {"ID": "abc"}}}),
        ("ListObjectsV2", {"Bucket": "b", "Prefix": "p/", "MaxKeys": 5, "StartAfter": "x"}),
        ("GetObject", {"Bucket": "b", "Key": "k", "Range": "bytes=0-9", "IfModifiedSince": T0,
                       "PartNumber": 2}),
        ("PutBucketLifecycleConfiguration", {"Bucket": "b", "LifecycleConfiguration": {"Rules": [
            {"ID": "r", "Status": "Enabled", "Filter": {"Prefix": "logs/"}, "Expiration": {"Days": 3}}]}}),
    ],
)
def test_botocore_input_reads_back(operation: str, params: dict[str, Any]) -> None:
    o = op(operation)
    req, labels = wire(o, params)
    got = rest_xml.parse_request(o, req, labels)
    # botocore adds checksum headers of its own; only what the caller passed must read back.
    assert {k: got.get(k) for k in params} == params


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"<Tagging><TagSet><Tag><Key>a</Key>", "not well-formed"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><Tagging>&e;</Tagging>', "DOCTYPE"),
        (b"\xff\xfe<\x00T\x00", ""),
    ],
)
def test_malformed_xml(body: bytes, fragment: str) -> None:
    req = HttpRequest("PUT", "/b", "tagging", {"content-type": "application/xml"}, body)
    with pytest.raises(BadRequest) as info:
        rest_xml.parse_request(op("PutBucketTagging"), req, {"Bucket": "b"})
    assert info.value.code == "MalformedXML"
    assert fragment in info.value.message


def test_wrong_type_in_body_and_header() -> None:
    body = b"<Delete><Object><Key>k</Key></Object><Quiet>perhaps</Quiet></Delete>"
    with pytest.raises(BadRequest) as info:
        rest_xml.parse_request(op("DeleteObjects"), HttpRequest("POST", "/b", "delete", {}, body), {"Bucket": "b"})
    assert info.value.code == "MalformedXML"
    req = HttpRequest("GET", "/b", "list-type=2&max-keys=ten", {}, b"")
    with pytest.raises(BadRequest) as info:
        rest_xml.parse_request(op("ListObjectsV2"), req, {"Bucket": "b"})
    assert info.value.code == "InvalidArgument"


@pytest.mark.parametrize(
    ("operation", "output"),
    [
        ("ListBuckets", {"Buckets": [{"Name": "a", "CreationDate": T0}, {"Name": "b", "CreationDate": T0}],
                         "Owner": {"DisplayName": "me", "ID": "id"}}),
        ("ListObjectsV2", {"IsTruncated": False, "Contents": [
            {"Key": "a&b", "LastModified": T0, "ETag": '"e"', "Size": 3, "StorageClass": "STANDARD"}],
            "Name": "b", "Prefix": "", "MaxKeys": 1000, "KeyCount": 1,
            "CommonPrefixes": [{"Prefix": "d/"}]}),
        ("GetBucketTagging", {"TagSet": [{"Key": "k", "Value": "v"}]}),
        ("CopyObject", {"CopyObjectResult": {"ETag": '"e"', "LastModified": T0}, "VersionId": "v1"}),
        ("HeadObject", {"ContentLength": 10, "ETag": '"e"', "LastModified": T0, "ContentType": "text/plain",
                        "Metadata": {"color": "blue"}}),
        ("GetBucketAcl", {"Owner": {"ID": "o"}, "Grants": [
            {"Grantee": {"Type": "CanonicalUser", "ID": "o", "DisplayName": "me"}, "Permission": "FULL_CONTROL"}]}),
        ("DeleteObjects", {"Deleted": [{"Key": "a"}], "Errors": [{"Key": "b", "Code": "AccessDenied",
                                                                  "Message": "no"}]}),
        ("CreateMultipartUpload", {"Bucket": "b", "Key": "k", "UploadId": "u-1"}),
    ],
)
def test_output_parses_back_in_botocore(operation: str, output: dict[str, Any]) -> None:
    o = op(operation)
    parsed = parse(o, rest_xml.serialize_response(o, output, "rid"))
    meta = parsed.pop("ResponseMetadata")
    assert meta["RequestId"] == "rid"
    assert parsed == output


def test_get_object_streams_its_payload() -> None:
    o = op("GetObject")
    resp = rest_xml.serialize_response(o, {"Body": b"\x00\x01raw", "ContentType": "image/png",
                                           "ContentLength": 5}, "rid")
    assert resp.body == b"\x00\x01raw"
    assert resp.get_header("Content-Type") == "image/png"
    assert resp.get_header("x-amz-request-id") == "rid"


def test_document_root_and_namespace() -> None:
    body = rest_xml.serialize_response(op("ListBuckets"), {"Buckets": []}, "r").body.decode()
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>\n'
                           '<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">')
    body = rest_xml.serialize_response(op("GetBucketLocation"), {"LocationConstraint": "eu-west-1"}, "r").body
    assert body.endswith(b'<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
                         b"eu-west-1</LocationConstraint>")
    # boto3 reads GetBucketLocation through a handler that takes the root element's text.
    parsed: dict[str, Any] = {}
    parse_get_bucket_location(parsed, SimpleNamespace(raw=True, content=body))
    assert parsed == {"LocationConstraint": "eu-west-1"}


def test_head_has_no_body() -> None:
    resp = rest_xml.serialize_response(op("HeadObject"), {"ContentLength": 10}, "r")
    assert resp.body == b"" and resp.get_header("Content-Length") == "10"
    err = rest_xml.serialize_error(s3(), ServiceError("Not Found", code="404", status=404), "r", op("HeadObject"))
    assert (err.status, err.body) == (404, b"")
    err = rest_xml.serialize_error(s3(), ServiceError("Not Modified", code="304", status=304), "r", op("GetObject"))
    assert (err.status, err.body) == (304, b"")


def test_s3_error_document() -> None:
    err = ServiceError("The specified key does not exist.", code="NoSuchKey", status=404, fields={"Key": "a/b"})
    resp = rest_xml.serialize_error(s3(), err, "rid-3", op("GetObject"))
    parsed = parse(op("GetObject"), resp)
    assert resp.status == 404
    assert parsed["Error"] == {"Code": "NoSuchKey", "Message": "The specified key does not exist.", "Key": "a/b"}
    assert parsed["ResponseMetadata"]["RequestId"] == "rid-3"
    assert resp.body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code>')


def test_other_rest_xml_services_use_error_response() -> None:
    route53 = ServiceModel(Loader().load_service_model("route53", "service-2"), service_name="route53")
    err = ServiceError("No hosted zone", code="NoSuchHostedZone", status=404)
    resp = rest_xml.serialize_error(route53, err, "rid-4")
    parsed = create_parser("rest-xml").parse(
        {"status_code": resp.status, "headers": HeadersDict(resp.headers), "body": resp.body}, None)
    assert parsed["Error"] == {"Type": "Sender", "Code": "NoSuchHostedZone", "Message": "No hosted zone"}
    assert parsed["ResponseMetadata"]["RequestId"] == "rid-4"


def test_host_prefix_labels() -> None:
    s3control = ServiceModel(Loader().load_service_model("s3control", "service-2"), service_name="s3control")
    o = s3control.operation_model("ListAccessPoints")
    assert rest_xml.host_labels(o, "123456789012.s3-control.localhost:4566") == {"AccountId": "123456789012"}
    assert rest_xml.host_labels(o, "localhost:4566") == {}
    assert rest_xml.host_labels(o, "127.0.0.1:4566") == {}
    assert rest_xml.host_labels(op("GetObject"), "b.localhost") == {}
    req = HttpRequest("GET", "/v20180820/accesspoint", "", {"host": "111122223333.localhost:4566"}, b"")
    assert rest_xml.parse_request(o, req, {})["AccountId"] == "111122223333"


_GOOD = (b'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>k</Key>'
         b"<VersionId>v</VersionId></Object><Quiet>true</Quiet></Delete>")


@settings(max_examples=300, deadline=None, database=None)
@given(st.integers(0, len(_GOOD)), st.integers(0, len(_GOOD)), st.binary(max_size=12))
def test_mangled_xml_parses_or_fails_cleanly(start: int, end: int, junk: bytes) -> None:
    body = _GOOD[:start] + junk + _GOOD[max(start, end):]
    try:
        got = rest_xml.parse_request(op("DeleteObjects"), HttpRequest("POST", "/b", "delete", {}, body), {"Bucket": "b"})
    except BadRequest as exc:
        assert exc.code == "MalformedXML"
    else:
        assert isinstance(got.get("Delete", {}), dict)

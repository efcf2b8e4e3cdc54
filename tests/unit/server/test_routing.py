"""Routing uses everything a request carries to find its service, protocol and operation."""

from __future__ import annotations

import pytest

from fogbank.errors import ServiceError
from fogbank.protocol.base import HttpRequest
from fogbank.server.routing import Router, signature_scope

FORM = "application/x-www-form-urlencoded"


def auth(service: str, region: str = "us-east-1", key: str = "test") -> str:
    return (f"AWS4-HMAC-SHA256 Credential={key}/20260101/{region}/{service}/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=00")


@pytest.fixture(scope="module")
def router() -> Router:
    return Router()


def test_scope_from_header_and_presigned_query() -> None:
    s = signature_scope(HttpRequest("GET", "/", "", {"authorization": auth("sqs", "eu-west-1", "123456789012")}))
    assert (s.access_key, s.region, s.service) == ("123456789012", "eu-west-1", "sqs")
    q = "X-Amz-Credential=AKID%2F20260101%2Fap-south-1%2Fs3%2Faws4_request&X-Amz-Signature=ab"
    s = signature_scope(HttpRequest("GET", "/b/k", q, {}))
    assert (s.access_key, s.region, s.service) == ("AKID", "ap-south-1", "s3")
    assert signature_scope(HttpRequest("GET", "/", "", {})).service == ""


def test_query_protocol_by_signing_name_and_by_version(router: Router) -> None:
    r = router.route(HttpRequest("POST", "/", "", {"authorization": auth("sts"), "content-type": FORM},
                                 b"Action=GetCallerIdentity&Version=2011-06-15"))
    assert (r.service, r.protocol, r.operation.name) == ("sts", "query", "GetCallerIdentity")
    r = router.route(HttpRequest("POST", "/", "", {"content-type": FORM}, b"Action=ListUsers&Version=2010-05-08"))
    assert (r.service, r.operation.name) == ("iam", "ListUsers")
    r = router.route(HttpRequest("POST", "/", "", {"authorization": auth("ec2"), "content-type": FORM},
                                 b"Action=DescribeVpcs&Version=2016-11-15"))
    assert (r.service, r.protocol) == ("ec2", "ec2")


def test_sqs_speaks_query_and_json(router: Router) -> None:
    r = router.route(HttpRequest("POST", "/", "", {"authorization": auth("sqs"), "content-type": FORM},
                                 b"Action=SendMessage&Version=2012-11-05"))
    assert (r.service, r.protocol, r.operation.name) == ("sqs", "query", "SendMessage")
    r = router.route(HttpRequest("POST", "/", "", {"authorization": auth("sqs"), "x-amz-target": "AmazonSQS.SendMessage",
                                                   "content-type": "application/x-amz-json-1.0"}, b"{}"))
    assert (r.service, r.protocol) == ("sqs", "json")


def test_cloudwatch_cbor_json_and_query(router: Router) -> None:
    r = router.route(HttpRequest("POST", "/service/GraniteServiceVersion20100801/operation/PutMetricData", "",
                                 {"smithy-protocol": "rpc-v2-cbor", "authorization": auth("monitoring")}))
    assert (r.service, r.protocol, r.operation.name) == ("cloudwatch", "smithy-rpc-v2-cbor", "PutMetricData")
    r = router.route(HttpRequest("POST", "/", "", {"x-amz-target": "GraniteServiceVersion20100801.ListMetrics"}))
    assert (r.service, r.protocol) == ("cloudwatch", "json")
    r = router.route(HttpRequest("POST", "/", "", {"authorization": auth("monitoring"), "content-type": FORM},
                                 b"Action=ListMetrics&Version=2010-08-01"))
    assert (r.service, r.protocol) == ("cloudwatch", "query")


def test_json_services_share_signing_names(router: Router) -> None:
    r = router.route(HttpRequest("POST", "/", "", {"authorization": auth("dynamodb"),
                                                   "x-amz-target": "DynamoDBStreams_20120810.ListStreams"}))
    assert r.service == "dynamodbstreams"


@pytest.mark.parametrize("host", ["bkt.s3.localhost:4566", "bkt.s3.us-west-2.localhost:4566", "bkt.localhost:4566"])
def test_s3_virtual_host_styles(router: Router, host: str) -> None:
    r = router.route(HttpRequest("GET", "/a/b.txt", "", {"host": host, "authorization": auth("s3")}))
    assert (r.service, r.operation.name, r.path_params) == ("s3", "GetObject", {"Bucket": "bkt", "Key": "a/b.txt"})


def test_s3_path_style_anonymous_and_presigned(router: Router) -> None:
    r = router.route(HttpRequest("GET", "/bkt/k", "", {"host": "localhost:4566"}))
    assert (r.service, r.operation.name) == ("s3", "GetObject")
    r = router.route(HttpRequest("PUT", "/bkt/k", "X-Amz-Credential=A%2F20260101%2Fus-east-1%2Fs3%2Faws4_request", {}))
    assert r.operation.name == "PutObject"


def test_apigateway_v1_and_v2_share_a_signing_name(router: Router) -> None:
    assert router.route(HttpRequest("GET", "/restapis", "", {"authorization": auth("apigateway")})).service == "apigateway"
    assert router.route(HttpRequest("GET", "/v2/apis", "", {"authorization": auth("apigateway")})).service == "apigatewayv2"


@pytest.mark.parametrize("req", [
    HttpRequest("POST", "/", "", {"x-amz-target": "NoSuchService_2020.DoIt"}, b"{}"),
    HttpRequest("POST", "/", "", {"x-amz-target": "DynamoDB_20120810.NoSuchOp"}, b"{}"),
    HttpRequest("POST", "/", "", {"content-type": FORM}, b"Version=2011-06-15"),
    HttpRequest("POST", "/", "", {"content-type": FORM, "authorization": auth("sts")}, b"Action=Nope&Version=2011-06-15"),
    HttpRequest("GET", "/2015-03-31/nothing-here", "", {"authorization": auth("lambda")}),
    HttpRequest("GET", "/", "", {"authorization": auth("no-such-thing")}),
    HttpRequest("POST", "/service/Unknown/operation/X", "", {"smithy-protocol": "rpc-v2-cbor"}),
])
def test_unroutable_requests_get_a_4xx(router: Router, req: HttpRequest) -> None:
    with pytest.raises(ServiceError) as info:
        router.route(req)
    assert 400 <= info.value.status < 500

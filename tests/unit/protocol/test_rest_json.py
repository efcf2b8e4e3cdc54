"""The rest-json protocol against botocore (Lambda, API Gateway, X-Ray): requests botocore
writes parse back to the same input; responses and errors fogbank writes parse in botocore."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from botocore.awsrequest import AWSRequest, HeadersDict, prepare_request_dict
from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from fogbank.errors import BadRequest, ServiceError
from fogbank.protocol import rest_json
from fogbank.protocol.base import HttpRequest, HttpResponse

WHEN = datetime(2022, 7, 8, 9, 10, 11, 250000, tzinfo=UTC)


@cache
def model(name: str) -> ServiceModel:
    return ServiceModel(Loader().load_service_model(name, "service-2"), service_name=name)


def labels(op: OperationModel, path: str) -> dict[str, str]:
    template = op.http["requestUri"].split("?", 1)[0]
    names, regex, pos = [], "", 0
    for m in re.finditer(r"\{([^}]+?)(\+?)\}", template):
        regex += re.escape(template[pos : m.start()]) + ("(.+)" if m.group(2) else "([^/]+)")
        names.append(m.group(1))
        pos = m.end()
    found = re.fullmatch(regex + re.escape(template[pos:]), path)
    assert found is not None
    return {n: unquote(v) for n, v in zip(names, found.groups(), strict=True)}


def round_trip_request(service: str, operation: str, params: dict) -> dict:
    op = model(service).operation_model(operation)
    r = create_serializer("rest-json", include_validation=False).serialize_to_request(params, op)
    prepare_request_dict(r, endpoint_url="http://localhost:4566")
    prepared = AWSRequest(method=r["method"], url=r["url"], data=r["body"], headers=r["headers"]).prepare()
    url = urlsplit(prepared.url)
    headers = {k.lower(): v.decode() if isinstance(v, bytes) else v for k, v in prepared.headers.items()}
    body = prepared.body or b""
    req = HttpRequest(prepared.method, url.path, url.query, headers, body.encode() if isinstance(body, str) else body)
    return rest_json.parse_request(op, req, labels(op, url.path))


def parse_response(op: OperationModel, resp: HttpResponse) -> dict:
    return create_parser("rest-json").parse(
        {"status_code": resp.status, "headers": HeadersDict(resp.headers), "body": resp.body}, op.output_shape
    )


def round_trip_response(service: str, operation: str, output: dict) -> dict:
    op = model(service).operation_model(operation)
    parsed = parse_response(op, rest_json.serialize_response(op, output, "rid"))
    assert parsed.pop("ResponseMetadata")["RequestId"] == "rid"
    return parsed


def test_lambda_create_function_request() -> None:
    params = {
        "FunctionName": "f",
        "Runtime": "python3.12",
        "Role": "arn:aws:iam::000000000000:role/r",
        "Handler": "app.handler",
        "Code": {"ZipFile": b"PK\x03\x04zip"},
        "Environment": {"Variables": {"A": "1"}},
        "Timeout": 10,
        "Publish": True,
        "Tags": {"t": "v"},
    }
    assert round_trip_request("lambda", "CreateFunction", params) == params


def test_lambda_invoke_raw_payload_and_header_members() -> None:
    params = {"FunctionName": "f", "InvocationType": "RequestResponse", "Payload": b'{"x": 1}'}
    assert round_trip_request("lambda", "Invoke", params) == params
    output = {"StatusCode": 200, "ExecutedVersion": "$LATEST", "Payload": b'{"ok":1}'}
    op = model("lambda").operation_model("Invoke")
    resp = rest_json.serialize_response(op, output, "rid")
    assert resp.body == b'{"ok":1}'
    parsed = parse_response(op, resp)
    assert parsed["StatusCode"] == 200
    assert parsed["ExecutedVersion"] == "$LATEST"


def test_lambda_query_string_and_uri_labels() -> None:
    params = {"FunctionName": "arn:aws:lambda:us-east-1:000000000000:function:f", "Qualifier": "1"}
    assert round_trip_request("lambda", "GetFunction", params) == params
    params = {"FunctionVersion": "ALL", "MaxItems": 10, "Marker": "m=1&x"}
    assert round_trip_request("lambda", "ListFunctions", params) == params


def test_lambda_get_function_configuration_response() -> None:
    output = {
        "FunctionName": "f",
        "CodeSize": 123,
        "Timeout": 3,
        "LastModified": "2024-01-01T00:00:00.000+0000",
        "Environment": {"Variables": {"A": "1"}},
        "Layers": [{"Arn": "arn:l:1", "CodeSize": 9}],
    }
    assert round_trip_response("lambda", "GetFunctionConfiguration", output) == output


def test_apigateway_requests_and_responses() -> None:
    params = {"restApiId": "abc", "resourceId": "r1", "httpMethod": "GET", "authorizationType": "NONE",
              "requestParameters": {"method.request.querystring.q": True}}
    assert round_trip_request("apigateway", "PutMethod", params) == params
    output = {"id": "abc", "name": "api", "createdDate": WHEN, "binaryMediaTypes": ["image/png"],
              "tags": {"k": "v"}, "disableExecuteApiEndpoint": False}
    assert round_trip_response("apigateway", "GetRestApi", output) == output


def test_xray_timestamps_and_doubles() -> None:
    params = {"StartTime": WHEN, "EndTime": WHEN, "Sampling": True, "FilterExpression": "ok"}
    assert round_trip_request("xray", "GetTraceSummaries", params) == params
    output = {"TraceSummaries": [{"Id": "1-abc", "Duration": 1.25, "ResponseTime": 0.5, "HasError": True}],
              "ApproximateTime": WHEN, "TracesProcessedCount": 1}
    assert round_trip_response("xray", "GetTraceSummaries", output) == output


def test_empty_output_and_no_content_status() -> None:
    op = model("lambda").operation_model("DeleteAlias")
    resp = rest_json.serialize_response(op, {}, "rid")
    assert resp.status == 204
    assert resp.body == b""


@pytest.mark.parametrize("body", [b"{", b'{"Timeout": "ten"}', b'{"Environment": []}', b"\xff"])
def test_bad_bodies_are_serialization_exceptions(body: bytes) -> None:
    op = model("lambda").operation_model("UpdateFunctionConfiguration")
    req = HttpRequest("PUT", "/2015-03-31/functions/f/configuration", body=body)
    with pytest.raises(BadRequest) as err:
        rest_json.parse_request(op, req, {"FunctionName": "f"})
    assert err.value.code == "SerializationException"


def test_bad_query_value_is_a_bad_request() -> None:
    op = model("lambda").operation_model("ListFunctions")
    with pytest.raises(BadRequest):
        rest_json.parse_request(op, HttpRequest("GET", "/2015-03-31/functions/", "MaxItems=many"), {})


def test_errors_have_error_type_header_message_and_modelled_fields() -> None:
    service = model("lambda")
    op = service.operation_model("GetFunction")
    error = ServiceError("Function not found: f", code="ResourceNotFoundException", status=404,
                         fields={"Type": "User"})
    resp = rest_json.serialize_error(service, error, "rid", op)
    assert resp.status == 404
    assert resp.get_header("x-amzn-errortype") == "ResourceNotFoundException"
    body = json.loads(resp.body)
    assert body == {"Type": "User", "message": "Function not found: f", "Message": "Function not found: f"}
    parsed = parse_response(op, resp)
    assert parsed["Error"] == {"Code": "ResourceNotFoundException", "Message": "Function not found: f"}
    assert parsed["ResponseMetadata"]["RequestId"] == "rid"


def test_error_members_bound_to_headers_go_in_headers() -> None:
    service = model("lambda")
    error = ServiceError("Rate exceeded", code="TooManyRequestsException", status=429,
                         fields={"retryAfterSeconds": "3", "Type": "User", "Reason": "ReservedFunctionConcurrentInvocationLimitExceeded"})
    resp = rest_json.serialize_error(service, error, "rid")
    assert resp.get_header("retry-after") == "3"
    body = json.loads(resp.body)
    assert "retryAfterSeconds" not in body
    assert body["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    modelled = create_parser("rest-json").parse(
        {"status_code": 429, "headers": HeadersDict(resp.headers), "body": resp.body},
        service.shape_for("TooManyRequestsException"),
    )
    assert modelled["retryAfterSeconds"] == "3"
    assert modelled["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"


def test_unmodelled_error_still_parses() -> None:
    service = model("xray")
    resp = rest_json.serialize_error(service, ServiceError("boom", code="InternalFailure", status=500), "rid")
    parsed = parse_response(service.operation_model("GetGroups"), resp)
    assert parsed["Error"]["Code"] == "InternalFailure"
    assert parsed["Error"]["Message"] == "boom"


def test_missing_output_is_an_empty_answer() -> None:
    op: Any = model("xray").operation_model("GetGroups")
    resp = rest_json.serialize_response(op, None, "r")
    assert resp.status == 200
    assert json.loads(resp.body) == {}

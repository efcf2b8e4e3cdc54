"""The shared REST bindings: botocore serialises requests that rest.py parses back, and botocore
parses the responses rest.py writes."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import unquote, urlsplit

import botocore.loaders
import botocore.model
import pytest
from botocore.awsrequest import AWSRequest, HeadersDict, prepare_request_dict
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from fogbank.errors import BadRequest
from fogbank.protocol import rest
from fogbank.protocol.base import HttpRequest


@cache
def model(name: str) -> botocore.model.ServiceModel:
    data = botocore.loaders.Loader().load_service_model(name, "service-2")
    return botocore.model.ServiceModel(data, service_name=name)


def path_params(op: botocore.model.OperationModel, path: str) -> dict[str, str]:
    """The decoded URI labels of ``path`` under the operation's requestUri template."""
    template = op.http["requestUri"].split("?", 1)[0]
    names: list[str] = []
    regex = ""
    pos = 0
    for m in re.finditer(r"\{([^}]+?)(\+?)\}", template):
        regex += re.escape(template[pos : m.start()])
        regex += "(.+)" if m.group(2) else "([^/]+)"
        names.append(m.group(1))
        pos = m.end()
    regex += re.escape(template[pos:])
    found = re.fullmatch(regex, path)
    assert found is not None, (template, path)
    return {n: unquote(v) for n, v in zip(names, found.groups(), strict=True)}


def botocore_request(op: botocore.model.OperationModel, params: dict[str, Any]) -> tuple[HttpRequest, dict]:
    """What botocore puts on the wire for ``params``, as fogbank's HttpRequest plus path labels."""
    serialized = create_serializer(op.metadata["protocol"], include_validation=False).serialize_to_request(
        params, op
    )
    prepare_request_dict(serialized, endpoint_url="http://localhost:4566")
    prepared = AWSRequest(
        method=serialized["method"],
        url=serialized["url"],
        data=serialized["body"],
        headers=serialized["headers"],
    ).prepare()
    url = urlsplit(prepared.url)
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode()
    req = HttpRequest(
        method=prepared.method,
        path=url.path,
        query_string=url.query,
        headers={k.lower(): v.decode() if isinstance(v, bytes) else v for k, v in prepared.headers.items()},
        body=body,
    )
    return req, path_params(op, url.path)


def json_decode(shape: Any, body: bytes) -> Any:
    """A minimal body codec for these tests: plain JSON with no type conversion."""
    return json.loads(body)


def json_encode(shape: Any, value: Any) -> bytes:
    return json.dumps(value).encode()


def botocore_parse(op: botocore.model.OperationModel, resp: Any) -> dict:
    parsed = create_parser(op.metadata["protocol"]).parse(
        {"status_code": resp.status, "headers": HeadersDict(resp.headers), "body": resp.body}, op.output_shape
    )
    parsed.pop("ResponseMetadata")
    return parsed


def test_uri_labels_query_and_headers_of_lambda_invoke() -> None:
    op = model("lambda").operation_model("Invoke")
    params = {
        "FunctionName": "my fn:prod",
        "InvocationType": "Event",
        "LogType": "Tail",
        "ClientContext": "e30=",
        "Qualifier": "v1",
        "Payload": b"\x00\xffraw",
    }
    req, labels = botocore_request(op, params)
    assert rest.parse_request(op, req, labels, json_decode) == params


def test_greedy_label_timestamps_and_lists_in_query() -> None:
    op = model("lambda").operation_model("ListFunctions")
    req, labels = botocore_request(op, {"MasterRegion": "ALL", "MaxItems": 5, "Marker": "a&b=c"})
    assert rest.parse_request(op, req, labels, json_decode) == {
        "MasterRegion": "ALL",
        "MaxItems": 5,
        "Marker": "a&b=c",
    }


def test_query_map_member_takes_the_whole_query_string() -> None:
    op = model("apigateway").operation_model("ImportRestApi")
    params = {"body": b"{}", "parameters": {"endpointConfigurationTypes": "REGIONAL", "x y": "1/2"}, "failOnWarnings": True}
    req, labels = botocore_request(op, params)
    assert rest.parse_request(op, req, labels, json_decode) == params


def test_body_members_go_through_the_codec_and_bindings_do_not() -> None:
    op = model("lambda").operation_model("UpdateFunctionConfiguration")
    params = {"FunctionName": "f", "Timeout": 30, "Handler": "h.main"}
    req, labels = botocore_request(op, params)
    assert rest.parse_request(op, req, labels, json_decode) == params


def test_header_prefix_map_timestamp_and_jsonvalue_headers() -> None:
    s3 = model("s3")
    op = s3.operation_model("PutObject")
    when = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    params = {
        "Bucket": "b",
        "Key": "dir/with space/é.txt",
        "Metadata": {"colour": "blue", "size": "9"},
        "Expires": when,
        "ContentLength": 3,
        "Body": b"abc",
        "BucketKeyEnabled": True,
    }
    req, labels = botocore_request(op, params)
    assert rest.parse_request(op, req, labels, json_decode) == params


def test_bad_header_integer_is_a_bad_request_with_the_callers_code() -> None:
    op = model("s3").operation_model("PutObject")
    req = HttpRequest("PUT", "/b/k", headers={"content-length": "lots"})
    with pytest.raises(BadRequest) as err:
        rest.parse_request(op, req, {"Bucket": "b", "Key": "k"}, json_decode, error_code="InvalidArgument")
    assert err.value.code == "InvalidArgument"
    assert "ContentLength" in err.value.message


def test_jsonvalue_headers_are_base64_json_both_ways() -> None:
    op = model("lex-runtime").operation_model("PostContent")
    params = {
        "botName": "b",
        "botAlias": "a",
        "userId": "u",
        "contentType": "text/plain; charset=utf-8",
        "sessionAttributes": {"k": "v", "n": [1, 2]},
        "inputStream": b"hello",
    }
    req, labels = botocore_request(op, params)
    assert rest.parse_request(op, req, labels, json_decode) == params
    output = {"sessionAttributes": {"x": {"y": None}}, "message": "hi", "audioStream": b"pcm"}
    parsed = botocore_parse(op, rest.serialize_response(op, output, json_encode))
    assert parsed["sessionAttributes"] == {"x": {"y": None}}
    assert parsed["message"] == "hi"


def test_bad_jsonvalue_or_timestamp_header_is_a_bad_request() -> None:
    op = model("lex-runtime").operation_model("PostContent")
    labels = {"botName": "b", "botAlias": "a", "userId": "u"}
    req = HttpRequest("POST", "/", headers={"x-amz-lex-session-attributes": "bm90IGpzb24="})
    with pytest.raises(BadRequest):
        rest.parse_request(op, req, labels, json_decode)
    op = model("s3").operation_model("PutObject")
    req = HttpRequest("PUT", "/b/k", headers={"expires": "not a date"})
    with pytest.raises(BadRequest):
        rest.parse_request(op, req, {"Bucket": "b", "Key": "k"}, json_decode)


def test_split_header_list_honours_quotes() -> None:
    assert rest.split_header_list('a, "b,c", "d\\"e",f') == ["a", "b,c", 'd"e', "f"]
    assert rest.split_header_list("a,b") == ["a", "b"]


def test_response_status_code_headers_and_payload() -> None:
    op = model("lambda").operation_model("Invoke")
    output = {
        "StatusCode": 202,
        "FunctionError": "Unhandled",
        "LogResult": "bG9n",
        "ExecutedVersion": "$LATEST",
        "Payload": b'{"ok": true}',
    }
    resp = rest.serialize_response(op, output, json_encode)
    assert resp.status == 202
    parsed = botocore_parse(op, resp)
    payload = parsed.pop("Payload")
    assert payload == output.pop("Payload").decode()
    assert parsed == output


def test_response_body_members_and_header_maps() -> None:
    op = model("s3").operation_model("HeadObject")
    when = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    output = {"Metadata": {"colour": "blue"}, "LastModified": when, "ContentLength": 10, "DeleteMarker": False}
    resp = rest.serialize_response(op, output, json_encode)
    assert resp.body == b""
    assert botocore_parse(op, resp) == output


def test_default_status_comes_from_the_model() -> None:
    op = model("lambda").operation_model("CreateFunction")
    resp = rest.serialize_response(op, {"FunctionName": "f"}, json_encode)
    assert resp.status == 201
    assert json.loads(resp.body) == {"FunctionName": "f"}


def test_structure_payload_goes_through_the_codec() -> None:
    op = model("apigateway").operation_model("GetExport")
    assert rest.bindings(op.output_shape).payload_kind == rest.BLOB
    op = model("s3").operation_model("GetBucketTagging")
    seen: list[Any] = []

    def encode(shape: Any, value: Any) -> bytes:
        seen.append((shape.name, value))
        return b"<x/>"

    resp = rest.serialize_response(op, {"TagSet": [{"Key": "a", "Value": "b"}]}, encode)
    assert seen == [("GetBucketTaggingOutput", {"TagSet": [{"Key": "a", "Value": "b"}]})]
    assert resp.body == b"<x/>"


def synthetic_model() -> botocore.model.ServiceModel:
    """A small rest-json model with the bindings the real models use rarely."""
    return botocore.model.ServiceModel(
        {
            "metadata": {"protocol": "rest-json", "apiVersion": "2020-01-01", "endpointPrefix": "x",
                         "signatureVersion": "v4", "serviceId": "X"},
            "operations": {
                "Op": {
                    "name": "Op",
                    "http": {"method": "POST", "requestUri": "/things/{Id}/{Path+}?fixed=1", "responseCode": 200},
                    "input": {"shape": "OpInput"},
                    "output": {"shape": "OpInput"},
                }
            },
            "shapes": {
                "OpInput": {
                    "type": "structure",
                    "required": ["Id", "Path"],
                    "members": {
                        "Id": {"shape": "Int", "location": "uri", "locationName": "Id"},
                        "Path": {"shape": "Str", "location": "uri", "locationName": "Path"},
                        "Dates": {"shape": "DateList", "location": "header", "locationName": "X-Dates"},
                        "Flag": {"shape": "Bool", "location": "header", "locationName": "X-Flag"},
                        "Ratio": {"shape": "Dbl", "location": "header", "locationName": "X-Ratio"},
                        "Names": {"shape": "StrList", "location": "header", "locationName": "X-Names"},
                        "Counts": {"shape": "IntList", "location": "querystring", "locationName": "count"},
                        "Since": {"shape": "Time", "location": "querystring", "locationName": "since"},
                        "Epoch": {"shape": "EpochTime", "location": "header", "locationName": "X-Epoch"},
                        "Note": {"shape": "Str"},
                    },
                },
                "Int": {"type": "integer"},
                "Str": {"type": "string"},
                "Bool": {"type": "boolean"},
                "Dbl": {"type": "double"},
                "Time": {"type": "timestamp"},
                "EpochTime": {"type": "timestamp", "timestampFormat": "unixTimestamp"},
                "DateList": {"type": "list", "member": {"shape": "Time"}},
                "StrList": {"type": "list", "member": {"shape": "Str"}},
                "IntList": {"type": "list", "member": {"shape": "Int"}},
            },
        },
        service_name="x",
    )


def test_rare_bindings_round_trip_through_botocore() -> None:
    op = synthetic_model().operation_model("Op")
    when = datetime(2020, 2, 3, 4, 5, 6, tzinfo=UTC)
    params = {
        "Id": 42,
        "Path": "a/b c/d",
        "Dates": [when, when.replace(day=4)],
        "Flag": False,
        "Ratio": float("-inf"),
        "Names": ["plain", "with,comma", 'with"quote'],
        "Counts": [1, 2, 3],
        "Since": when,
        "Epoch": when,
        "Note": "body",
    }
    req, labels = botocore_request(op, params)
    assert "fixed=1" in req.query_string
    assert rest.parse_request(op, req, labels, json_decode) == params


def test_rare_bindings_in_responses() -> None:
    op = synthetic_model().operation_model("Op")
    when = datetime(2020, 2, 3, 4, 5, 6, tzinfo=UTC)
    output = {"Flag": True, "Ratio": 0.5, "Names": ["a", "b"], "Epoch": when, "Note": "n"}
    resp = rest.serialize_response(op, output, json_encode)
    assert dict(resp.headers)["X-Epoch"] == "1580702706"
    assert botocore_parse(op, resp) == output

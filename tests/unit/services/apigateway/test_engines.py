"""Pure parts of API Gateway: JSONPath, patches, authorizer policies, resource matching, token
buckets, proxy responses and body validation."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fogbank.protocol.base import HttpRequest
from fogbank.services.apigateway import patch
from fogbank.services.apigateway.dataplane import failures, integrations, policy, routing, validation
from fogbank.services.apigateway.dataplane.call import Call
from fogbank.services.apigateway.dataplane.state import Bucket
from fogbank.services.apigateway.documents import shape
from fogbank.services.apigateway.errors import BadRequestException
from fogbank.services.apigateway.vtl import jsonpath


def test_jsonpath_subset() -> None:
    doc = {"a": [{"b": 1}, {"b": 2}], "c": {"d": {"b": 3}}, "odd key": 4}
    assert jsonpath.evaluate(doc, "$") == doc
    assert jsonpath.evaluate(doc, "$.a[1].b") == 2
    assert jsonpath.evaluate(doc, "$.a[-1]") == {"b": 2}
    assert jsonpath.evaluate(doc, "$['odd key']") == 4
    assert jsonpath.evaluate(doc, "$.a[*].b") == [1, 2]
    assert sorted(jsonpath.evaluate(doc, "$..b")) == [1, 2, 3]
    assert jsonpath.evaluate(doc, "$.nope") is jsonpath.MISSING
    with pytest.raises(jsonpath.PathError):
        jsonpath.parse("a.b")


def test_patch_operations_follow_the_model() -> None:
    stage = {"stageName": "dev", "variables": {"a": "1"}, "tracingEnabled": False}
    patch.apply(stage, [{"op": "replace", "path": "/variables/b", "value": "2"},
                        {"op": "remove", "path": "/variables/a"},
                        {"op": "replace", "path": "/tracingEnabled", "value": "true"},
                        {"op": "replace", "path": "/accessLogSettings/format", "value": "$context.requestId"}],
                shape("Stage"))
    assert stage == {"stageName": "dev", "variables": {"b": "2"}, "tracingEnabled": True,
                     "accessLogSettings": {"format": "$context.requestId"}}
    for bad in ({"op": "replace", "path": "/nope", "value": "x"}, {"op": "replace", "path": "/tracingEnabled", "value": "maybe"},
                {"op": "jump", "path": "/description"}, {"op": "remove", "path": "/variables/zzz"}):
        with pytest.raises(BadRequestException):
            patch.apply(copy.deepcopy(stage), [bad], shape("Stage"))


def test_patch_list_items_and_copy() -> None:
    api = {"binaryMediaTypes": ["a/b"], "description": "d"}
    patch.apply(api, [{"op": "add", "path": "/binaryMediaTypes/image~1png"},
                      {"op": "remove", "path": "/binaryMediaTypes/a~1b"},
                      {"op": "copy", "from": "/description", "path": "/name"}], shape("RestApi"))
    assert api == {"binaryMediaTypes": ["image/png"], "description": "d", "name": "d"}


def test_policy_decisions_with_wildcards() -> None:
    arn = "arn:aws:execute-api:us-east-1:000000000000:abc/dev/GET/pets/1"
    allow = {"Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "arn:aws:execute-api:us-east-1:*:abc/*/GET/*"}]}
    assert policy.decide(allow, arn) == "Allow"
    deny = {"Statement": [*allow["Statement"], {"Effect": "Deny", "Action": "*", "Resource": ["*/pets/?"]}]}
    assert policy.decide(deny, arn) == "Deny"
    explicit = {"Statement": [*allow["Statement"], {"Effect": "Deny", "Action": "execute-api:*", "Resource": "arn:aws:execute-api:*:*:abc/dev/GET/pets/?"}]}
    assert policy.decide(explicit, arn) == "Deny"
    assert policy.decide({"Statement": []}, arn) == "None"
    assert policy.decide({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}, arn) == "None"
    assert policy.valid({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}})
    assert not policy.valid({"Statement": [{"Effect": "Maybe"}]})


def _resources() -> dict:
    def res(rid: str, parent: str | None, part: str, path: str, methods: tuple = ("GET",)) -> dict:
        r = {"id": rid, "path": path, "resourceMethods": {m: {"httpMethod": m} for m in methods}}
        if parent:
            r.update(parentId=parent, pathPart=part)
        return r
    items = [res("r", None, "", "/"), res("p", "r", "pets", "/pets"), res("i", "p", "{id}", "/pets/{id}"),
             res("s", "p", "search", "/pets/search"), res("g", "r", "{proxy+}", "/{proxy+}", ("ANY",))]
    return {r["id"]: r for r in items}


def test_routing_prefers_literals_then_variables_then_greedy() -> None:
    resources = _resources()
    assert routing.match(resources, "/pets/search", "GET").resource["id"] == "s"
    found = routing.match(resources, "/pets/42", "GET")
    assert found.resource["id"] == "i" and found.path_params == {"id": "42"}
    greedy = routing.match(resources, "/a/b/c", "DELETE")
    assert greedy.resource["id"] == "g" and greedy.path_params == {"proxy": "a/b/c"}
    assert routing.match(resources, "/", "GET").resource["id"] == "r"
    assert routing.match(resources, "/pets", "POST") is None


@given(st.floats(min_value=0.1, max_value=100), st.integers(min_value=1, max_value=50), st.integers(min_value=1, max_value=200))
def test_token_bucket_never_admits_more_than_burst_plus_refill(rate: float, burst: int, requests: int) -> None:
    bucket = Bucket(rate, burst, float(burst), 0.0)
    admitted = sum(bucket.take(i * 0.01) for i in range(requests))
    elapsed = (requests - 1) * 0.01
    assert admitted <= burst + rate * elapsed + 1e-9
    assert admitted >= min(requests, burst)


def _call(headers: dict | None = None) -> Call:
    return Call(req=HttpRequest("GET", "/", "", headers or {}), api_id="a", stage_name="s", path="/", account="0",
                region="us-east-1", request_id="r", now=0.0, host="h", stage={}, snapshot={"api": {"binaryMediaTypes": ["image/*"]}})


def test_proxy_response_validation() -> None:
    ok = integrations.proxy_response(_call(), {"statusCode": 201, "headers": {"A": 1}, "multiValueHeaders": {"B": ["x", "y"]}, "body": "hi"})
    assert ok.status == 201 and ok.body == b"hi"
    assert ("A", "1") in ok.headers and ("B", "x") in ok.headers and ("B", "y") in ok.headers
    binary = integrations.proxy_response(_call({"accept": "image/png"}), {"statusCode": 200, "body": "AAE=", "isBase64Encoded": True})
    assert binary.body == b"\x00\x01"
    text = integrations.proxy_response(_call({"accept": "application/json"}), {"statusCode": 200, "body": "AAE=", "isBase64Encoded": True})
    assert text.body == b"AAE="
    for bad in ("x", [], {"statusCode": "abc"}, {"statusCode": 200, "body": 5}, {"statusCode": 200, "extra": 1},
                {"statusCode": 700}, {"headers": {"A": {"nested": 1}}}, {"multiValueHeaders": {"A": "notalist"}}):
        with pytest.raises(failures.GatewayError) as info:
            integrations.proxy_response(_call(), bad)
        assert info.value.status == 502


def test_schema_errors() -> None:
    schema = {"type": "object", "required": ["n"], "additionalProperties": False,
              "properties": {"n": {"type": "integer", "minimum": 1}, "tags": {"type": "array", "items": {"type": "string"}}}}
    assert validation.schema_errors({"n": 2, "tags": ["a"]}, schema, {}) == []
    assert validation.schema_errors({"tags": ["a"]}, schema, {})
    assert validation.schema_errors({"n": 0}, schema, {})
    assert validation.schema_errors({"n": 1, "tags": [1]}, schema, {})
    assert validation.schema_errors({"n": 1, "x": 1}, schema, {})
    models = {"Pet": {"schema": json.dumps(schema)}}
    assert validation.schema_errors({"n": 0}, {"$ref": "https://apigateway.amazonaws.com/restapis/x/models/Pet"}, models)

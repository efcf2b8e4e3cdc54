"""Lambda behind deployed stages over plain HTTP: proxy events and responses, non-proxy mapping
templates with error selection, and the integration timeout."""

from __future__ import annotations

import base64
import http.client
import json
from typing import Any

from tests.services.apigateway.helpers import deploy, function, lambda_uri, new_api, proxy, resource

CRUD = """
import json
ITEMS = {}
def handler(event, context):
    method, params = event["httpMethod"], event["pathParameters"] or {}
    if method == "PUT":
        ITEMS[params["id"]] = json.loads(event["body"])
        return {"statusCode": 201, "headers": {"Location": "/items/" + params["id"]}, "body": event["body"]}
    if method == "GET" and "id" in params:
        if params["id"] not in ITEMS:
            return {"statusCode": 404, "body": json.dumps({"error": "no such item"})}
        return {"statusCode": 200, "body": json.dumps(ITEMS[params["id"]])}
    if method == "GET":
        return {"statusCode": 200, "multiValueHeaders": {"X-Count": [str(len(ITEMS))]}, "body": json.dumps(sorted(ITEMS))}
    if method == "DELETE":
        ITEMS.pop(params["id"], None)
        return {"statusCode": 204, "body": ""}
    return {"statusCode": 405, "body": "{}"}
"""

ECHO = """
import json
def handler(event, context):
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(event)}
"""

MALFORMED = """
def handler(event, context):
    kind = (event.get("queryStringParameters") or {}).get("kind")
    if kind == "dict-body":
        return {"statusCode": 200, "body": {"not": "a string"}}
    if kind == "extra":
        return {"statusCode": 200, "body": "", "unexpected": 1}
    if kind == "raise":
        raise ValueError("boom")
    return "just a string"
"""


def test_lambda_backed_crud_api(apigw: Any, lam: Any, http: Any) -> None:
    arn = function(lam, "crud", CRUD)
    api_id, _ = new_api(apigw)
    proxy(apigw, api_id, "/items", arn)
    proxy(apigw, api_id, "/items/{id}", arn)
    deploy(apigw, api_id)
    created = http(api_id, "dev", "/items/a1", method="PUT", body={"name": "apple"},
                   headers={"Content-Type": "application/json"})
    assert created.status == 201
    assert created.headers["location"] == "/items/a1"
    assert http(api_id, "dev", "/items/a1").json() == {"name": "apple"}
    listing = http(api_id, "dev", "/items")
    assert listing.json() == ["a1"]
    assert listing.headers["x-count"] == "1"
    assert http(api_id, "dev", "/items/a1", method="DELETE").status == 204
    missing = http(api_id, "dev", "/items/a1")
    assert missing.status == 404
    assert missing.json() == {"error": "no such item"}


def test_proxy_event_has_the_version_1_shape(apigw: Any, lam: Any, http: Any) -> None:
    arn = function(lam, "echo", ECHO)
    api_id, _ = new_api(apigw, binaryMediaTypes=["image/png"])
    proxy(apigw, api_id, "/things/{id}", arn)
    deployment = deploy(apigw, api_id, variables={"color": "blue"})
    answer = http(api_id, "dev", "/things/42?a=1&a=2&b=x", method="POST", body=b'{"k": 1}',
                  headers={"Content-Type": "application/json", "X-Amzn-Trace-Id": "Root=1-abc-def"})
    assert answer.status == 200
    event = answer.json()
    assert event["resource"] == "/things/{id}"
    assert event["path"] == "/things/42"
    assert event["httpMethod"] == "POST"
    assert event["pathParameters"] == {"id": "42"}
    assert event["queryStringParameters"] == {"a": "2", "b": "x"}
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"], "b": ["x"]}
    assert event["stageVariables"] == {"color": "blue"}
    assert event["headers"]["Content-Type"] == "application/json"
    assert event["headers"]["X-Amzn-Trace-Id"] == "Root=1-abc-def"
    assert event["multiValueHeaders"]["Content-Type"] == ["application/json"]
    assert event["body"] == '{"k": 1}'
    assert event["isBase64Encoded"] is False
    ctx = event["requestContext"]
    assert ctx["stage"] == "dev"
    assert ctx["apiId"] == api_id
    assert ctx["resourcePath"] == "/things/{id}"
    assert ctx["httpMethod"] == "POST"
    assert ctx["path"] == "/dev/things/42"
    assert ctx["requestId"] == answer.headers["x-amzn-requestid"]
    assert ctx["identity"]["sourceIp"] == "127.0.0.1"
    assert ctx["deploymentId"] == deployment
    assert ctx["accountId"] == "000000000000"
    assert ctx["requestTimeEpoch"] // 1000 == int(ctx["requestTimeEpoch"] / 1000)
    assert event["headers"]["X-Forwarded-For"] == "127.0.0.1"
    assert event["headers"]["X-Forwarded-Proto"] == "http"
    assert event["headers"]["X-Forwarded-Port"] == event["headers"]["Host"].rsplit(":", 1)[1]
    assert answer.headers["x-amzn-trace-id"] == "Root=1-abc-def"
    png = http(api_id, "dev", "/things/1", method="POST", body=b"\x89PNG\x00\xff", headers={"Content-Type": "image/png"})
    event = png.json()
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\x89PNG\x00\xff"


def raw_call(gw: Any, path: str, headers: list[tuple[str, str]], source: str = "127.0.0.1") -> Any:
    """One HTTP request sent from ``source`` with ``headers`` exactly as listed (repeats kept)."""
    port = int(gw.endpoint.rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(source, 0))
    try:
        conn.putrequest("GET", path)
        for name, value in headers:
            conn.putheader(name, value)
        conn.endheaders()
        answer = conn.getresponse()
        assert answer.status == 200, answer.read()
        return json.loads(answer.read())
    finally:
        conn.close()


def test_repeated_headers_and_the_client_address_reach_the_event(gw: Any, apigw: Any, lam: Any) -> None:
    arn = function(lam, "echo", ECHO)
    api_id, _ = new_api(apigw)
    proxy(apigw, api_id, "/e", arn)
    deploy(apigw, api_id)
    # Every 127/8 address is local on Linux, so a second source address shows where sourceIp comes from.
    event = raw_call(gw, f"/restapis/{api_id}/dev/_user_request_/e?t=1&t=2&t=&u=x",
                     [("X-Thing", "a"), ("X-Other", "o"), ("X-Thing", "b"), ("X-Forwarded-For", "203.0.113.9")],
                     source="127.0.0.2")
    assert event["multiValueHeaders"]["X-Thing"] == ["a", "b"]
    assert event["headers"]["X-Thing"] == "b"
    assert event["multiValueHeaders"]["X-Other"] == ["o"]
    assert event["headers"]["X-Forwarded-For"] == "203.0.113.9, 127.0.0.2"
    assert event["multiValueHeaders"]["X-Forwarded-For"] == ["203.0.113.9, 127.0.0.2"]
    assert event["multiValueQueryStringParameters"] == {"t": ["1", "2", ""], "u": ["x"]}
    assert event["queryStringParameters"] == {"t": "", "u": "x"}
    assert event["requestContext"]["identity"]["sourceIp"] == "127.0.0.2"
    plain = raw_call(gw, f"/restapis/{api_id}/dev/_user_request_/e", [("X-Thing", "only")])
    assert plain["multiValueHeaders"]["X-Thing"] == ["only"]
    assert plain["headers"]["X-Forwarded-For"] == "127.0.0.1"
    assert plain["requestContext"]["identity"]["sourceIp"] == "127.0.0.1"
    assert plain["multiValueQueryStringParameters"] is None


def test_malformed_proxy_responses_are_502(apigw: Any, lam: Any, http: Any) -> None:
    arn = function(lam, "malformed", MALFORMED)
    api_id, _ = new_api(apigw)
    proxy(apigw, api_id, "/m", arn)
    deploy(apigw, api_id)
    for kind in ("string", "dict-body", "extra", "raise"):
        answer = http(api_id, "dev", f"/m?kind={kind}")
        assert answer.status == 502, kind
        assert answer.body == b'{"message": "Internal server error"}'


def test_unknown_function_is_an_internal_server_error(apigw: Any, http: Any) -> None:
    api_id, _ = new_api(apigw)
    proxy(apigw, api_id, "/x", "arn:aws:lambda:us-east-1:000000000000:function:nowhere")
    deploy(apigw, api_id)
    answer = http(api_id, "dev", "/x")
    assert answer.status == 500
    assert answer.json() == {"message": "Internal server error"}


RESHAPE = """
def handler(event, context):
    if event.get("fail"):
        raise Exception("NotFound: no order " + str(event["order"]))
    return {"order": event["order"], "total": event["qty"] * 3, "user": event["user"]}
"""


def test_vtl_templates_reshape_a_non_proxy_lambda(apigw: Any, lam: Any, http: Any) -> None:
    arn = function(lam, "reshape", RESHAPE)
    api_id, _ = new_api(apigw)
    rid = resource(apigw, api_id, "/orders/{id}")
    apigw.put_method(restApiId=api_id, resourceId=rid, httpMethod="POST", authorizationType="NONE")
    template = """#set($body = $input.path('$'))
{"order": "$input.params('id')", "qty": $body.quantity, "user": "$util.escapeJavaScript($input.params('X-User'))",
 "fail": #if($body.fail)true#{else}false#end}"""
    apigw.put_integration(restApiId=api_id, resourceId=rid, httpMethod="POST", type="AWS", integrationHttpMethod="POST",
                          uri=lambda_uri(arn), requestTemplates={"application/json": template})
    for code in ("200", "404"):
        apigw.put_method_response(restApiId=api_id, resourceId=rid, httpMethod="POST", statusCode=code)
    apigw.put_integration_response(restApiId=api_id, resourceId=rid, httpMethod="POST", statusCode="200",
                                   responseTemplates={"application/json": '{"id": "$input.path(\'$.order\')", "total": $input.json(\'$.total\'), "stage": "$context.stage"}'})
    apigw.put_integration_response(restApiId=api_id, resourceId=rid, httpMethod="POST", statusCode="404",
                                   selectionPattern="NotFound:.*",
                                   responseTemplates={"application/json": '{"error": "$input.path(\'$.errorMessage\')"}'})
    deploy(apigw, api_id)
    answer = http(api_id, "dev", "/orders/o-7", method="POST", body={"quantity": 4},
                  headers={"Content-Type": "application/json", "X-User": 'ann "a"'})
    assert answer.status == 200
    assert answer.json() == {"id": "o-7", "total": 12, "stage": "dev"}
    failed = http(api_id, "dev", "/orders/o-9", method="POST", body={"quantity": 1, "fail": True},
                  headers={"Content-Type": "application/json", "X-User": "bob"})
    assert failed.status == 404
    assert failed.json() == {"error": "NotFound: no order o-9"}


SLOW = """
import time
def handler(event, context):
    time.sleep(3)
    return {"statusCode": 200, "body": "late"}
"""


def test_integration_timeout_is_504(apigw: Any, lam: Any, http: Any) -> None:
    arn = function(lam, "slow", SLOW)
    api_id, _ = new_api(apigw)
    rid = proxy(apigw, api_id, "/slow", arn)
    apigw.update_integration(restApiId=api_id, resourceId=rid, httpMethod="ANY",
                             patchOperations=[{"op": "replace", "path": "/timeoutInMillis", "value": "100"}])
    deploy(apigw, api_id)
    answer = http(api_id, "dev", "/slow")
    assert answer.status == 504
    assert answer.body == b'{"message": "Endpoint request timed out"}'
    assert answer.headers["x-amzn-errortype"] == "InternalServerErrorException"


def test_stage_variables_choose_the_function(apigw: Any, lam: Any, http: Any) -> None:
    function(lam, "echo-a", ECHO)
    api_id, _ = new_api(apigw)
    rid = resource(apigw, api_id, "/v")
    apigw.put_method(restApiId=api_id, resourceId=rid, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=api_id, resourceId=rid, httpMethod="GET", type="AWS_PROXY", integrationHttpMethod="POST",
                          uri=lambda_uri("arn:aws:lambda:us-east-1:000000000000:function:${stageVariables.fn}"))
    deploy(apigw, api_id, variables={"fn": "echo-a"})
    answer = http(api_id, "dev", "/v")
    assert answer.status == 200
    assert json.loads(answer.body)["stageVariables"] == {"fn": "echo-a"}


SUM = """
def handler(event, context):
    if not event["numbers"]:
        raise Exception("nothing to add")
    return {"sum": sum(event["numbers"]), "query": event["query"]}
"""


def test_non_proxy_lambda_error_pattern_catches_failures_only(apigw: Any, lam: Any, http: Any) -> None:
    arn = function(lam, "sum", SUM)
    api_id, _ = new_api(apigw)
    rid = resource(apigw, api_id, "/sum")
    apigw.put_method(restApiId=api_id, resourceId=rid, httpMethod="POST", authorizationType="NONE")
    template = """#set($numbers = $util.parseJson($input.json('$.csv')))
{"numbers": [#foreach($n in $numbers.split(","))#if($n != "")$n#if($foreach.hasNext),#end#end#end],
 "query": {#foreach($name in $input.params().querystring.keySet())"$name": "$util.escapeJavaScript($input.params($name))"#if($foreach.hasNext),#end#end}}"""
    apigw.put_integration(restApiId=api_id, resourceId=rid, httpMethod="POST", type="AWS", integrationHttpMethod="POST",
                          uri=lambda_uri(arn), requestTemplates={"application/json": template})
    for code in ("200", "400"):
        apigw.put_method_response(restApiId=api_id, resourceId=rid, httpMethod="POST", statusCode=code)
    apigw.put_integration_response(restApiId=api_id, resourceId=rid, httpMethod="POST", statusCode="200",
                                   responseTemplates={"application/json": "$input.json('$')"})
    # the catch-all error pattern of many templates: it must not catch a successful call
    apigw.put_integration_response(restApiId=api_id, resourceId=rid, httpMethod="POST", statusCode="400",
                                   selectionPattern=".+",
                                   responseTemplates={"application/json": '{"error": "$input.path(\'$.errorMessage\')"}'})
    deploy(apigw, api_id)
    json_type = {"Content-Type": "application/json"}
    ok = http(api_id, "dev", "/sum?a=1&b=x%22y", method="POST", body={"csv": "1,2,3"}, headers=json_type)
    assert ok.status == 200
    assert ok.json() == {"sum": 6, "query": {"a": "1", "b": 'x"y'}}
    failed = http(api_id, "dev", "/sum", method="POST", body={"csv": ""}, headers=json_type)
    assert failed.status == 400
    assert failed.json() == {"error": "nothing to add"}

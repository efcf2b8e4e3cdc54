"""Function URLs called over plain HTTP: payload format 2.0 in, the function's answer out."""

from __future__ import annotations

import base64
import http.client
import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tests.services.lambda_.helpers import create

HTTP_PY = """
import json, base64
def handler(event, context):
    if event["rawPath"] == "/plain":
        return {"just": "data"}
    if event["rawPath"] == "/boom":
        raise ValueError("no")
    body = event.get("body")
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).hex()
    return {
        "statusCode": 201,
        "headers": {"content-type": "application/json", "x-seen-method": event["requestContext"]["http"]["method"]},
        "cookies": ["a=1", "b=2"],
        "body": json.dumps({"path": event["rawPath"], "query": event.get("queryStringParameters"),
                            "body": body, "version": event["version"], "cookies": event.get("cookies"),
                            "routeKey": event["routeKey"], "accept": event["headers"].get("accept")}),
    }
"""


def call(url: str, path: str, method: str = "GET", body: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """Send to fogbank's port with the function URL's Host header (no *.localhost resolving needed)."""
    parts = urlsplit(url)
    req = urllib.request.Request(f"http://127.0.0.1:{parts.port}{path}", data=body, method=method,
                                 headers={"Host": parts.netloc, **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def make(lam: Any, auth: str = "NONE", **kwargs: Any) -> str:
    create(lam, "web", {"app.py": HTTP_PY})
    return lam.create_function_url_config(FunctionName="web", AuthType=auth, **kwargs)["FunctionUrl"]


def test_url_form_points_at_fogbank(lam: Any, fogbank: Any) -> None:
    url = make(lam)
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.hostname.endswith(".lambda-url.us-east-1.localhost")
    assert str(parts.port) == fogbank.endpoint.rsplit(":", 1)[1]
    assert lam.get_function_url_config(FunctionName="web")["FunctionUrl"] == url


def test_request_and_response_mapping(lam: Any) -> None:
    url = make(lam)
    status, headers, body = call(url, "/items/7?a=1&a=2&b=x", "POST", b'{"k": "v"}',
                                 {"Content-Type": "application/json", "Cookie": "c=3; d=4", "Accept": "text/plain"})
    assert status == 201
    assert headers["x-seen-method"] == "POST"
    seen = json.loads(body)
    assert seen["path"] == "/items/7"
    assert seen["query"] == {"a": "1,2", "b": "x"}
    assert seen["body"] == '{"k": "v"}'
    assert (seen["version"], seen["routeKey"]) == ("2.0", "$default")
    assert seen["cookies"] == ["c=3", "d=4"]
    assert seen["accept"] == "text/plain"


def test_binary_body_is_base64(lam: Any) -> None:
    url = make(lam)
    status, _, body = call(url, "/bin", "PUT", bytes([0, 255, 1]), {"Content-Type": "application/octet-stream"})
    assert status == 201
    assert json.loads(body)["body"] == "00ff01"


def test_plain_result_is_200_json(lam: Any) -> None:
    url = make(lam)
    status, headers, body = call(url, "/plain")
    assert status == 200 and headers["content-type"] == "application/json"
    assert json.loads(body) == {"just": "data"}


def test_function_error_is_502(lam: Any) -> None:
    url = make(lam)
    status, _, body = call(url, "/boom")
    assert status == 502
    assert json.loads(body) == {"Message": "Internal Server Error"}


def test_aws_iam_auth_needs_a_signature(lam: Any) -> None:
    url = make(lam, auth="AWS_IAM")
    status, _, body = call(url, "/plain")
    assert status == 403 and json.loads(body) == {"Message": "Forbidden"}
    fake_sig = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=0"
    status, _, _ = call(url, "/plain", headers={"Authorization": fake_sig})
    assert status == 200


def test_unknown_or_deleted_url_is_forbidden(lam: Any) -> None:
    url = make(lam)
    lam.delete_function_url_config(FunctionName="web")
    status, _, body = call(url, "/plain")
    assert status == 403 and json.loads(body) == {"Message": "Forbidden"}


def test_path_form_for_clients_without_localhost_names(lam: Any, fogbank: Any) -> None:
    url_id = urlsplit(make(lam)).hostname.split(".", 1)[0]
    with urllib.request.urlopen(f"{fogbank.endpoint}/_fogbank/lambda-url/{url_id}/plain", timeout=60) as resp:
        assert json.loads(resp.read()) == {"just": "data"}


def test_cors_preflight_and_headers(lam: Any) -> None:
    url = make(lam, Cors={"AllowOrigins": ["https://app.example"], "AllowMethods": ["GET", "POST"], "MaxAge": 60})
    status, headers, _ = call(url, "/x", "OPTIONS", headers={"Origin": "https://app.example",
                                                             "Access-Control-Request-Method": "POST"})
    assert status == 200
    assert headers["access-control-allow-origin"] == "https://app.example"
    assert headers["access-control-max-age"] == "60"
    status, headers, _ = call(url, "/plain", headers={"Origin": "https://app.example"})
    assert status == 200 and headers["access-control-allow-origin"] == "https://app.example"
    status, headers, _ = call(url, "/plain", headers={"Origin": "https://evil.example"})
    assert status == 200 and "access-control-allow-origin" not in headers


def test_base64_response_body(lam: Any) -> None:
    code = 'import base64\ndef handler(e, c):\n    return {"statusCode": 200, "isBase64Encoded": True, "body": base64.b64encode(bytes([1,2,3])).decode(), "headers": {"content-type": "application/octet-stream"}}\n'
    create(lam, "bin", {"app.py": code})
    url = lam.create_function_url_config(FunctionName="bin", AuthType="NONE")["FunctionUrl"]
    status, headers, body = call(url, "/")
    assert (status, headers["content-type"], body) == (200, "application/octet-stream", bytes([1, 2, 3]))
    assert base64.b64encode(body) == b"AQID"


def test_repeated_headers_are_comma_joined_and_source_ip_is_the_client(lam: Any) -> None:
    code = 'import json\ndef handler(e, c):\n    return {"statusCode": 200, "body": json.dumps(e)}\n'
    create(lam, "echo", {"app.py": code})
    parts = urlsplit(lam.create_function_url_config(FunctionName="echo", AuthType="NONE")["FunctionUrl"])
    # Every 127/8 address is local on Linux, so a second source address shows where sourceIp comes from.
    conn = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=60, source_address=("127.0.0.2", 0))
    try:
        conn.putrequest("GET", "/e?q=1&q=2", skip_host=True)
        for name, value in [("Host", parts.netloc), ("X-Thing", "a"), ("Cookie", "c=1"), ("X-Thing", "b"),
                            ("Cookie", "d=2; e=3")]:
            conn.putheader(name, value)
        conn.endheaders()
        answer = conn.getresponse()
        assert answer.status == 200
        event = json.loads(answer.read())
    finally:
        conn.close()
    assert event["headers"]["x-thing"] == "a,b"
    assert "cookie" not in event["headers"]
    assert event["cookies"] == ["c=1", "d=2", "e=3"]
    assert event["queryStringParameters"] == {"q": "1,2"}
    assert event["requestContext"]["http"]["sourceIp"] == "127.0.0.2"
    _, _, body = call(urlunsplit(parts), "/e")
    assert json.loads(body)["requestContext"]["http"]["sourceIp"] == "127.0.0.1"

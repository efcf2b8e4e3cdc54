"""HTTP and HTTP_PROXY integrations to a local HTTP server, over plain HTTP."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.services.apigateway.helpers import deploy, new_api, resource


class _Backend(BaseHTTPRequestHandler):
    release: threading.Event

    def _answer(self) -> None:
        if self.path.startswith("/hold"):
            self.release.wait(10)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        status = 418 if "teapot" in self.path else 200
        payload = json.dumps({"method": self.command, "path": self.path, "body": body,
                              "headers": {k.lower(): v for k, v in self.headers.items()}}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Backend", "yes")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, *args: Any) -> None:
        """Quiet."""


class _Quiet(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (the gateway's timeout) is expected here."""


@pytest.fixture
def backend() -> Iterator[tuple[str, threading.Event]]:
    release = threading.Event()
    handler = type("Handler", (_Backend,), {"release": release})
    server = _Quiet(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", release
    release.set()
    server.shutdown()
    server.server_close()


def test_http_proxy_forwards_everything(apigw: Any, http: Any, backend: tuple[str, threading.Event]) -> None:
    url, _ = backend
    api_id, _ = new_api(apigw)
    rid = resource(apigw, api_id, "/api/{proxy+}")
    apigw.put_method(restApiId=api_id, resourceId=rid, httpMethod="ANY", authorizationType="NONE",
                     requestParameters={"method.request.path.proxy": True})
    apigw.put_integration(restApiId=api_id, resourceId=rid, httpMethod="ANY", type="HTTP_PROXY", integrationHttpMethod="ANY",
                          uri=url + "/backend/{proxy}", requestParameters={"integration.request.path.proxy": "method.request.path.proxy"})
    deploy(apigw, api_id)
    answer = http(api_id, "dev", "/api/a/b?x=1&x=2", method="PUT", body=b"payload", headers={"X-Custom": "c"})
    assert answer.status == 200
    assert answer.headers["x-backend"] == "yes"
    echoed = answer.json()
    assert echoed["method"] == "PUT"
    assert echoed["path"] == "/backend/a/b?x=1&x=2"
    assert echoed["body"] == "payload"
    assert echoed["headers"]["x-custom"] == "c"
    teapot = http(api_id, "dev", "/api/teapot")
    assert teapot.status == 418


def test_http_integration_maps_parameters_and_selects_by_status(apigw: Any, http: Any, backend: tuple[str, threading.Event]) -> None:
    url, _ = backend
    api_id, _ = new_api(apigw)
    rid = resource(apigw, api_id, "/items/{id}")
    apigw.put_method(restApiId=api_id, resourceId=rid, httpMethod="POST", authorizationType="NONE")
    apigw.put_integration(restApiId=api_id, resourceId=rid, httpMethod="POST", type="HTTP", integrationHttpMethod="POST",
                          uri=url + "/store/{item}",
                          requestParameters={"integration.request.path.item": "method.request.path.id",
                                             "integration.request.header.X-Stage": "stageVariables.name",
                                             "integration.request.querystring.src": "'gateway'"},
                          requestTemplates={"application/json": '{"wrapped": $input.json(\'$\')}'})
    for code in ("200", "400"):
        apigw.put_method_response(restApiId=api_id, resourceId=rid, httpMethod="POST", statusCode=code,
                                  responseParameters={"method.response.header.X-From": False})
    apigw.put_integration_response(restApiId=api_id, resourceId=rid, httpMethod="POST", statusCode="200",
                                   responseParameters={"method.response.header.X-From": "integration.response.header.X-Backend"},
                                   responseTemplates={"application/json": '{"seen": $input.json(\'$.path\'), "body": $input.json(\'$.body\'), "stage": "$input.path(\'$.headers\').get(\'x-stage\')"}'})
    apigw.put_integration_response(restApiId=api_id, resourceId=rid, httpMethod="POST", statusCode="400",
                                   selectionPattern="4\\d{2}", responseTemplates={"application/json": '{"failed": true}'})
    deploy(apigw, api_id, variables={"name": "blue"})
    answer = http(api_id, "dev", "/items/7", method="POST", body={"k": 1}, headers={"Content-Type": "application/json"})
    assert answer.status == 200
    assert answer.headers["x-from"] == "yes"
    assert answer.json() == {"seen": "/store/7?src=gateway", "body": '{"wrapped": {"k":1}}', "stage": "blue"}
    teapot = http(api_id, "dev", "/items/teapot", method="POST", body={}, headers={"Content-Type": "application/json"})
    assert teapot.status == 400
    assert teapot.json() == {"failed": True}


def test_http_timeout_and_unreachable_backend(apigw: Any, http: Any, backend: tuple[str, threading.Event]) -> None:
    url, release = backend
    api_id, _ = new_api(apigw)
    for path, target in (("/hold", url + "/hold"), ("/down", "http://127.0.0.1:9/nothing")):
        rid = resource(apigw, api_id, path)
        apigw.put_method(restApiId=api_id, resourceId=rid, httpMethod="GET", authorizationType="NONE")
        apigw.put_integration(restApiId=api_id, resourceId=rid, httpMethod="GET", type="HTTP_PROXY",
                              integrationHttpMethod="GET", uri=target, timeoutInMillis=200)
    deploy(apigw, api_id)
    held = http(api_id, "dev", "/hold")
    release.set()
    assert held.status == 504
    assert held.body == b'{"message": "Endpoint request timed out"}'
    down = http(api_id, "dev", "/down")
    assert down.status == 502
    assert down.json() == {"message": "Internal server error"}

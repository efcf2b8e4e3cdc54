"""Function URLs served over HTTP: ``http://<url-id>.lambda-url.<region>.localhost:<port>/...``
(and ``/_fogbank/lambda-url/<url-id>/...`` for clients that cannot resolve ``*.localhost``).

A request becomes a payload format 2.0 event, the function runs through the ordinary Invoke
path, and its answer is read the way AWS reads it: an object with ``statusCode`` describes the
HTTP response; anything else is returned as a 200 JSON body.
"""

from __future__ import annotations

import base64
import json
import re
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote

from fogbank.errors import ServiceError
from fogbank.protocol.base import HttpRequest, HttpResponse
from fogbank.server.admin import LAMBDA_URL_PREFIX
from fogbank.services.lambda_ import configs
from fogbank.services.lambda_ import store as lambda_store

if TYPE_CHECKING:
    from fogbank.server.app import App

_HOST = re.compile(r"^(?P<id>[a-z0-9]+)\.lambda-url\.(?P<region>[a-z0-9-]+)\.")
PATH_PREFIX = LAMBDA_URL_PREFIX
_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript", "application/x-www-form-urlencoded")


def _json(status: int, payload: Any, headers: list[tuple[str, str]] | None = None) -> HttpResponse:
    return HttpResponse(status, [("Content-Type", "application/json"), *(headers or [])], json.dumps(payload).encode())


def match(req: HttpRequest) -> tuple[str, str] | None:
    """(url id, path inside the function URL) when ``req`` is for a function URL, else None."""
    m = _HOST.match(req.host)
    if m:
        return m.group("id"), req.path
    if req.path.startswith(PATH_PREFIX):
        url_id, _, rest = req.path[len(PATH_PREFIX):].partition("/")
        return url_id, "/" + rest
    return None


async def handle(app: App, req: HttpRequest) -> HttpResponse | None:
    """Answer a function URL request, or None when ``req`` is not one."""
    found = match(req)
    if found is None:
        return None
    url_id, path = found
    raw = app.store.get(configs.url_index_key(url_id))
    if raw is None:
        return _json(403, {"Message": "Forbidden"})
    where = json.loads(raw)
    ctx = app.background_ctx("lambda", where["account"], where["region"])
    ctx.host = req.host
    target = lambda_store.get(ctx, "url", url_id)
    record = lambda_store.get(ctx, "function", target["function"]) if target else None
    config = ((record or {}).get("urls") or {}).get(target.get("qualifier") or "$LATEST") if target else None
    if config is None:
        return _json(403, {"Message": "Forbidden"})
    cors = _cors_headers(config.get("Cors") or {}, req)
    if req.method == "OPTIONS" and "access-control-request-method" in req.headers:
        return HttpResponse(200 if cors else 403, cors)
    if config.get("AuthType") == "AWS_IAM" and not _signed(req):
        return _json(403, {"Message": "Forbidden"}, cors)
    event = event_for(req, path, url_id, where["account"], where["region"], ctx.request_id, ctx.clock.now())
    params: dict[str, Any] = {"FunctionName": target["function"], "Payload": json.dumps(event).encode()}
    if target.get("qualifier"):
        params["Qualifier"] = target["qualifier"]
    try:
        result = ctx.call("lambda", "Invoke", params)
        if hasattr(result, "__await__"):
            result = await result
    except ServiceError as err:
        status = 429 if err.status == 429 else 502
        return _json(status, {"Message": "Too Many Requests" if status == 429 else "Internal Server Error"}, cors)
    if result.get("FunctionError"):
        return _json(502, {"Message": "Internal Server Error"}, cors)
    response = response_from(result.get("Payload") or b"")
    for name, value in cors:
        response.set_header(name, value)
    response.set_header("x-amzn-RequestId", ctx.request_id)
    return response


def _signed(req: HttpRequest) -> bool:
    # Signatures are checked by the security layer when it is enabled; here a SigV4 request is enough.
    return req.headers.get("authorization", "").startswith("AWS4-") or "X-Amz-Signature" in req.query


def event_for(req: HttpRequest, path: str, url_id: str, account: str, region: str, request_id: str, now: float) -> dict[str, Any]:
    """The payload format 2.0 event AWS sends a function for an HTTP request to its URL."""
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in req.header_list:
        if name == "cookie":
            cookies.extend(c.strip() for c in value.split(";") if c.strip())
        else:
            # Payload 2.0 folds a repeated header into one comma-separated value.
            headers[name] = f"{headers[name]},{value}" if name in headers else value
    query: dict[str, str] = {}
    for key, value in parse_qsl(req.query_string, keep_blank_values=True):
        query[key] = f"{query[key]},{value}" if key in query else value
    body = req.body
    is_text = any(req.content_type.startswith(t) for t in _TEXT_TYPES) or not body
    try:
        text = body.decode("utf-8") if is_text else None
    except UnicodeDecodeError:
        text = None
    domain = req.host.split(":", 1)[0]
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": unquote(path),
        "rawQueryString": req.query_string,
        "headers": headers,
        "requestContext": {
            "accountId": "anonymous",
            "apiId": url_id,
            "domainName": domain,
            "domainPrefix": url_id,
            "http": {
                "method": req.method,
                "path": unquote(path),
                "protocol": "HTTP/1.1",
                "sourceIp": req.peer,
                "userAgent": req.headers.get("user-agent", ""),
            },
            "requestId": request_id,
            "routeKey": "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": text is None,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = query
    if body:
        event["body"] = text if text is not None else base64.b64encode(body).decode()
    return event


def response_from(payload: bytes) -> HttpResponse:
    """The HTTP response a function's result describes (payload format 2.0 rules)."""
    try:
        result = json.loads(payload) if payload else None
    except ValueError:
        return HttpResponse(200, [("Content-Type", "application/json")], payload)
    if not isinstance(result, dict) or "statusCode" not in result:
        return HttpResponse(200, [("Content-Type", "application/json")], json.dumps(result).encode())
    try:
        status = int(result["statusCode"])
    except (TypeError, ValueError):
        return _json(502, {"Message": "Internal Server Error"})
    headers = [(str(k), str(v)) for k, v in (result.get("headers") or {}).items()]
    headers += [("Set-Cookie", str(c)) for c in result.get("cookies") or []]
    body = result.get("body")
    if body is None:
        data = b""
    elif result.get("isBase64Encoded"):
        try:
            data = base64.b64decode(body)
        except ValueError:
            return _json(502, {"Message": "Internal Server Error"})
    else:
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
    if not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", "application/json"))
    return HttpResponse(status, headers, data)


def _cors_headers(cors: dict[str, Any], req: HttpRequest) -> list[tuple[str, str]]:
    origin = req.headers.get("origin")
    if not cors or not origin:
        return []
    allowed = cors.get("AllowOrigins") or []
    if "*" not in allowed and origin not in allowed:
        return []
    out = [("Access-Control-Allow-Origin", "*" if "*" in allowed and not cors.get("AllowCredentials") else origin)]
    if cors.get("AllowCredentials"):
        out.append(("Access-Control-Allow-Credentials", "true"))
    if cors.get("AllowMethods"):
        out.append(("Access-Control-Allow-Methods", ",".join(cors["AllowMethods"])))
    if cors.get("AllowHeaders"):
        out.append(("Access-Control-Allow-Headers", ",".join(cors["AllowHeaders"])))
    if cors.get("ExposeHeaders"):
        out.append(("Access-Control-Expose-Headers", ",".join(cors["ExposeHeaders"])))
    if cors.get("MaxAge") is not None:
        out.append(("Access-Control-Max-Age", str(cors["MaxAge"])))
    return out

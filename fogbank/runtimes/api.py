"""The Lambda Runtime API of one execution environment (``/2018-06-01/runtime/...``).

Served on the environment's own loopback port (see the package docstring). Paths and headers are
AWS's: ``invocation/next`` long-polls for the next event and answers it with the
``Lambda-Runtime-*`` headers; ``invocation/{id}/response`` and ``/error`` finish it;
``init/error`` reports a failed initialisation.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from fogbank.runtimes.httpserver import Request, Response

if TYPE_CHECKING:
    from fogbank.runtimes.environment import Environment

PREFIX = "/2018-06-01/runtime/"
# AWS refuses a synchronous response above 6 MB (6,291,556 bytes).
MAX_RESPONSE = 6 * 1024 * 1024 + 100


def _json(status: int, body: dict) -> Response:
    return Response(status, json.dumps(body).encode())


def _accepted() -> Response:
    return _json(202, {"status": "OK"})


async def handle(env: Environment, req: Request) -> Response:
    """Answer one Runtime API request from the process of ``env``."""
    if not req.path.startswith(PREFIX):
        return _json(404, {"errorMessage": "not found", "errorType": "InvalidRequest"})
    rest = req.path[len(PREFIX):].strip("/").split("/")
    if rest == ["invocation", "next"] and req.method == "GET":
        inv = await env.next_invocation()
        if inv is None:
            # the environment is shutting down: the runtime should not get another event
            return _json(500, {"errorMessage": "environment is shutting down", "errorType": "Runtime.ShuttingDown"})
        return Response(200, inv.payload, inv.headers())
    if rest == ["init", "error"] and req.method == "POST":
        env.init_failed(_error_body(req, "Runtime.Unknown"))
        return _accepted()
    if len(rest) == 3 and rest[0] == "invocation" and req.method == "POST" and rest[2] in ("response", "error"):
        request_id = rest[1]
        current = env.current
        if current is None or current.request_id != request_id or current.result.done():
            return _json(400, {"errorMessage": "Invalid request ID", "errorType": "InvalidRequestID"})
        if rest[2] == "response":
            if len(req.body) > MAX_RESPONSE:
                env.finish(current, "error", json.dumps({
                    "errorMessage": f"Response payload size ({len(req.body)} bytes) exceeded maximum allowed payload size (6291556 bytes).",
                    "errorType": "Function.ResponseSizeTooLarge",
                }).encode())
                return _json(413, {"errorMessage": "Payload Too Large", "errorType": "RequestEntityTooLarge"})
            env.finish(current, "ok", req.body)
        else:
            env.finish(current, "error", _error_body(req, "Runtime.Unknown"))
        return _accepted()
    return _json(404, {"errorMessage": f"no such resource {req.path}", "errorType": "InvalidRequest"})


def _error_body(req: Request, default_type: str) -> bytes:
    """The error document a runtime posted, made into AWS's JSON shape when it is not one."""
    try:
        doc = json.loads(req.body or b"{}")
    except ValueError:
        doc = None
    if isinstance(doc, dict) and ("errorMessage" in doc or "errorType" in doc):
        return json.dumps(doc).encode()
    error_type = req.headers.get("lambda-runtime-function-error-type") or default_type
    message = req.body.decode("utf-8", "replace") if req.body else ""
    return json.dumps({"errorMessage": message, "errorType": error_type}).encode()

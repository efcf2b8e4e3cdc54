"""fogbank's own endpoints under ``/_fogbank/``, plus the health and reset endpoints of the local
clouds people arrive from (``/_localstack/health``, ``/moto-api/reset``), in those tools' shapes.

    GET  /_fogbank/health            version, uptime, data dir, clock, each service's availability
    POST /_fogbank/reset[?service=]  forget all state, or one service's
    GET  /_fogbank/clock             the clock's time and offset
    POST /_fogbank/clock             {"advance": seconds} moves it forward, waking every waiter
    GET  /_fogbank/coverage          implemented vs modelled operations per service
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from fogbank.protocol.base import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from fogbank.server.app import App

PREFIXES = ("/_fogbank/", "/_localstack/", "/moto-api/")
# function URLs by path, for clients that cannot resolve ``*.localhost`` (services/lambda_/urls.py)
LAMBDA_URL_PREFIX = "/_fogbank/lambda-url/"


def _json(status: int, payload: Any) -> HttpResponse:
    return HttpResponse(status, [("Content-Type", "application/json")], json.dumps(payload).encode())


def failure(req: HttpRequest) -> HttpResponse:
    """The answer when an admin endpoint itself failed."""
    return _json(500, {"error": f"{req.method} {req.path} failed; see fogbank's log"})


def _not_found(req: HttpRequest) -> HttpResponse:
    return _json(404, {"error": f"no admin endpoint {req.method} {req.path}"})


async def handle(app: App, req: HttpRequest) -> HttpResponse:
    """Answer an admin request."""
    path = req.path.rstrip("/")
    if path in ("/_fogbank/health", "/_localstack/health", "/_localstack/health/ready") and req.method in ("GET", "HEAD"):
        health = app.health()
        if path.startswith("/_localstack"):
            return _json(200, {
                "services": {name: "available" if state == "available" else "disabled"
                             for name, state in health["services"].items()},
                "edition": "community",
                "version": health["version"],
            })
        return _json(200, health)
    if path in ("/_fogbank/reset", "/moto-api/reset", "/_localstack/state/reset") and req.method == "POST":
        service = (req.query.get("service") or [None])[0]
        if service is not None and service not in app.router.catalog.services:
            return _json(400, {"error": f"unknown service {service!r}"})
        reset = app.reset(service)
        if path == "/moto-api/reset":
            return _json(200, {"status": "ok"})
        return _json(200, {"reset": reset})
    if path == "/_fogbank/clock":
        return _clock(app, req)
    if path == "/_fogbank/coverage" and req.method == "GET":
        from fogbank.coverage import coverage

        return _json(200, coverage())
    return _not_found(req)


def _clock(app: App, req: HttpRequest) -> HttpResponse:
    if req.method == "GET":
        return _json(200, {"now": app.clock.now(), "offset_seconds": app.clock.offset})
    if req.method != "POST":
        return _not_found(req)
    try:
        body = json.loads(req.body or b"{}")
        seconds = float(body["advance"])
    except (ValueError, KeyError, TypeError):
        return _json(400, {"error": 'send {"advance": <seconds>}'})
    if not seconds >= 0 or seconds == float("inf"):
        return _json(400, {"error": "the clock only moves forward by a finite number of seconds"})
    now = app.clock.advance(seconds)
    return _json(200, {"now": now, "offset_seconds": app.clock.offset})

"""API Gateway's own CloudWatch metrics (``AWS/ApiGateway``) for REST API stages, as AWS
publishes them: Count, 4XXError and 5XXError (0 or 1 per request, so the Average is the error
rate), Latency and IntegrationLatency (Milliseconds) per ``ApiName`` and per ``ApiName`` +
``Stage``; with detailed metrics on (the stage's ``*/*`` or the method's ``metricsEnabled``) also
per ``ApiName`` + ``Method`` + ``Resource`` + ``Stage``. One ``publish_many`` per request.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from fogbank import metrics
from fogbank.context import Ctx
from fogbank.services.apigateway.dataplane.call import Call

NAMESPACE = "AWS/ApiGateway"


def _detailed(call: Call) -> bool:
    settings = call.stage.get("methodSettings") or {}
    path = (call.resource.get("path") or "/").lstrip("/")
    own = settings.get(f"{path}/{call.req.method}")
    chosen = own if own is not None else settings.get("*/*")
    return bool(chosen and chosen.get("metricsEnabled"))


def request(ctx: Ctx, call: Call, api_name: str, status: int) -> None:
    """Record one answered request of a stage."""
    latency = (time.perf_counter() - call.started) * 1000.0
    sets: list[Mapping[str, str]] = [{"ApiName": api_name}, {"ApiName": api_name, "Stage": call.stage_name}]
    if call.resource and _detailed(call):
        sets.append({"ApiName": api_name, "Method": call.req.method, "Resource": call.resource.get("path") or "/",
                     "Stage": call.stage_name})
    items: list[metrics.Metric] = []
    for dims in sets:
        items += [
            ("Count", 1.0, "Count", dims),
            ("4XXError", 1.0 if 400 <= status < 500 else 0.0, "Count", dims),
            ("5XXError", 1.0 if status >= 500 else 0.0, "Count", dims),
            ("Latency", latency, "Milliseconds", dims),
        ]
        if call.integration_ms is not None:
            items.append(("IntegrationLatency", call.integration_ms, "Milliseconds", dims))
    metrics.publish_many(ctx, NAMESPACE, items)

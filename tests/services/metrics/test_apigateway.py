"""AWS/ApiGateway metrics of REST API stages: Count, 4XXError, 5XXError, Latency and
IntegrationLatency per API and stage, and per method and resource with detailed metrics on."""

from __future__ import annotations

from typing import Any

from tests.services.apigateway.helpers import deploy, mock, new_api

NS = "AWS/ApiGateway"


def test_counts_errors_and_latency_per_api_and_stage(apigw: Any, http: Any, stat: Any, minute: Any) -> None:
    api_id, _ = new_api(apigw, name="shop")
    mock(apigw, api_id, "/pets", template='{"pets": []}')
    mock(apigw, api_id, "/gone", status="500", template='{"x": 1}')
    deploy(apigw, api_id)
    minute()
    assert http(api_id, "dev", "/pets").status == 200
    assert http(api_id, "dev", "/pets").status == 200
    assert http(api_id, "dev", "/nowhere").status == 403  # no such resource: a gateway 4XX
    api = {"ApiName": "shop"}
    staged = {**api, "Stage": "dev"}
    for dims in (api, staged):
        assert stat(NS, "Count", dims) == (3.0, "Count")
        assert stat(NS, "4XXError", dims) == (1.0, "Count")
        assert stat(NS, "5XXError", dims) == (0.0, "Count")
        assert stat(NS, "Latency", dims, "SampleCount") == (3.0, "Milliseconds")
        # only requests that reached an integration have an integration latency
        assert stat(NS, "IntegrationLatency", dims, "SampleCount") == (2.0, "Milliseconds")
    # without detailed metrics there is no per-method series
    assert stat(NS, "Count", {**staged, "Method": "GET", "Resource": "/pets"}) == (None, None)


def test_detailed_metrics_per_method_and_resource(apigw: Any, http: Any, stat: Any, minute: Any) -> None:
    api_id, _ = new_api(apigw, name="detail")
    mock(apigw, api_id, "/pets", template='{"pets": []}')
    deploy(apigw, api_id)
    apigw.update_stage(restApiId=api_id, stageName="dev",
                       patchOperations=[{"op": "replace", "path": "/*/*/metrics/enabled", "value": "true"}])
    minute()
    http(api_id, "dev", "/pets")
    dims = {"ApiName": "detail", "Method": "GET", "Resource": "/pets", "Stage": "dev"}
    assert stat(NS, "Count", dims) == (1.0, "Count")
    assert stat(NS, "4XXError", dims) == (0.0, "Count")

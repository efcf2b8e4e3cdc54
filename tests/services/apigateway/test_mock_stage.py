"""Deployed stages with MOCK integrations over plain HTTP: routing, both URL forms, gateway errors."""

from __future__ import annotations

from typing import Any

from tests.services.apigateway.helpers import deploy, mock, new_api, resource


def test_mock_method_answers_on_both_invoke_url_forms(apigw: Any, http: Any) -> None:
    api_id, _ = new_api(apigw)
    mock(apigw, api_id, "/pets", template='{"pets": []}', headers={"X-Kind": "'mock'"})
    deploy(apigw, api_id)
    for host_form in (False, True):
        answer = http(api_id, "dev", "/pets", host_form=host_form)
        assert answer.status == 200
        assert answer.json() == {"pets": []}
        assert answer.headers["x-kind"] == "mock"
        assert answer.headers["content-type"] == "application/json"
        assert answer.headers["x-amzn-requestid"]


def test_unknown_path_method_and_stage_are_missing_authentication_token(apigw: Any, http: Any) -> None:
    api_id, _ = new_api(apigw)
    mock(apigw, api_id, "/pets")
    deploy(apigw, api_id)
    for stage, path, method in (("dev", "/cats", "GET"), ("dev", "/pets", "POST"), ("prod", "/pets", "GET")):
        answer = http(api_id, stage, path, method=method)
        assert answer.status == 403
        assert answer.body == b'{"message":"Missing Authentication Token"}'
        assert answer.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"


def test_stage_serves_its_deployment_not_later_changes(apigw: Any, http: Any) -> None:
    api_id, _ = new_api(apigw)
    mock(apigw, api_id, "/v", template='{"v": 1}')
    deploy(apigw, api_id)
    rid = resource(apigw, api_id, "/v")
    apigw.update_integration_response(restApiId=api_id, resourceId=rid, httpMethod="GET", statusCode="200",
                                      patchOperations=[{"op": "replace", "path": "/responseTemplates/application~1json",
                                                        "value": '{"v": 2}'}])
    assert http(api_id, "dev", "/v").json() == {"v": 1}
    deploy(apigw, api_id)
    assert http(api_id, "dev", "/v").json() == {"v": 2}


def test_path_parameters_greedy_paths_and_any(apigw: Any, http: Any) -> None:
    api_id, _ = new_api(apigw)
    mock(apigw, api_id, "/pets/{id}", template='{"id": "$input.params(\'id\')", "q": "$input.params(\'q\')"}')
    mock(apigw, api_id, "/files/{path+}", method="ANY", template='{"path": "$input.params(\'path\')", "m": "$context.httpMethod"}')
    mock(apigw, api_id, "/pets/special", template='{"special": true}')
    deploy(apigw, api_id)
    assert http(api_id, "dev", "/pets/7?q=x").json() == {"id": "7", "q": "x"}
    assert http(api_id, "dev", "/pets/special").json() == {"special": True}
    assert http(api_id, "dev", "/files/a/b/c.txt", method="DELETE").json() == {"path": "a/b/c.txt", "m": "DELETE"}


def test_mock_status_selects_integration_response(apigw: Any, http: Any) -> None:
    api_id, _ = new_api(apigw)
    mock(apigw, api_id, "/gone", status="410", template='{"gone": true}')
    deploy(apigw, api_id)
    answer = http(api_id, "dev", "/gone")
    assert answer.status == 410
    assert answer.json() == {"gone": True}


def test_cors_preflight_through_a_mock_options_method(apigw: Any, http: Any) -> None:
    api_id, _ = new_api(apigw)
    mock(apigw, api_id, "/items", method="OPTIONS", template="", headers={
        "Access-Control-Allow-Origin": "'*'",
        "Access-Control-Allow-Methods": "'GET,OPTIONS'",
        "Access-Control-Allow-Headers": "'Content-Type,X-Api-Key'",
    })
    deploy(apigw, api_id)
    answer = http(api_id, "dev", "/items", method="OPTIONS", headers={"Origin": "http://example.com"})
    assert answer.status == 200
    assert answer.headers["access-control-allow-origin"] == "*"
    assert answer.headers["access-control-allow-methods"] == "GET,OPTIONS"
    assert answer.body == b""


def test_deleted_api_stops_serving(apigw: Any, http: Any) -> None:
    api_id, _ = new_api(apigw)
    mock(apigw, api_id, "/x")
    deploy(apigw, api_id)
    assert http(api_id, "dev", "/x").status == 200
    apigw.delete_rest_api(restApiId=api_id)
    assert http(api_id, "dev", "/x").status == 403

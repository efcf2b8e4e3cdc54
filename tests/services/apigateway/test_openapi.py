"""ImportRestApi, PutRestApi and GetExport with OpenAPI 2 and 3 and the x-amazon-apigateway-* extensions."""

from __future__ import annotations

import json
from typing import Any

import yaml

from tests.services.apigateway.helpers import deploy, error_of

OAS3 = {
    "openapi": "3.0.1",
    "info": {"title": "pets", "version": "1.0"},
    "x-amazon-apigateway-binary-media-types": ["image/png"],
    "x-amazon-apigateway-request-validators": {"all": {"validateRequestBody": True, "validateRequestParameters": True}},
    "x-amazon-apigateway-gateway-responses": {"MISSING_AUTHENTICATION_TOKEN": {
        "statusCode": 404, "responseTemplates": {"application/json": '{"msg": "nothing here"}'}}},
    "paths": {
        "/pets/{id}": {
            "get": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                               {"name": "verbose", "in": "query", "required": True, "schema": {"type": "string"}}],
                "x-amazon-apigateway-request-validator": "all",
                "responses": {"200": {"description": "ok", "headers": {"X-Id": {"schema": {"type": "string"}}}}},
                "security": [{"api_key": []}],
                "x-amazon-apigateway-integration": {
                    "type": "mock", "requestTemplates": {"application/json": '{"statusCode": 200}'},
                    "responses": {"default": {"statusCode": "200",
                                              "responseParameters": {"method.response.header.X-Id": "method.request.path.id"},
                                              "responseTemplates": {"application/json": '{"id": "$input.params(\'id\')"}'}}},
                },
            },
        },
    },
    "components": {
        "schemas": {"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}},
        "securitySchemes": {"api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"}},
    },
}


def test_import_oas3_serves_as_described(apigw: Any, http: Any) -> None:
    api = apigw.import_rest_api(body=json.dumps(OAS3).encode())
    assert api["name"] == "pets"
    assert api["binaryMediaTypes"] == ["image/png"]
    resources = {r["path"]: r for r in apigw.get_resources(restApiId=api["id"], embed=["methods"])["items"]}
    method = resources["/pets/{id}"]["resourceMethods"]["GET"]
    assert method["apiKeyRequired"] is True
    assert method["requestParameters"] == {"method.request.path.id": True, "method.request.querystring.verbose": True}
    assert method["methodIntegration"]["type"] == "MOCK"
    assert apigw.get_model(restApiId=api["id"], modelName="Pet")["contentType"] == "application/json"
    apigw.update_method(restApiId=api["id"], resourceId=resources["/pets/{id}"]["id"], httpMethod="GET",
                        patchOperations=[{"op": "replace", "path": "/apiKeyRequired", "value": "false"}])
    deploy(apigw, api["id"])
    answer = http(api["id"], "dev", "/pets/9?verbose=1")
    assert answer.status == 200
    assert answer.json() == {"id": "9"}
    assert answer.headers["x-id"] == "9"
    assert http(api["id"], "dev", "/pets/9").status == 400
    nothing = http(api["id"], "dev", "/cats")
    assert nothing.status == 404
    assert nothing.json() == {"msg": "nothing here"}


def test_export_round_trips_through_import(apigw: Any) -> None:
    api = apigw.import_rest_api(body=yaml.safe_dump(OAS3).encode())
    deploy(apigw, api["id"])
    exported = apigw.get_export(restApiId=api["id"], stageName="dev", exportType="oas30",
                                parameters={"extensions": "apigateway"}, accepts="application/json")
    assert exported["contentType"] == "application/json"
    spec = json.loads(exported["body"].read())
    assert spec["openapi"].startswith("3.0")
    operation = spec["paths"]["/pets/{id}"]["get"]
    assert operation["x-amazon-apigateway-integration"]["type"] == "mock"
    assert operation["security"] == [{"api_key": []}]
    assert spec["x-amazon-apigateway-binary-media-types"] == ["image/png"]
    again = apigw.import_rest_api(body=json.dumps(spec).encode())
    paths = {r["path"] for r in apigw.get_resources(restApiId=again["id"])["items"]}
    assert paths == {"/", "/pets", "/pets/{id}"}
    swagger = apigw.get_export(restApiId=api["id"], stageName="dev", exportType="swagger", accepts="application/yaml")
    document = yaml.safe_load(swagger["body"].read())
    assert document["swagger"] == "2.0"
    assert document["basePath"] == "/dev"
    assert "x-amazon-apigateway-integration" not in document["paths"]["/pets/{id}"]["get"]


def test_put_rest_api_overwrites_or_merges(apigw: Any) -> None:
    api = apigw.import_rest_api(body=json.dumps(OAS3).encode())
    extra = {"swagger": "2.0", "info": {"title": "pets", "version": "2"}, "paths": {"/health": {"get": {
        "responses": {"200": {"description": "ok"}},
        "x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": '{"statusCode": 200}'},
                                            "responses": {"default": {"statusCode": "200"}}}}}}}
    apigw.put_rest_api(restApiId=api["id"], mode="merge", body=json.dumps(extra).encode())
    assert {r["path"] for r in apigw.get_resources(restApiId=api["id"])["items"]} == {"/", "/pets", "/pets/{id}", "/health"}
    apigw.put_rest_api(restApiId=api["id"], mode="overwrite", body=json.dumps(extra).encode())
    assert {r["path"] for r in apigw.get_resources(restApiId=api["id"])["items"]} == {"/", "/health"}


def test_import_failures(apigw: Any) -> None:
    assert error_of(apigw.import_rest_api, body=b"not a definition: [")[:2] == ("BadRequestException", 400)
    assert error_of(apigw.import_rest_api, body=json.dumps({"openapi": "3.0.1", "info": {"title": "t"}, "paths": {"/x": {"get": {
        "x-amazon-apigateway-integration": {"type": "http", "httpMethod": "GET", "uri": "not-a-url"}}}}}).encode())[:2] == (
        "BadRequestException", 400)
    no_integration = json.dumps({"openapi": "3.0.1", "info": {"title": "t"}, "paths": {"/x": {"get": {"responses": {}}}}}).encode()
    assert error_of(apigw.import_rest_api, body=no_integration, failOnWarnings=True)[:2] == ("BadRequestException", 400)
    assert apigw.get_rest_apis()["items"] == []
    warned = apigw.import_rest_api(body=no_integration)
    assert warned["warnings"]
    assert error_of(apigw.get_export, restApiId=warned["id"], stageName="nope", exportType="oas30")[:2] == ("NotFoundException", 404)


SWAGGER_WITH_MODELS = {
    "swagger": "2.0",
    "info": {"title": "orders", "version": "1"},
    "x-amazon-apigateway-request-validators": {"body": {"validateRequestBody": True, "validateRequestParameters": False}},
    "definitions": {
        "Line": {"type": "object", "required": ["sku"], "properties": {"sku": {"type": "string"}}},
        "Order": {"type": "object", "required": ["lines"],
                  "properties": {"lines": {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/Line"}}}},
    },
    "paths": {"/orders": {"post": {
        "consumes": ["application/json"],
        "parameters": [{"in": "body", "name": "Order", "required": True, "schema": {"$ref": "#/definitions/Order"}}],
        "x-amazon-apigateway-request-validator": "body",
        "responses": {"200": {"description": "ok"}},
        "x-amazon-apigateway-integration": {
            "type": "mock", "requestTemplates": {"application/json": '{"statusCode": 200}'},
            "responses": {"default": {"statusCode": "200", "responseTemplates": {"application/json": '{"ok": true}'}}}},
    }}},
}


def test_body_models_validate_after_import_and_round_trip(apigw: Any, http: Any) -> None:
    api_id = apigw.import_rest_api(body=json.dumps(SWAGGER_WITH_MODELS).encode())["id"]
    orders = next(r for r in apigw.get_resources(restApiId=api_id)["items"] if r["path"] == "/orders")
    assert apigw.get_method(restApiId=api_id, resourceId=orders["id"], httpMethod="POST")["requestModels"] == {
        "application/json": "Order"}
    deploy(apigw, api_id)
    json_type = {"Content-Type": "application/json"}
    bad = http(api_id, "dev", "/orders", method="POST", body={"lines": [{"qty": 1}]}, headers=json_type)
    assert bad.status == 400
    assert bad.json() == {"message": "Invalid request body"}
    assert http(api_id, "dev", "/orders", method="POST", body={"lines": [{"sku": "a"}]}, headers=json_type).status == 200
    exported = json.loads(apigw.get_export(restApiId=api_id, stageName="dev", exportType="oas30",
                                           parameters={"extensions": "apigateway"})["body"].read())
    operation = exported["paths"]["/orders"]["post"]
    assert operation["requestBody"]["content"] == {"application/json": {"schema": {"$ref": "#/components/schemas/Order"}}}
    assert operation["x-amazon-apigateway-request-validator"] == "body"
    assert exported["components"]["schemas"]["Order"]["properties"]["lines"]["items"] == {"$ref": "#/components/schemas/Line"}
    copy = apigw.import_rest_api(body=json.dumps(exported).encode())["id"]
    deploy(apigw, copy)
    assert http(copy, "dev", "/orders", method="POST", body={"lines": []}, headers=json_type).status == 400
    assert http(copy, "dev", "/orders", method="POST", body={"lines": [{"sku": "b"}]}, headers=json_type).status == 200

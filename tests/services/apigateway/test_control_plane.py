"""The apigateway control plane through boto3: resources, methods, integrations, stages, keys,
plans, patches, tags, domain names, and their failure paths."""

from __future__ import annotations

from typing import Any

from tests.services.apigateway.helpers import deploy, error_of, mock, new_api, resource


def test_rest_api_lifecycle_and_patches(apigw: Any) -> None:
    api = apigw.create_rest_api(name="shop", description="d", tags={"team": "a"})
    assert api["apiKeySource"] == "HEADER"
    assert api["endpointConfiguration"] == {"types": ["EDGE"]}
    updated = apigw.update_rest_api(restApiId=api["id"], patchOperations=[
        {"op": "replace", "path": "/name", "value": "store"},
        {"op": "add", "path": "/binaryMediaTypes/image~1png"},
        {"op": "replace", "path": "/minimumCompressionSize", "value": "1024"},
    ])
    assert updated["name"] == "store"
    assert updated["binaryMediaTypes"] == ["image/png"]
    assert updated["minimumCompressionSize"] == 1024
    removed = apigw.update_rest_api(restApiId=api["id"], patchOperations=[{"op": "remove", "path": "/binaryMediaTypes/image~1png"}])
    assert removed.get("binaryMediaTypes", []) == []
    assert error_of(apigw.update_rest_api, restApiId=api["id"], patchOperations=[{"op": "replace", "path": "/id", "value": "x"}])[:2] == ("BadRequestException", 400)
    assert error_of(apigw.update_rest_api, restApiId=api["id"], patchOperations=[{"op": "replace", "path": "/apiKeySource", "value": "NOPE"}])[:2] == ("BadRequestException", 400)
    assert apigw.get_rest_api(restApiId=api["id"])["name"] == "store"  # the failed patches changed nothing
    assert [a["id"] for a in apigw.get_rest_apis()["items"]] == [api["id"]]
    apigw.delete_rest_api(restApiId=api["id"])
    assert error_of(apigw.get_rest_api, restApiId=api["id"]) == ("NotFoundException", 404, "Invalid API identifier specified")
    assert error_of(apigw.delete_rest_api, restApiId=api["id"])[:2] == ("NotFoundException", 404)


def test_resources_and_their_rules(apigw: Any) -> None:
    api_id, root = new_api(apigw)
    pets = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="pets")
    pet = apigw.create_resource(restApiId=api_id, parentId=pets["id"], pathPart="{id}")
    assert pet["path"] == "/pets/{id}"
    assert error_of(apigw.create_resource, restApiId=api_id, parentId=root, pathPart="pets") == (
        "ConflictException", 409, "Another resource with the same parent already has this name: pets")
    assert error_of(apigw.create_resource, restApiId=api_id, parentId=pets["id"], pathPart="{other}")[:2] == ("BadRequestException", 400)
    assert error_of(apigw.create_resource, restApiId=api_id, parentId="nope", pathPart="x")[:2] == ("NotFoundException", 404)
    assert error_of(apigw.create_resource, restApiId=api_id, parentId=root, pathPart="a b")[:2] == ("BadRequestException", 400)
    greedy = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="{proxy+}")
    assert error_of(apigw.create_resource, restApiId=api_id, parentId=greedy["id"], pathPart="x")[:2] == ("BadRequestException", 400)
    moved = apigw.update_resource(restApiId=api_id, resourceId=pets["id"], patchOperations=[{"op": "replace", "path": "/pathPart", "value": "animals"}])
    assert moved["path"] == "/animals"
    assert apigw.get_resource(restApiId=api_id, resourceId=pet["id"])["path"] == "/animals/{id}"
    apigw.delete_resource(restApiId=api_id, resourceId=pets["id"])
    assert error_of(apigw.get_resource, restApiId=api_id, resourceId=pet["id"])[:2] == ("NotFoundException", 404)
    paths = [r["path"] for r in apigw.get_resources(restApiId=api_id)["items"]]
    assert paths == ["/", "/{proxy+}"]


def test_methods_integrations_and_responses(apigw: Any) -> None:
    api_id, root = new_api(apigw)
    rid = resource(apigw, api_id, "/x")
    apigw.put_method(restApiId=api_id, resourceId=rid, httpMethod="GET", authorizationType="NONE",
                     requestParameters={"method.request.querystring.q": False})
    assert error_of(apigw.put_method, restApiId=api_id, resourceId=rid, httpMethod="GET", authorizationType="NONE")[:2] == ("ConflictException", 409)
    assert error_of(apigw.put_method, restApiId=api_id, resourceId=rid, httpMethod="FETCH", authorizationType="NONE")[:2] == ("BadRequestException", 400)
    assert error_of(apigw.put_method, restApiId=api_id, resourceId=rid, httpMethod="POST", authorizationType="CUSTOM",
                    authorizerId="nope")[:2] == ("BadRequestException", 400)
    assert error_of(apigw.get_integration, restApiId=api_id, resourceId=rid, httpMethod="GET")[:2] == ("NotFoundException", 404)
    assert error_of(apigw.put_integration, restApiId=api_id, resourceId=rid, httpMethod="GET", type="HTTP",
                    integrationHttpMethod="GET", uri="http://x", timeoutInMillis=30000) == (
        "BadRequestException", 400, "Timeout should be between 50 ms and 29000 ms")
    assert error_of(apigw.put_integration, restApiId=api_id, resourceId=rid, httpMethod="GET", type="HTTP",
                    uri="http://x")[:2] == ("BadRequestException", 400)
    integration = apigw.put_integration(restApiId=api_id, resourceId=rid, httpMethod="GET", type="HTTP",
                                        integrationHttpMethod="GET", uri="http://127.0.0.1:1/x")
    assert integration["timeoutInMillis"] == 29000
    assert integration["passthroughBehavior"] == "WHEN_NO_MATCH"
    assert error_of(apigw.put_integration_response, restApiId=api_id, resourceId=rid, httpMethod="GET", statusCode="200")[:2] == (
        "NotFoundException", 404)
    apigw.put_method_response(restApiId=api_id, resourceId=rid, httpMethod="GET", statusCode="200")
    apigw.put_integration_response(restApiId=api_id, resourceId=rid, httpMethod="GET", statusCode="200", selectionPattern="2\\d{2}")
    method = apigw.update_method(restApiId=api_id, resourceId=rid, httpMethod="GET", patchOperations=[
        {"op": "add", "path": "/requestParameters/method.request.header.X-Id", "value": "true"},
        {"op": "replace", "path": "/apiKeyRequired", "value": "true"},
    ])
    assert method["requestParameters"] == {"method.request.querystring.q": False, "method.request.header.X-Id": True}
    assert method["apiKeyRequired"] is True
    assert method["methodIntegration"]["integrationResponses"]["200"]["selectionPattern"] == "2\\d{2}"
    apigw.update_integration(restApiId=api_id, resourceId=rid, httpMethod="GET", patchOperations=[
        {"op": "add", "path": "/requestTemplates/application~1json", "value": "{}"}])
    assert apigw.get_integration(restApiId=api_id, resourceId=rid, httpMethod="GET")["requestTemplates"] == {"application/json": "{}"}
    apigw.delete_method(restApiId=api_id, resourceId=rid, httpMethod="GET")
    assert error_of(apigw.get_method, restApiId=api_id, resourceId=rid, httpMethod="GET")[:2] == ("NotFoundException", 404)


def test_deployments_and_stages(apigw: Any) -> None:
    api_id, _ = new_api(apigw)
    assert error_of(apigw.create_deployment, restApiId=api_id, stageName="dev") == (
        "BadRequestException", 400, "The REST API doesn't contain any methods")
    rid = resource(apigw, api_id, "/x")
    apigw.put_method(restApiId=api_id, resourceId=rid, httpMethod="GET", authorizationType="NONE")
    assert error_of(apigw.create_deployment, restApiId=api_id, stageName="dev") == (
        "BadRequestException", 400, "No integration defined for method")
    apigw.delete_method(restApiId=api_id, resourceId=rid, httpMethod="GET")
    mock(apigw, api_id, "/x")
    first = deploy(apigw, api_id, variables={"a": "1"})
    assert apigw.get_stage(restApiId=api_id, stageName="dev")["deploymentId"] == first
    second = apigw.create_deployment(restApiId=api_id, description="v2")["id"]
    apigw.create_stage(restApiId=api_id, stageName="prod", deploymentId=second, tags={"env": "prod"})
    assert error_of(apigw.create_stage, restApiId=api_id, stageName="prod", deploymentId=second)[:2] == ("ConflictException", 409)
    assert error_of(apigw.create_stage, restApiId=api_id, stageName="qa", deploymentId="nope")[:2] == ("NotFoundException", 404)
    assert error_of(apigw.delete_deployment, restApiId=api_id, deploymentId=second)[:2] == ("BadRequestException", 400)
    stage = apigw.update_stage(restApiId=api_id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/deploymentId", "value": second},
        {"op": "remove", "path": "/variables/a"},
        {"op": "replace", "path": "/~1x/GET/logging/loglevel", "value": "INFO"},
        {"op": "replace", "path": "/tracingEnabled", "value": "true"},
    ])
    assert stage["deploymentId"] == second
    assert stage.get("variables", {}) == {}
    assert stage["methodSettings"]["x/GET"]["loggingLevel"] == "INFO"
    assert stage["tracingEnabled"] is True
    apigw.delete_deployment(restApiId=api_id, deploymentId=first)
    assert [d["id"] for d in apigw.get_deployments(restApiId=api_id)["items"]] == [second]
    assert sorted(s["stageName"] for s in apigw.get_stages(restApiId=api_id)["item"]) == ["dev", "prod"]
    apigw.delete_stage(restApiId=api_id, stageName="prod")
    assert error_of(apigw.get_stage, restApiId=api_id, stageName="prod")[:2] == ("NotFoundException", 404)


def test_authorizers_validators_models_and_gateway_responses(apigw: Any) -> None:
    api_id, _ = new_api(apigw)
    uri = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:f/invocations"
    authorizer = apigw.create_authorizer(restApiId=api_id, name="a", type="TOKEN", authorizerUri=uri,
                                         identitySource="method.request.header.Authorization")
    assert authorizer["authorizerResultTtlInSeconds"] == 300
    assert error_of(apigw.create_authorizer, restApiId=api_id, name="b", type="TOKEN", authorizerUri=uri,
                    identitySource="method.request.querystring.t")[:2] == ("BadRequestException", 400)
    assert error_of(apigw.create_authorizer, restApiId=api_id, name="c", type="TOKEN", authorizerUri=uri,
                    identitySource="method.request.header.A", authorizerResultTtlInSeconds=4000)[:2] == ("BadRequestException", 400)
    mock(apigw, api_id, "/guarded", authorizationType="CUSTOM", authorizerId=authorizer["id"])
    assert error_of(apigw.delete_authorizer, restApiId=api_id, authorizerId=authorizer["id"])[:2] == ("ConflictException", 409)
    updated = apigw.update_authorizer(restApiId=api_id, authorizerId=authorizer["id"], patchOperations=[
        {"op": "replace", "path": "/authorizerResultTtlInSeconds", "value": "0"}])
    assert updated["authorizerResultTtlInSeconds"] == 0
    model = apigw.create_model(restApiId=api_id, name="Pet", contentType="application/json", schema='{"type":"object","properties":{"name":{"type":"string"}}}')
    assert error_of(apigw.create_model, restApiId=api_id, name="Pet", contentType="application/json")[:2] == ("ConflictException", 409)
    assert error_of(apigw.create_model, restApiId=api_id, name="Bad", contentType="application/json", schema="{")[:2] == ("BadRequestException", 400)
    assert apigw.get_model(restApiId=api_id, modelName="Pet")["id"] == model["id"]
    assert '"name" : "$inputRoot.name"' in apigw.get_model_template(restApiId=api_id, modelName="Pet")["value"]
    validator = apigw.create_request_validator(restApiId=api_id, name="v", validateRequestBody=True)
    assert apigw.get_request_validators(restApiId=api_id)["items"] == [{**{k: v for k, v in validator.items() if k != "ResponseMetadata"}}]
    default = apigw.get_gateway_response(restApiId=api_id, responseType="THROTTLED")
    assert default["statusCode"] == "429" and default["defaultResponse"] is True
    apigw.put_gateway_response(restApiId=api_id, responseType="THROTTLED", statusCode="503")
    assert apigw.get_gateway_response(restApiId=api_id, responseType="THROTTLED")["defaultResponse"] is False
    assert len(apigw.get_gateway_responses(restApiId=api_id, limit=500)["items"]) == 21
    assert error_of(apigw.get_gateway_response, restApiId=api_id, responseType="NOPE")[:2] in (
        ("BadRequestException", 400), ("ValidationException", 400))


def test_api_keys_usage_plans_and_tags(apigw: Any) -> None:
    api_id, _ = new_api(apigw)
    mock(apigw, api_id, "/x")
    deploy(apigw, api_id)
    key = apigw.create_api_key(name="k", value="a" * 30, stageKeys=[{"restApiId": api_id, "stageName": "dev"}])
    assert key["enabled"] is False
    assert key["stageKeys"] == [f"{api_id}/dev"]
    assert error_of(apigw.create_api_key, name="dup", value="a" * 30)[:2] == ("ConflictException", 409)
    assert error_of(apigw.create_api_key, name="short", value="short")[:2] == ("BadRequestException", 400)
    assert "value" not in apigw.get_api_key(apiKey=key["id"])
    assert apigw.get_api_key(apiKey=key["id"], includeValue=True)["value"] == "a" * 30
    assert error_of(apigw.create_usage_plan, name="p", apiStages=[{"apiId": api_id, "stage": "nope"}])[:2] == ("NotFoundException", 404)
    plan = apigw.create_usage_plan(name="p", throttle={"rateLimit": 10, "burstLimit": 20})
    plan = apigw.update_usage_plan(usagePlanId=plan["id"], patchOperations=[
        {"op": "add", "path": "/apiStages", "value": f"{api_id}:dev"},
        {"op": "replace", "path": "/throttle/rateLimit", "value": "5"},
        {"op": "replace", "path": "/quota/limit", "value": "100"},
        {"op": "replace", "path": "/quota/period", "value": "MONTH"},
    ])
    assert plan["apiStages"] == [{"apiId": api_id, "stage": "dev"}]
    assert plan["throttle"] == {"rateLimit": 5.0, "burstLimit": 20}
    assert plan["quota"] == {"limit": 100, "period": "MONTH"}
    apigw.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
    assert error_of(apigw.create_usage_plan_key, usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")[:2] == ("ConflictException", 409)
    assert error_of(apigw.create_usage_plan_key, usagePlanId=plan["id"], keyId="nope", keyType="API_KEY")[:2] == ("NotFoundException", 404)
    assert [k["id"] for k in apigw.get_usage_plan_keys(usagePlanId=plan["id"])["items"]] == [key["id"]]
    assert [p["id"] for p in apigw.get_usage_plans(keyId=key["id"])["items"]] == [plan["id"]]
    arn = f"arn:aws:apigateway:us-east-1::/restapis/{api_id}"
    apigw.tag_resource(resourceArn=arn, tags={"a": "1", "b": "2"})
    apigw.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert apigw.get_tags(resourceArn=arn)["tags"] == {"b": "2"}
    stage_arn = f"{arn}/stages/dev"
    apigw.tag_resource(resourceArn=stage_arn, tags={"s": "1"})
    assert apigw.get_stage(restApiId=api_id, stageName="dev")["tags"] == {"s": "1"}
    apigw.delete_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"])
    apigw.delete_api_key(apiKey=key["id"])
    assert error_of(apigw.get_api_key, apiKey=key["id"])[:2] == ("NotFoundException", 404)
    apigw.delete_usage_plan(usagePlanId=plan["id"])
    assert error_of(apigw.get_usage_plan, usagePlanId=plan["id"])[:2] == ("NotFoundException", 404)


def test_domain_names_and_base_path_mappings(apigw: Any) -> None:
    api_id, _ = new_api(apigw)
    mock(apigw, api_id, "/x")
    deploy(apigw, api_id)
    domain = apigw.create_domain_name(domainName="api.example.com", regionalCertificateArn="arn:aws:acm:us-east-1:000000000000:certificate/x",
                                      endpointConfiguration={"types": ["REGIONAL"]})
    assert domain["regionalDomainName"].endswith(".execute-api.us-east-1.amazonaws.com")
    assert error_of(apigw.create_domain_name, domainName="api.example.com")[:2] == ("ConflictException", 409)
    apigw.create_base_path_mapping(domainName="api.example.com", restApiId=api_id, stage="dev", basePath="v1")
    assert error_of(apigw.create_base_path_mapping, domainName="api.example.com", restApiId=api_id, basePath="v1")[:2] == ("ConflictException", 409)
    assert error_of(apigw.create_base_path_mapping, domainName="api.example.com", restApiId=api_id, stage="nope", basePath="v2")[:2] == ("BadRequestException", 400)
    assert apigw.get_base_path_mappings(domainName="api.example.com")["items"] == [{"basePath": "v1", "restApiId": api_id, "stage": "dev"}]
    apigw.delete_domain_name(domainName="api.example.com")
    assert error_of(apigw.get_domain_name, domainName="api.example.com")[:2] == ("NotFoundException", 404)


def test_pagination_of_rest_apis(apigw: Any) -> None:
    ids = [new_api(apigw, name=f"api{i}")[0] for i in range(5)]
    first = apigw.get_rest_apis(limit=2)
    assert len(first["items"]) == 2 and first["position"]
    seen = [a["id"] for a in first["items"]]
    position = first["position"]
    while position:
        page = apigw.get_rest_apis(limit=2, position=position)
        seen += [a["id"] for a in page["items"]]
        position = page.get("position")
    assert seen == ids
    paginated = [a["id"] for page in apigw.get_paginator("get_rest_apis").paginate(PaginationConfig={"PageSize": 2}) for a in page["items"]]
    assert paginated == ids

"""Who may call a stage: Lambda TOKEN and REQUEST authorizers (with result caching on the clock),
API keys with usage plan throttles and quotas, stage throttling, gateway responses."""

from __future__ import annotations

from typing import Any

from tests.services.apigateway.helpers import deploy, function, lambda_uri, mock, new_api, resource

TOKEN_AUTHORIZER = """
import json
CALLS = [0]
def handler(event, context):
    CALLS[0] += 1
    token = event["authorizationToken"]
    if token == "broken":
        raise Exception("kaput")
    if token == "reject":
        raise Exception("Unauthorized")
    base = event["methodArn"].rsplit("/", 2)[0]
    effect = "Deny" if token == "deny" else "Allow"
    return {
        "principalId": "user-" + token,
        "policyDocument": {"Version": "2012-10-17", "Statement": [
            {"Action": "execute-api:Invoke", "Effect": effect, "Resource": base + "/GET/open*"},
            {"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": base + "/GET/secret"},
        ]},
        "context": {"calls": CALLS[0], "tier": "gold"},
    }
"""

REQUEST_AUTHORIZER = """
CALLS = [0]
def handler(event, context):
    CALLS[0] += 1
    ok = event["headers"].get("X-Team") == "blue" and event["queryStringParameters"].get("pass") == "yes"
    return {
        "principalId": "team",
        "policyDocument": {"Version": "2012-10-17", "Statement": [
            {"Action": "execute-api:Invoke", "Effect": "Allow" if ok else "Deny", "Resource": event["methodArn"]}]},
        "context": {"calls": CALLS[0]},
    }
"""

CONTEXT_TEMPLATE = '{"principal": "$context.authorizer.principalId", "calls": "$context.authorizer.calls"}'


def test_token_authorizer_allows_some_paths_and_denies_others(apigw: Any, lam: Any, http: Any) -> None:
    arn = function(lam, "token-auth", TOKEN_AUTHORIZER)
    api_id, _ = new_api(apigw)
    authorizer = apigw.create_authorizer(restApiId=api_id, name="tok", type="TOKEN", authorizerUri=lambda_uri(arn),
                                         identitySource="method.request.header.Authorization",
                                         identityValidationExpression="^[a-z]+$",
                                         authorizerResultTtlInSeconds=0)["id"]
    for path in ("/open", "/secret", "/other"):
        mock(apigw, api_id, path, template=CONTEXT_TEMPLATE, authorizationType="CUSTOM", authorizerId=authorizer)
    deploy(apigw, api_id)
    allowed = http(api_id, "dev", "/open", headers={"Authorization": "alice"})
    assert allowed.status == 200
    assert allowed.json()["principal"] == "user-alice"
    denied = http(api_id, "dev", "/secret", headers={"Authorization": "alice"})
    assert denied.status == 403
    assert denied.body == b'{"Message":"User is not authorized to access this resource with an explicit deny"}'
    assert denied.headers["x-amzn-errortype"] == "AccessDeniedException"
    unlisted = http(api_id, "dev", "/other", headers={"Authorization": "alice"})
    assert unlisted.status == 403
    assert unlisted.json() == {"Message": "User is not authorized to access this resource"}
    assert http(api_id, "dev", "/open", headers={"Authorization": "deny"}).status == 403
    missing = http(api_id, "dev", "/open")
    assert missing.status == 401
    assert missing.body == b'{"message":"Unauthorized"}'
    assert http(api_id, "dev", "/open", headers={"Authorization": "Not-Matching-123"}).status == 401
    assert http(api_id, "dev", "/open", headers={"Authorization": "reject"}).status == 401
    broken = http(api_id, "dev", "/open", headers={"Authorization": "broken"})
    assert broken.status == 500
    assert broken.headers["x-amzn-errortype"] == "AuthorizerConfigurationException"


def test_request_authorizer_caches_by_identity_until_ttl(apigw: Any, lam: Any, http: Any, gw: Any) -> None:
    arn = function(lam, "request-auth", REQUEST_AUTHORIZER)
    api_id, _ = new_api(apigw)
    authorizer = apigw.create_authorizer(
        restApiId=api_id, name="req", type="REQUEST", authorizerUri=lambda_uri(arn),
        identitySource="method.request.header.X-Team,method.request.querystring.pass", authorizerResultTtlInSeconds=60,
    )["id"]
    mock(apigw, api_id, "/data", template=CONTEXT_TEMPLATE, authorizationType="CUSTOM", authorizerId=authorizer)
    deploy(apigw, api_id)
    good = {"X-Team": "blue"}
    first = http(api_id, "dev", "/data?pass=yes", headers=good)
    assert first.status == 200
    assert first.json() == {"principal": "team", "calls": "1"}
    assert http(api_id, "dev", "/data?pass=yes", headers=good).json()["calls"] == "1"  # cached
    assert http(api_id, "dev", "/data?pass=no", headers=good).status == 403  # another identity: asked again
    assert http(api_id, "dev", "/data?pass=yes").status == 401  # identity source missing
    gw.advance(61)
    assert http(api_id, "dev", "/data?pass=yes", headers=good).json()["calls"] == "3"
    apigw.flush_stage_authorizers_cache(restApiId=api_id, stageName="dev")
    assert http(api_id, "dev", "/data?pass=yes", headers=good).json()["calls"] == "4"


def _keyed_api(apigw: Any, throttle: dict[str, Any] | None = None, quota: dict[str, Any] | None = None) -> tuple[str, str, str, str]:
    api_id, _ = new_api(apigw)
    mock(apigw, api_id, "/paid", apiKeyRequired=True)
    deploy(apigw, api_id)
    key = apigw.create_api_key(name="customer", enabled=True)
    plan_args: dict[str, Any] = {"name": "plan", "apiStages": [{"apiId": api_id, "stage": "dev"}]}
    if throttle:
        plan_args["throttle"] = throttle
    if quota:
        plan_args["quota"] = quota
    plan = apigw.create_usage_plan(**plan_args)
    apigw.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
    return api_id, key["value"], plan["id"], key["id"]


def test_api_key_required(apigw: Any, http: Any) -> None:
    api_id, value, _, key_id = _keyed_api(apigw)
    missing = http(api_id, "dev", "/paid")
    assert missing.status == 403
    assert missing.body == b'{"message":"Forbidden"}'
    assert missing.headers["x-amzn-errortype"] == "ForbiddenException"
    assert http(api_id, "dev", "/paid", headers={"x-api-key": "x" * 40}).status == 403
    assert http(api_id, "dev", "/paid", headers={"x-api-key": value}).status == 200
    apigw.update_api_key(apiKey=key_id, patchOperations=[{"op": "replace", "path": "/enabled", "value": "false"}])
    assert http(api_id, "dev", "/paid", headers={"x-api-key": value}).status == 403


def test_usage_plan_throttle_refills_on_the_clock(apigw: Any, http: Any, gw: Any) -> None:
    api_id, value, _, _ = _keyed_api(apigw, throttle={"rateLimit": 1.0, "burstLimit": 2})
    headers = {"x-api-key": value}
    statuses = [http(api_id, "dev", "/paid", headers=headers).status for _ in range(4)]
    assert statuses[:2] == [200, 200]
    assert 429 in statuses[2:]
    throttled = http(api_id, "dev", "/paid", headers=headers)
    assert throttled.status == 429
    assert throttled.body == b'{"message":"Too Many Requests"}'
    gw.advance(5)
    assert http(api_id, "dev", "/paid", headers=headers).status == 200


def test_usage_plan_quota_and_get_usage(apigw: Any, http: Any, gw: Any) -> None:
    api_id, value, plan_id, key_id = _keyed_api(apigw, quota={"limit": 3, "period": "DAY"})
    headers = {"x-api-key": value}
    assert [http(api_id, "dev", "/paid", headers=headers).status for _ in range(3)] == [200, 200, 200]
    over = http(api_id, "dev", "/paid", headers=headers)
    assert over.status == 429
    assert over.body == b'{"message":"Limit Exceeded"}'
    import datetime

    today = datetime.datetime.fromtimestamp(gw.advance(0), datetime.UTC).date().isoformat()
    usage = apigw.get_usage(usagePlanId=plan_id, startDate=today, endDate=today)
    assert usage["items"] == {key_id: [[3, 0]]}
    apigw.update_usage(usagePlanId=plan_id, keyId=key_id, patchOperations=[{"op": "replace", "path": "/remaining", "value": "2"}])
    assert http(api_id, "dev", "/paid", headers=headers).status == 200
    gw.advance(86400)
    assert http(api_id, "dev", "/paid", headers=headers).status == 200


def test_stage_method_throttle_under_a_burst(apigw: Any, http: Any, gw: Any) -> None:
    api_id, _ = new_api(apigw)
    mock(apigw, api_id, "/busy")
    deploy(apigw, api_id)
    apigw.update_stage(restApiId=api_id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "3"},
        {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "0.5"},
    ])
    statuses = [http(api_id, "dev", "/busy").status for _ in range(6)]
    assert statuses.count(200) == 3
    assert statuses.count(429) == 3
    gw.advance(10)
    assert http(api_id, "dev", "/busy").status == 200


def test_customised_gateway_responses(apigw: Any, http: Any) -> None:
    api_id, _ = new_api(apigw)
    mock(apigw, api_id, "/x")
    apigw.put_gateway_response(restApiId=api_id, responseType="MISSING_AUTHENTICATION_TOKEN", statusCode="404",
                               responseParameters={"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"},
                               responseTemplates={"application/json": '{"error": $context.error.messageString, "type": "$context.error.responseType"}'})
    apigw.put_gateway_response(restApiId=api_id, responseType="DEFAULT_4XX",
                               responseTemplates={"application/json": '{"oops": true}'})
    deploy(apigw, api_id)
    answer = http(api_id, "dev", "/nowhere")
    assert answer.status == 404
    assert answer.json() == {"error": "Missing Authentication Token", "type": "MISSING_AUTHENTICATION_TOKEN"}
    assert answer.headers["access-control-allow-origin"] == "*"


def test_request_validation(apigw: Any, http: Any) -> None:
    api_id, _ = new_api(apigw)
    validator = apigw.create_request_validator(restApiId=api_id, name="all", validateRequestBody=True,
                                               validateRequestParameters=True)["id"]
    apigw.create_model(restApiId=api_id, name="Pet", contentType="application/json",
                       schema='{"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}}}')
    rid = mock(apigw, api_id, "/pets", method="POST", requestValidatorId=validator,
               requestParameters={"method.request.querystring.owner": True}, requestModels={"application/json": "Pet"})
    assert rid
    deploy(apigw, api_id)
    json_headers = {"Content-Type": "application/json"}
    no_param = http(api_id, "dev", "/pets", method="POST", body={"name": "rex"}, headers=json_headers)
    assert no_param.status == 400
    assert no_param.json() == {"message": "Missing required request parameters: [owner]"}
    bad_body = http(api_id, "dev", "/pets?owner=me", method="POST", body={"age": -1}, headers=json_headers)
    assert bad_body.status == 400
    assert bad_body.json() == {"message": "Invalid request body"}
    assert http(api_id, "dev", "/pets?owner=me", method="POST", body={"name": "rex", "age": 3}, headers=json_headers).status == 200


def test_resource_ids_are_stable_for_helpers(apigw: Any) -> None:
    api_id, root = new_api(apigw)
    assert resource(apigw, api_id, "/") == root
    assert resource(apigw, api_id, "/a/b") == resource(apigw, api_id, "/a/b")


KEYED_AUTHORIZER = """
def handler(event, context):
    return {
        "principalId": "user-7",
        "policyDocument": {"Version": "2012-10-17", "Statement": [
            {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": event["methodArn"]}]},
        "context": {"count": 5, "admin": True, "ratio": 1.5, "name": "ann"},
        "usageIdentifierKey": event["authorizationToken"],
    }
"""

ECHO = """
import json
def handler(event, context):
    return {"statusCode": 200, "body": json.dumps(event["requestContext"])}
"""


def test_authorizer_context_reaches_a_proxy_lambda_stringified(apigw: Any, lam: Any, http: Any) -> None:
    auth_arn = function(lam, "keyed-auth", KEYED_AUTHORIZER)
    echo_arn = function(lam, "echo-context", ECHO)
    api_id, _ = new_api(apigw, apiKeySource="AUTHORIZER")
    authorizer = apigw.create_authorizer(restApiId=api_id, name="tok", type="TOKEN", authorizerUri=lambda_uri(auth_arn),
                                         identitySource="method.request.header.Authorization",
                                         authorizerResultTtlInSeconds=300)["id"]
    rid = resource(apigw, api_id, "/me")
    apigw.put_method(restApiId=api_id, resourceId=rid, httpMethod="GET", authorizationType="CUSTOM",
                     authorizerId=authorizer, apiKeyRequired=True)
    apigw.put_integration(restApiId=api_id, resourceId=rid, httpMethod="GET", type="AWS_PROXY",
                          integrationHttpMethod="POST", uri=lambda_uri(echo_arn))
    deploy(apigw, api_id)
    key = apigw.create_api_key(name="k", enabled=True)
    plan = apigw.create_usage_plan(name="p", apiStages=[{"apiId": api_id, "stage": "dev"}])
    apigw.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
    assert http(api_id, "dev", "/me", headers={"Authorization": "not-a-key"}).status == 403
    first = http(api_id, "dev", "/me", headers={"Authorization": key["value"]})
    assert first.status == 200
    context = first.json()
    latency = context["authorizer"].pop("integrationLatency")
    assert isinstance(latency, int) and latency >= 0
    assert context["authorizer"] == {"principalId": "user-7", "count": "5", "admin": "true", "ratio": "1.5", "name": "ann"}
    assert context["identity"]["apiKey"] == key["value"]
    assert context["identity"]["apiKeyId"] == key["id"]
    cached = http(api_id, "dev", "/me", headers={"Authorization": key["value"]}).json()
    assert cached["authorizer"]["integrationLatency"] == 0

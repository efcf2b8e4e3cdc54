"""Who API Gateway invokes Lambda as: a function's own SDK calls run as its execution role, an
integration with a credentials role runs as that role's session, and without one the function's
resource policy must let ``apigateway.amazonaws.com`` invoke it (checked under --enforce-iam)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import Server, start_server, stop_server
from tests.services.apigateway.conftest import client, stage_call
from tests.services.apigateway.helpers import deploy, lambda_uri, mock, new_api, resource, zip_of

WHOAMI = """
import json
import boto3
def handler(event, context):
    arn = boto3.client("sts").get_caller_identity()["Arn"]
    return {"statusCode": 200, "body": json.dumps({"arn": arn, "path": event["path"]})}
"""

PLAIN = """
def handler(event, context):
    return {"answer": 42, "got": event}
"""

AUTHORIZER = """
def handler(event, context):
    return {"principalId": "p", "policyDocument": {"Version": "2012-10-17", "Statement": [
        {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": event["methodArn"]}]}}
"""


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _trust(service: str) -> str:
    return _doc({"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"})


def _role(iam: Any, name: str, service: str, *statements: dict[str, Any]) -> str:
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=_trust(service))["Role"]["Arn"]
    if statements:
        iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=_doc(*statements))
    return arn


def _function(lam: Any, name: str, code: str, role: str) -> str:
    return lam.create_function(FunctionName=name, Runtime="python3.11", Role=role, Handler="app.handler",
                               Code={"ZipFile": zip_of({"app.py": code})}, Timeout=30)["FunctionArn"]


def _proxy(apigw: Any, api_id: str, path: str, function_arn: str, credentials: str | None = None) -> None:
    rid = resource(apigw, api_id, path)
    apigw.put_method(restApiId=api_id, resourceId=rid, httpMethod="GET", authorizationType="NONE")
    extra = {"credentials": credentials} if credentials else {}
    apigw.put_integration(restApiId=api_id, resourceId=rid, httpMethod="GET", type="AWS_PROXY",
                          integrationHttpMethod="POST", uri=lambda_uri(function_arn), **extra)


def _non_proxy(apigw: Any, api_id: str, path: str, function_arn: str, credentials: str | None = None) -> None:
    rid = resource(apigw, api_id, path)
    apigw.put_method(restApiId=api_id, resourceId=rid, httpMethod="POST", authorizationType="NONE")
    extra = {"credentials": credentials} if credentials else {}
    apigw.put_integration(restApiId=api_id, resourceId=rid, httpMethod="POST", type="AWS",
                          integrationHttpMethod="POST", uri=lambda_uri(function_arn), **extra)
    apigw.put_method_response(restApiId=api_id, resourceId=rid, httpMethod="POST", statusCode="200")
    apigw.put_integration_response(restApiId=api_id, resourceId=rid, httpMethod="POST", statusCode="200",
                                   responseTemplates={"application/json": '{"answer": $input.json(\'$.answer\')}'})


INTERNAL = {"message": "Internal server error"}


# --- the default server ---------------------------------------------------------------------------

def test_function_sdk_calls_run_as_its_execution_role_session(gw: Server, apigw: Any, lam: Any, http: Any) -> None:
    role = _role(client(gw, "iam"), "fn-role", "lambda.amazonaws.com")
    arn = _function(lam, "whoami", WHOAMI, role)
    api_id, _ = new_api(apigw)
    _proxy(apigw, api_id, "/me", arn)
    deploy(apigw, api_id)
    answer = http(api_id, "dev", "/me")
    assert answer.status == 200, answer.body
    assert answer.json() == {"arn": "arn:aws:sts::000000000000:assumed-role/fn-role/whoami", "path": "/me"}


def test_default_server_invokes_without_a_function_permission(gw: Server, apigw: Any, lam: Any, http: Any) -> None:
    role = _role(client(gw, "iam"), "fn-role", "lambda.amazonaws.com")
    arn = _function(lam, "plain", PLAIN, role)
    api_id, _ = new_api(apigw)
    _non_proxy(apigw, api_id, "/calc", arn)
    # a credentials role that does not trust API Gateway is passed over when IAM is not enforced
    _non_proxy(apigw, api_id, "/other", arn, credentials=role)
    deploy(apigw, api_id)
    assert http(api_id, "dev", "/calc", method="POST", body={}).json() == {"answer": 42}
    assert http(api_id, "dev", "/other", method="POST", body={}).json() == {"answer": 42}


def test_default_server_uses_a_trusting_credentials_role(gw: Server, apigw: Any, lam: Any, http: Any) -> None:
    iam = client(gw, "iam")
    fn_role = _role(iam, "fn-role", "lambda.amazonaws.com")
    gw_role = _role(iam, "gw-role", "apigateway.amazonaws.com")
    arn = _function(lam, "whoami", WHOAMI, fn_role)
    api_id, _ = new_api(apigw)
    _proxy(apigw, api_id, "/me", arn, credentials=gw_role)
    deploy(apigw, api_id)
    answer = http(api_id, "dev", "/me")
    assert answer.status == 200, answer.body
    assert answer.json()["arn"] == "arn:aws:sts::000000000000:assumed-role/fn-role/whoami"


# --- a server that enforces IAM -------------------------------------------------------------------

@pytest.fixture(scope="module")
def enforcing() -> Iterator[Server]:
    """A fogbank started with --enforce-iam."""
    srv = start_server("--enforce-iam")
    yield srv
    stop_server(srv)


@pytest.fixture
def env(enforcing: Server) -> Any:
    """Root clients on the enforcing server (fresh state) and a way to call its stages."""
    enforcing.reset()

    class Env:
        server = enforcing
        apigw = client(enforcing, "apigateway")
        lam = client(enforcing, "lambda", read_timeout=60)
        iam = client(enforcing, "iam")

        @staticmethod
        def http(*args: Any, **kwargs: Any) -> Any:
            return stage_call(enforcing.endpoint, *args, **kwargs)

    return Env


def test_enforced_invocation_needs_a_function_permission_for_apigateway(env: Any) -> None:
    role = _role(env.iam, "fn-role", "lambda.amazonaws.com")
    arn = _function(env.lam, "whoami", WHOAMI, role)
    api_id, _ = new_api(env.apigw)
    _proxy(env.apigw, api_id, "/items/{id}", arn)
    deploy(env.apigw, api_id)
    denied = env.http(api_id, "dev", "/items/7")
    assert (denied.status, denied.json()) == (500, INTERNAL)
    assert denied.headers["x-amzn-errortype"] == "InternalServerErrorException"
    # a permission for another API, or another method, does not help
    env.lam.add_permission(FunctionName="whoami", StatementId="other-api", Action="lambda:InvokeFunction",
                           Principal="apigateway.amazonaws.com",
                           SourceArn="arn:aws:execute-api:us-east-1:000000000000:otherapi/*/GET/items/*")
    env.lam.add_permission(FunctionName="whoami", StatementId="post-only", Action="lambda:InvokeFunction",
                           Principal="apigateway.amazonaws.com",
                           SourceArn=f"arn:aws:execute-api:us-east-1:000000000000:{api_id}/*/POST/items/*")
    assert env.http(api_id, "dev", "/items/7").status == 500
    env.lam.add_permission(FunctionName="whoami", StatementId="this-api", Action="lambda:InvokeFunction",
                           Principal="apigateway.amazonaws.com",
                           SourceArn=f"arn:aws:execute-api:us-east-1:000000000000:{api_id}/*/GET/items/{{id}}")
    allowed = env.http(api_id, "dev", "/items/7")
    assert allowed.status == 200, allowed.body
    assert allowed.json() == {"arn": "arn:aws:sts::000000000000:assumed-role/fn-role/whoami", "path": "/items/7"}
    env.lam.remove_permission(FunctionName="whoami", StatementId="this-api")
    assert env.http(api_id, "dev", "/items/7").status == 500


def test_enforced_permission_without_a_source_arn_admits_any_api(env: Any) -> None:
    role = _role(env.iam, "fn-role", "lambda.amazonaws.com")
    arn = _function(env.lam, "plain", PLAIN, role)
    api_id, _ = new_api(env.apigw)
    _non_proxy(env.apigw, api_id, "/calc", arn)
    deploy(env.apigw, api_id)
    env.lam.add_permission(FunctionName="plain", StatementId="any-api", Action="lambda:InvokeFunction",
                           Principal="apigateway.amazonaws.com")
    assert env.http(api_id, "dev", "/calc", method="POST", body={}).json() == {"answer": 42}


def test_enforced_credentials_role_decides_the_invocation(env: Any) -> None:
    fn_role = _role(env.iam, "fn-role", "lambda.amazonaws.com")
    arn = _function(env.lam, "plain", PLAIN, fn_role)
    invoker = _role(env.iam, "invoker", "apigateway.amazonaws.com",
                    {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": arn})
    powerless = _role(env.iam, "powerless", "apigateway.amazonaws.com",
                      {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"})
    untrusting = _role(env.iam, "untrusting", "lambda.amazonaws.com",
                       {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": arn})
    denying = _role(env.iam, "denying", "apigateway.amazonaws.com",
                    {"Effect": "Allow", "Action": "lambda:*", "Resource": "*"},
                    {"Effect": "Deny", "Action": "lambda:InvokeFunction", "Resource": arn})
    api_id, _ = new_api(env.apigw)
    for path, role in (("/invoker", invoker), ("/powerless", powerless), ("/untrusting", untrusting),
                       ("/denying", denying)):
        _non_proxy(env.apigw, api_id, path, arn, credentials=role)
    _proxy(env.apigw, api_id, "/proxied", arn, credentials=invoker)
    deploy(env.apigw, api_id)
    assert env.http(api_id, "dev", "/invoker", method="POST", body={}).json() == {"answer": 42}
    for path in ("/powerless", "/untrusting", "/denying"):
        answer = env.http(api_id, "dev", path, method="POST", body={})
        assert (path, answer.status, answer.json()) == (path, 500, INTERNAL)
    # the role's session invokes the proxy integration too (the function's answer is not a proxy
    # response, so API Gateway answers 502: the function ran)
    assert env.http(api_id, "dev", "/proxied").status == 502
    # no function permission for API Gateway is needed with a credentials role, and granting one
    # does not rescue a role whose identity policy explicitly denies
    env.lam.add_permission(FunctionName="plain", StatementId="gw", Action="lambda:InvokeFunction",
                           Principal="apigateway.amazonaws.com")
    assert env.http(api_id, "dev", "/denying", method="POST", body={}).status == 500
    # a function policy naming the role grants what its identity policy lacks
    env.lam.add_permission(FunctionName="plain", StatementId="role", Action="lambda:InvokeFunction",
                           Principal=powerless)
    assert env.http(api_id, "dev", "/powerless", method="POST", body={}).json() == {"answer": 42}


def test_enforced_authorizer_needs_its_own_permission(env: Any) -> None:
    role = _role(env.iam, "fn-role", "lambda.amazonaws.com")
    arn = _function(env.lam, "auth", AUTHORIZER, role)
    api_id, _ = new_api(env.apigw)
    authorizer = env.apigw.create_authorizer(restApiId=api_id, name="tok", type="TOKEN", authorizerUri=lambda_uri(arn),
                                             identitySource="method.request.header.Authorization",
                                             authorizerResultTtlInSeconds=0)["id"]
    mock(env.apigw, api_id, "/open", authorizationType="CUSTOM", authorizerId=authorizer)
    deploy(env.apigw, api_id)
    refused = env.http(api_id, "dev", "/open", headers={"Authorization": "x"})
    assert refused.status == 500
    assert refused.headers["x-amzn-errortype"] == "AuthorizerConfigurationException"
    env.lam.add_permission(FunctionName="auth", StatementId="authorizer", Action="lambda:InvokeFunction",
                           Principal="apigateway.amazonaws.com",
                           SourceArn=f"arn:aws:execute-api:us-east-1:000000000000:{api_id}/authorizers/{authorizer}")
    allowed = env.http(api_id, "dev", "/open", headers={"Authorization": "x"})
    assert (allowed.status, allowed.json()) == (200, {"ok": True})

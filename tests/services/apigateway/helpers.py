"""Building REST APIs and Lambda functions for the API Gateway tests."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::000000000000:role/lambda-role"
REGION = "us-east-1"


def error_of(call: Any, **kwargs: Any) -> tuple[str, int, str]:
    """(code, HTTP status, message) of the ClientError a call raises."""
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    err = info.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"], err["Error"].get("Message", "")


def new_api(apigw: Any, name: str = "api", **kwargs: Any) -> tuple[str, str]:
    """A new REST API: (api id, root resource id)."""
    api = apigw.create_rest_api(name=name, **kwargs)
    return api["id"], api["rootResourceId"]


def resource(apigw: Any, api_id: str, path: str) -> str:
    """The id of the resource at ``path``, creating what is missing along the way."""
    existing = {r["path"]: r["id"] for r in apigw.get_resources(restApiId=api_id, limit=500)["items"]}
    current = "/"
    for part in [p for p in path.split("/") if p]:
        child = current.rstrip("/") + "/" + part
        if child not in existing:
            existing[child] = apigw.create_resource(restApiId=api_id, parentId=existing[current], pathPart=part)["id"]
        current = child
    return existing[current]


def mock(apigw: Any, api_id: str, path: str, method: str = "GET", status: str = "200",
         template: str = '{"ok": true}', headers: dict[str, str] | None = None, **method_kwargs: Any) -> str:
    """A MOCK method answering ``status`` with ``template``; returns the resource id."""
    rid = resource(apigw, api_id, path)
    apigw.put_method(restApiId=api_id, resourceId=rid, httpMethod=method,
                     authorizationType=method_kwargs.pop("authorizationType", "NONE"), **method_kwargs)
    apigw.put_integration(restApiId=api_id, resourceId=rid, httpMethod=method, type="MOCK",
                          requestTemplates={"application/json": '{"statusCode": ' + status + '}'})
    apigw.put_method_response(restApiId=api_id, resourceId=rid, httpMethod=method, statusCode=status,
                              responseParameters={f"method.response.header.{h}": False for h in (headers or {})})
    apigw.put_integration_response(restApiId=api_id, resourceId=rid, httpMethod=method, statusCode=status,
                                   responseTemplates={"application/json": template},
                                   responseParameters={f"method.response.header.{h}": v for h, v in (headers or {}).items()})
    return rid


def lambda_uri(function_arn: str) -> str:
    """The integration URI that invokes a function."""
    return f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{function_arn}/invocations"


def proxy(apigw: Any, api_id: str, path: str, function_arn: str, method: str = "ANY", **method_kwargs: Any) -> str:
    """A Lambda proxy method; returns the resource id."""
    rid = resource(apigw, api_id, path)
    apigw.put_method(restApiId=api_id, resourceId=rid, httpMethod=method,
                     authorizationType=method_kwargs.pop("authorizationType", "NONE"), **method_kwargs)
    apigw.put_integration(restApiId=api_id, resourceId=rid, httpMethod=method, type="AWS_PROXY",
                          integrationHttpMethod="POST", uri=lambda_uri(function_arn))
    return rid


def deploy(apigw: Any, api_id: str, stage: str = "dev", **kwargs: Any) -> str:
    """Deploy to ``stage``; returns the deployment id."""
    return apigw.create_deployment(restApiId=api_id, stageName=stage, **kwargs)["id"]


def zip_of(files: dict[str, str]) -> bytes:
    """A zip holding ``files``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def function(lam: Any, name: str, code: str, timeout: int = 10) -> str:
    """A Python function from ``code`` (handler ``app.handler``); returns its ARN once active."""
    arn = lam.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE, Handler="app.handler",
                              Code={"ZipFile": zip_of({"app.py": code})}, Timeout=timeout)["FunctionArn"]
    return arn

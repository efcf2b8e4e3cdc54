"""OpenAPI 2 (Swagger) and 3 definitions to and from REST API documents, with the
``x-amazon-apigateway-*`` extensions API Gateway reads and writes."""

from __future__ import annotations

import json
from typing import Any

from fogbank.services.apigateway.errors import BadRequestException
from fogbank.services.apigateway.restapis import add_resource, check_integration

HTTP_VERBS = ("get", "put", "post", "delete", "patch", "options", "head")
ANY_METHOD = "x-amazon-apigateway-any-method"
_AUTH_TYPES = {"token": "TOKEN", "request": "REQUEST", "cognito_user_pools": "COGNITO_USER_POOLS"}


def parse(body: bytes) -> dict[str, Any]:
    """An OpenAPI definition from JSON or YAML text."""
    text = body.decode("utf-8", "replace")
    try:
        spec = json.loads(text)
    except ValueError:
        try:
            import yaml
        except ImportError:  # pragma: no cover - PyYAML ships with the AWS CLI
            raise BadRequestException("Invalid OpenAPI input: only JSON definitions can be read") from None
        try:
            spec = yaml.safe_load(text)
        except yaml.YAMLError:
            spec = None
    if not isinstance(spec, dict) or not (str(spec.get("swagger", "")).startswith("2") or str(spec.get("openapi", "")).startswith("3")):
        raise BadRequestException("Invalid OpenAPI input.")
    return spec


def _v3(spec: dict[str, Any]) -> bool:
    return "openapi" in spec


def apply(doc: dict[str, Any], spec: dict[str, Any], ids: Any) -> list[str]:
    """Fill ``doc`` (a fresh or emptied API document) from ``spec``; returns the warnings.
    ``ids(length)`` gives new ids."""
    warnings: list[str] = []
    api = doc["api"]
    info = spec.get("info") or {}
    api["name"] = info.get("title") or api.get("name") or "imported"
    for source, target in (("description", "description"), ("version", "version")):
        if info.get(source) is not None:
            api[target] = str(info[source])
    if spec.get("x-amazon-apigateway-binary-media-types"):
        api["binaryMediaTypes"] = list(spec["x-amazon-apigateway-binary-media-types"])
    if spec.get("x-amazon-apigateway-api-key-source"):
        api["apiKeySource"] = spec["x-amazon-apigateway-api-key-source"]
    if spec.get("x-amazon-apigateway-policy"):
        api["policy"] = json.dumps(spec["x-amazon-apigateway-policy"])
    schemas = (spec.get("components") or {}).get("schemas") if _v3(spec) else spec.get("definitions")
    for name, schema in (schemas or {}).items():
        doc["models"][name] = {"id": ids(6), "name": name, "contentType": "application/json",
                               "schema": json.dumps(_model_refs(schema, _v3(spec)))}
    validators: dict[str, str] = {}
    for name, rule in (spec.get("x-amazon-apigateway-request-validators") or {}).items():
        vid = ids(6)
        validators[name] = vid
        doc["validators"][vid] = {"id": vid, "name": name,
                                  "validateRequestBody": bool(rule.get("validateRequestBody")),
                                  "validateRequestParameters": bool(rule.get("validateRequestParameters"))}
    for kind, response in (spec.get("x-amazon-apigateway-gateway-responses") or {}).items():
        entry = {"responseType": kind, "defaultResponse": False}
        for field in ("statusCode", "responseParameters", "responseTemplates"):
            if response.get(field) is not None:
                entry[field] = str(response[field]) if field == "statusCode" else response[field]
        doc["gatewayResponses"][kind] = entry
    schemes = (spec.get("components") or {}).get("securitySchemes") if _v3(spec) else spec.get("securityDefinitions")
    authorizers: dict[str, str] = {}
    api_key_schemes = set()
    for name, scheme in (schemes or {}).items():
        ext = scheme.get("x-amazon-apigateway-authorizer")
        if ext is None:
            if scheme.get("type") == "apiKey":
                api_key_schemes.add(name)
            continue
        aid = ids(6)
        authorizers[name] = aid
        kind = _AUTH_TYPES.get(str(ext.get("type", "token")).lower(), "TOKEN")
        authorizer = {"id": aid, "name": name, "type": kind,
                      "authorizerResultTtlInSeconds": ext.get("authorizerResultTtlInSeconds", 300)}
        if scheme.get("x-amazon-apigateway-authtype"):
            authorizer["authType"] = scheme["x-amazon-apigateway-authtype"]
        for field in ("authorizerUri", "authorizerCredentials", "identityValidationExpression", "providerARNs"):
            if ext.get(field) is not None:
                authorizer[field] = ext[field]
        source = ext.get("identitySource")
        if source is None and scheme.get("in") == "header" and scheme.get("name"):
            source = "method.request.header." + scheme["name"]
        if source:
            authorizer["identitySource"] = source
        doc["authorizers"][aid] = authorizer
    default_validator = spec.get("x-amazon-apigateway-request-validator")
    root = doc["api"]["rootResourceId"]
    by_path = {"/": root}
    for path, item in (spec.get("paths") or {}).items():
        rid = _ensure_path(doc, by_path, path)
        for verb, operation in item.items():
            if verb not in HTTP_VERBS and verb != ANY_METHOD:
                continue
            name = "ANY" if verb == ANY_METHOD else verb.upper()
            method = _method(spec, operation or {}, item.get("parameters") or [], name, authorizers, api_key_schemes,
                             validators, default_validator, warnings)
            doc["resources"][rid]["resourceMethods"][name] = method
    return warnings


def _model_refs(schema: Any, v3: bool) -> Any:
    """Model references rewritten to API Gateway's model URLs (as API Gateway stores them)."""
    if isinstance(schema, dict):
        out = {}
        for key, value in schema.items():
            if key == "$ref" and isinstance(value, str):
                out[key] = "https://apigateway.amazonaws.com/restapis/{api}/models/" + value.rsplit("/", 1)[-1]
            else:
                out[key] = _model_refs(value, v3)
        return out
    if isinstance(schema, list):
        return [_model_refs(v, v3) for v in schema]
    return schema


def _ensure_path(doc: dict[str, Any], by_path: dict[str, str], path: str) -> str:
    current = "/"
    for part in [p for p in path.split("/") if p]:
        child = current.rstrip("/") + "/" + part
        if child not in by_path:
            by_path[child] = add_resource(doc, by_path[current], part)["id"]
        current = child
    return by_path[current]


def _method(spec: dict[str, Any], operation: dict[str, Any], shared: list[Any], name: str,
            authorizers: dict[str, str], api_key_schemes: set[str], validators: dict[str, str],
            default_validator: str | None, warnings: list[str]) -> dict[str, Any]:
    method: dict[str, Any] = {"httpMethod": name, "authorizationType": "NONE", "apiKeyRequired": False}
    if operation.get("operationId"):
        method["operationName"] = operation["operationId"]
    params: dict[str, bool] = {}
    for param in [*shared, *(operation.get("parameters") or [])]:
        where = {"path": "path", "query": "querystring", "header": "header"}.get(param.get("in", ""))
        if where:
            params[f"method.request.{where}.{param['name']}"] = bool(param.get("required", where == "path"))
    if params:
        method["requestParameters"] = params
    models = _request_models(spec, operation, shared)
    if models:
        method["requestModels"] = models
    for requirement in operation.get("security", spec.get("security") or []):
        for scheme in requirement:
            if scheme in authorizers:
                method["authorizerId"] = authorizers[scheme]
                method["authorizationType"] = "CUSTOM"
            elif scheme in api_key_schemes:
                method["apiKeyRequired"] = True
    validator = operation.get("x-amazon-apigateway-request-validator", default_validator)
    if validator:
        if validator in validators:
            method["requestValidatorId"] = validators[validator]
        else:
            warnings.append(f"Unknown request validator {validator}")
    responses = {}
    for code, response in (operation.get("responses") or {}).items():
        if not str(code).isdigit():
            continue
        entry: dict[str, Any] = {"statusCode": str(code)}
        headers = (response or {}).get("headers") or {}
        if headers:
            entry["responseParameters"] = {f"method.response.header.{h}": False for h in headers}
        responses[str(code)] = entry
    if responses:
        method["methodResponses"] = responses
    ext = operation.get("x-amazon-apigateway-integration")
    if ext is not None:
        method["methodIntegration"] = _integration(ext)
    else:
        warnings.append(f"No integration defined for method {name}")
    return method


def _model_name(schema: Any) -> str | None:
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _request_models(spec: dict[str, Any], operation: dict[str, Any], shared: list[Any]) -> dict[str, str]:
    """Content type -> model name of a method's body: OpenAPI 3's ``requestBody`` or Swagger's
    ``in: body`` parameter, where its schema names a model."""
    if _v3(spec):
        content = (operation.get("requestBody") or {}).get("content") or {}
        found = {ctype: _model_name((entry or {}).get("schema")) for ctype, entry in content.items()}
        return {ctype: name for ctype, name in found.items() if name}
    for param in [*shared, *(operation.get("parameters") or [])]:
        name = _model_name(param.get("schema")) if param.get("in") == "body" else None
        if name:
            types = operation.get("consumes") or spec.get("consumes") or ["application/json"]
            return {ctype: name for ctype in types}
    return {}


def _local_refs(schema: Any, v3: bool) -> Any:
    """API Gateway's model URLs in a stored schema back to references within the definition."""
    if isinstance(schema, dict):
        out = {}
        for key, value in schema.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("https://apigateway.amazonaws.com/"):
                out[key] = ("#/components/schemas/" if v3 else "#/definitions/") + value.rsplit("/", 1)[-1]
            else:
                out[key] = _local_refs(value, v3)
        return out
    if isinstance(schema, list):
        return [_local_refs(v, v3) for v in schema]
    return schema


def _integration(ext: dict[str, Any]) -> dict[str, Any]:
    integration: dict[str, Any] = {
        "type": str(ext.get("type", "")).upper(),
        "passthroughBehavior": str(ext.get("passthroughBehavior", "when_no_match")).upper(),
        "timeoutInMillis": int(ext.get("timeoutInMillis", 29000)),
        "cacheKeyParameters": ext.get("cacheKeyParameters") or [],
    }
    if ext.get("httpMethod"):
        integration["httpMethod"] = str(ext["httpMethod"]).upper()
    for field in ("uri", "credentials", "requestParameters", "requestTemplates", "contentHandling",
                  "connectionType", "connectionId", "cacheNamespace"):
        if ext.get(field) is not None:
            integration[field] = ext[field]
    responses = {}
    for pattern, response in (ext.get("responses") or {}).items():
        code = str(response.get("statusCode", "200"))
        entry: dict[str, Any] = {"statusCode": code}
        if pattern != "default":
            entry["selectionPattern"] = pattern
        for field in ("responseParameters", "responseTemplates", "contentHandling"):
            if response.get(field) is not None:
                entry[field] = response[field]
        responses[code] = entry
    if responses:
        integration["integrationResponses"] = responses
    try:
        check_integration(integration)
    except BadRequestException as err:
        raise BadRequestException(f"Errors found during import: {err.message}") from None
    return integration


# --- export ------------------------------------------------------------------------------------

def export(api: dict[str, Any], frozen: dict[str, Any], stage: dict[str, Any], host: str, v3: bool,
           extensions: bool) -> dict[str, Any]:
    """An OpenAPI definition of a deployed stage (``extensions``: the x-amazon-apigateway-* ones)."""
    spec: dict[str, Any] = {"info": {"title": api.get("name", ""), "version": api.get("version") or
                                     _date(api.get("createdDate"))}}
    if api.get("description"):
        spec["info"]["description"] = api["description"]
    if v3:
        spec = {"openapi": "3.0.1", **spec, "servers": [{"url": f"http://{host}/{{basePath}}",
                                                         "variables": {"basePath": {"default": stage["stageName"]}}}]}
    else:
        spec = {"swagger": "2.0", **spec, "host": host, "basePath": "/" + stage["stageName"], "schemes": ["http"]}
    paths: dict[str, Any] = {}
    schemes: dict[str, Any] = {}
    for resource in sorted(frozen["resources"].values(), key=lambda r: r["path"]):
        item: dict[str, Any] = {}
        for name, method in sorted(resource["resourceMethods"].items()):
            item[ANY_METHOD if name == "ANY" else name.lower()] = _export_method(method, frozen, schemes, extensions, v3)
        if item:
            paths[resource["path"]] = item
    spec["paths"] = paths
    models = {m["name"]: _local_refs(json.loads(m.get("schema") or "{}"), v3) for m in frozen["models"].values()}
    if v3:
        components: dict[str, Any] = {}
        if models:
            components["schemas"] = models
        if schemes:
            components["securitySchemes"] = schemes
        if components:
            spec["components"] = components
    else:
        if models:
            spec["definitions"] = models
        if schemes:
            spec["securityDefinitions"] = schemes
    if extensions:
        binary = (frozen.get("api") or {}).get("binaryMediaTypes")
        if binary:
            spec["x-amazon-apigateway-binary-media-types"] = binary
        if frozen["gatewayResponses"]:
            spec["x-amazon-apigateway-gateway-responses"] = {
                k: {f: v[f] for f in ("statusCode", "responseParameters", "responseTemplates") if f in v}
                for k, v in frozen["gatewayResponses"].items()}
        if frozen["validators"]:
            spec["x-amazon-apigateway-request-validators"] = {
                v["name"]: {"validateRequestBody": v["validateRequestBody"], "validateRequestParameters": v["validateRequestParameters"]}
                for v in frozen["validators"].values()}
    return spec


def _date(epoch: Any) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch or 0, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _export_method(method: dict[str, Any], frozen: dict[str, Any], schemes: dict[str, Any], extensions: bool,
                   v3: bool) -> dict[str, Any]:
    operation: dict[str, Any] = {}
    if method.get("operationName"):
        operation["operationId"] = method["operationName"]
    parameters = []
    for name, required in (method.get("requestParameters") or {}).items():
        _, _, where, pname = name.split(".", 3)
        location = {"querystring": "query", "path": "path", "header": "header"}.get(where)
        if location:
            param: dict[str, Any] = {"name": pname, "in": location, "required": bool(required)}
            param.update({"schema": {"type": "string"}} if v3 else {"type": "string"})
            parameters.append(param)
    body_models = method.get("requestModels") or {}
    if body_models and v3:
        operation["requestBody"] = {"content": {ctype: {"schema": {"$ref": "#/components/schemas/" + name}}
                                                for ctype, name in body_models.items()}, "required": True}
    elif body_models:
        operation["consumes"] = list(body_models)
        parameters.append({"in": "body", "name": next(iter(body_models.values())), "required": True,
                           "schema": {"$ref": "#/definitions/" + next(iter(body_models.values()))}})
    if parameters:
        operation["parameters"] = parameters
    validator = frozen["validators"].get(method.get("requestValidatorId") or "")
    if extensions and validator is not None:
        operation["x-amazon-apigateway-request-validator"] = validator["name"]
    responses = {}
    for code, response in (method.get("methodResponses") or {}).items():
        entry: dict[str, Any] = {"description": f"{code} response"}
        headers = [k[len("method.response.header."):] for k in (response.get("responseParameters") or {})
                   if k.startswith("method.response.header.")]
        if headers:
            entry["headers"] = {h: ({"schema": {"type": "string"}} if v3 else {"type": "string"}) for h in headers}
        responses[code] = entry
    operation["responses"] = responses
    security = []
    if method.get("apiKeyRequired"):
        schemes["api_key"] = {"type": "apiKey", "name": "x-api-key", "in": "header"}
        security.append({"api_key": []})
    authorizer = frozen["authorizers"].get(method.get("authorizerId") or "")
    if authorizer is not None and method.get("authorizationType") in ("CUSTOM", "COGNITO_USER_POOLS"):
        scheme: dict[str, Any] = {"type": "apiKey", "name": (authorizer.get("identitySource") or "Authorization").rsplit(".", 1)[-1],
                                  "in": "header"}
        if extensions:
            scheme["x-amazon-apigateway-authtype"] = authorizer.get("authType") or (
                "cognito_user_pools" if authorizer["type"] == "COGNITO_USER_POOLS" else "custom")
            scheme["x-amazon-apigateway-authorizer"] = {
                "type": authorizer["type"].lower(),
                **{f: authorizer[f] for f in ("authorizerUri", "authorizerCredentials", "identitySource",
                                              "identityValidationExpression", "authorizerResultTtlInSeconds",
                                              "providerARNs") if f in authorizer}}
        schemes[authorizer["name"]] = scheme
        security.append({authorizer["name"]: []})
    if security:
        operation["security"] = security
    integration = method.get("methodIntegration")
    if extensions and integration:
        ext: dict[str, Any] = {"type": integration["type"].lower(),
                               "passthroughBehavior": integration.get("passthroughBehavior", "WHEN_NO_MATCH").lower()}
        for field in ("httpMethod", "uri", "credentials", "requestParameters", "requestTemplates", "contentHandling",
                      "timeoutInMillis", "cacheNamespace", "cacheKeyParameters"):
            if integration.get(field) not in (None, []):
                ext[field] = integration[field]
        responses = {}
        for response in (integration.get("integrationResponses") or {}).values():
            entry = {f: response[f] for f in ("statusCode", "responseParameters", "responseTemplates", "contentHandling")
                     if f in response}
            responses[response.get("selectionPattern") or "default"] = entry
        if responses:
            ext["responses"] = responses
        operation["x-amazon-apigateway-integration"] = ext
    return operation

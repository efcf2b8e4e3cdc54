"""REST APIs and their resource trees: APIs, resources, methods, integrations and responses."""

from __future__ import annotations

import copy
import re
from typing import Any

from fogbank.context import Ctx
from fogbank.services.apigateway import patch, store
from fogbank.services.apigateway.documents import editing, load_api, new_id, out, page, save_api, shape
from fogbank.services.apigateway.errors import BadRequestException, ConflictException, NotFoundException

HTTP_METHODS = ("GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD", "ANY")
INTEGRATION_TYPES = ("HTTP", "AWS", "MOCK", "HTTP_PROXY", "AWS_PROXY")
_PATH_PART = re.compile(r"^(?:[A-Za-z0-9._:@!$&'()*+,;=~-]+|\{[A-Za-z0-9._-]+\+?\})$")
_STATUS = re.compile(r"^[1-5]\d\d$")
MIN_TIMEOUT_MS = 50
MAX_TIMEOUT_MS = 29000


def expand_policy(ctx: Ctx, api: dict[str, Any]) -> None:
    """Write a resource policy's ``execute-api:/...`` resources as the API's ARN, as AWS saves them."""
    text = api.get("policy")
    if isinstance(text, str) and '"execute-api:/' in text:
        api["policy"] = text.replace('"execute-api:/', f'"arn:aws:execute-api:{ctx.region}:{ctx.account}:{api["id"]}/')


def new_document(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """A fresh REST API document with its root resource."""
    api_id = new_id()
    root = new_id(10)
    api = {
        "id": api_id,
        "name": request.get("name", ""),
        "createdDate": ctx.clock.now(),
        "apiKeySource": request.get("apiKeySource") or "HEADER",
        "endpointConfiguration": request.get("endpointConfiguration") or {"types": ["EDGE"]},
        "disableExecuteApiEndpoint": bool(request.get("disableExecuteApiEndpoint", False)),
        "rootResourceId": root,
    }
    for name in ("description", "version", "binaryMediaTypes", "minimumCompressionSize", "policy", "tags"):
        if request.get(name) is not None:
            api[name] = request[name]
    if api["apiKeySource"] not in ("HEADER", "AUTHORIZER"):
        raise BadRequestException(f"Invalid API Key source: {api['apiKeySource']}")
    expand_policy(ctx, api)
    return {
        "api": api,
        "resources": {root: {"id": root, "path": "/", "resourceMethods": {}}},
        "authorizers": {}, "validators": {}, "models": {}, "gatewayResponses": {},
        "deployments": {}, "stages": {}, "docParts": {},
    }


def resource_of(doc: dict[str, Any], resource_id: str) -> dict[str, Any]:
    """A resource of the document; NotFound otherwise."""
    resource = doc["resources"].get(resource_id)
    if resource is None:
        raise NotFoundException("Invalid Resource identifier specified")
    return resource


def method_of(doc: dict[str, Any], resource_id: str, http_method: str) -> dict[str, Any]:
    """A method of a resource; NotFound otherwise."""
    method = resource_of(doc, resource_id)["resourceMethods"].get(http_method)
    if method is None:
        raise NotFoundException("Invalid Method identifier specified")
    return method


def integration_of(doc: dict[str, Any], resource_id: str, http_method: str) -> dict[str, Any]:
    """A method's integration; NotFound otherwise."""
    integration = method_of(doc, resource_id, http_method).get("methodIntegration")
    if integration is None:
        raise NotFoundException("Invalid Integration identifier specified")
    return integration


def add_resource(doc: dict[str, Any], parent_id: str, path_part: str, resource_id: str | None = None) -> dict[str, Any]:
    """Add a child resource, with API Gateway's checks on its path part."""
    parent = resource_of(doc, parent_id)
    if not _PATH_PART.match(path_part or ""):
        raise BadRequestException(
            "Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace."
        )
    if parent["path"].endswith("+}"):
        raise BadRequestException(f"Cannot create a child of a resource with a greedy path variable: {parent['pathPart']}")
    for sibling in doc["resources"].values():
        if sibling.get("parentId") != parent_id:
            continue
        if sibling["pathPart"] == path_part:
            raise ConflictException(f"Another resource with the same parent already has this name: {path_part}")
        if path_part.startswith("{") and sibling["pathPart"].startswith("{"):
            raise BadRequestException(
                f"A sibling ({sibling['pathPart']}) of this resource already has a variable path part -- only one is allowed"
            )
    rid = resource_id or new_id(10)
    path = ("" if parent["path"] == "/" else parent["path"]) + "/" + path_part
    resource = {"id": rid, "parentId": parent_id, "pathPart": path_part, "path": path, "resourceMethods": {}}
    doc["resources"][rid] = resource
    return resource


def _repath(doc: dict[str, Any], resource: dict[str, Any]) -> None:
    parent = doc["resources"][resource["parentId"]]
    resource["path"] = ("" if parent["path"] == "/" else parent["path"]) + "/" + resource["pathPart"]
    for child in doc["resources"].values():
        if child.get("parentId") == resource["id"]:
            _repath(doc, child)


def resource_out(resource: dict[str, Any], embed: bool) -> dict[str, Any]:
    """A resource as GetResource(s) answer it: methods in full when embedded, else only named."""
    result = {k: v for k, v in resource.items() if k != "resourceMethods"}
    if resource["resourceMethods"]:
        result["resourceMethods"] = (
            copy.deepcopy(resource["resourceMethods"]) if embed else {m: {} for m in resource["resourceMethods"]}
        )
    return result


def _status(code: str) -> str:
    if not _STATUS.match(code or ""):
        raise BadRequestException("Invalid StatusCode specified")
    return code


def _method_name(name: str) -> str:
    if name not in HTTP_METHODS:
        raise BadRequestException("Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY")
    return name


def check_integration(integration: dict[str, Any]) -> None:
    """API Gateway's checks on an integration's type, method, URI and timeout."""
    kind = integration.get("type")
    if kind not in INTEGRATION_TYPES:
        raise BadRequestException(f"Invalid integration type specified: {kind}. Valid options are {', '.join(INTEGRATION_TYPES)}")
    if kind != "MOCK":
        if not integration.get("httpMethod"):
            raise BadRequestException("Enumeration value for HttpMethod must be non-empty")
        uri = integration.get("uri") or ""
        if kind in ("HTTP", "HTTP_PROXY") and not re.match(r"^https?://", uri):
            raise BadRequestException("Invalid HTTP endpoint specified for URI")
        if kind in ("AWS", "AWS_PROXY") and not uri.startswith("arn:"):
            raise BadRequestException("AWS ARN for integration must contain path or action")
        if kind == "AWS_PROXY" and ":lambda:path/" not in uri:
            raise BadRequestException("Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose stream invocations.")
    timeout = integration.get("timeoutInMillis", MAX_TIMEOUT_MS)
    if not MIN_TIMEOUT_MS <= timeout <= MAX_TIMEOUT_MS:
        raise BadRequestException(f"Timeout should be between {MIN_TIMEOUT_MS} ms and {MAX_TIMEOUT_MS} ms")
    if integration.get("passthroughBehavior") not in ("WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER"):
        raise BadRequestException("Invalid passthrough behavior specified")


class RestApiOperations:
    """RestApis, resources, methods, integrations and their responses."""

    # --- REST APIs -----------------------------------------------------------------------

    def create_rest_api(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CreateRestApi (optionally cloning another API's resources and components)."""
        doc = new_document(ctx, request)
        source_id = request.get("cloneFrom")
        if source_id:
            source = load_api(ctx, source_id)
            for part in ("resources", "authorizers", "validators", "models", "gatewayResponses"):
                doc[part] = copy.deepcopy(source[part])
            doc["api"]["rootResourceId"] = source["api"]["rootResourceId"]
        save_api(ctx, doc)
        return out(doc["api"])

    def get_rest_api(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetRestApi."""
        return out(load_api(ctx, request["restApiId"])["api"])

    def get_rest_apis(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetRestApis, oldest first."""
        docs = [store.load(v) for _, v in ctx.store.scan(prefix=store.key(ctx.account, ctx.region, "api"))]
        apis = sorted((d["api"] for d in docs), key=lambda a: a["createdDate"])
        result = page(apis, request)
        result["items"] = [out(a) for a in result["items"]]
        return result

    def update_rest_api(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateRestApi by patch operations."""
        with editing(ctx, request["restApiId"]) as doc:
            writable = ("name", "description", "version", "binaryMediaTypes", "minimumCompressionSize",
                        "apiKeySource", "policy", "endpointConfiguration", "disableExecuteApiEndpoint")
            patch.apply(doc["api"], request.get("patchOperations") or [], shape("RestApi"), writable)
            expand_policy(ctx, doc["api"])
            if doc["api"].get("apiKeySource") not in ("HEADER", "AUTHORIZER"):
                raise BadRequestException(f"Invalid API Key source: {doc['api'].get('apiKeySource')}")
            return out(doc["api"])

    def delete_rest_api(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteRestApi (its stages stop serving at once)."""
        api_id = request["restApiId"]
        with ctx.store.transaction() as txn:
            if txn.get(store.api_key(ctx.account, ctx.region, api_id)) is None:
                raise NotFoundException("Invalid API identifier specified")
            txn.delete(store.api_key(ctx.account, ctx.region, api_id))
            txn.delete(store.api_index_key(api_id))
        return {}

    # --- resources -----------------------------------------------------------------------

    def create_resource(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CreateResource under a parent."""
        with editing(ctx, request["restApiId"]) as doc:
            return resource_out(add_resource(doc, request["parentId"], request["pathPart"]), False)

    def get_resource(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetResource (methods embedded when asked)."""
        doc = load_api(ctx, request["restApiId"])
        return resource_out(resource_of(doc, request["resourceId"]), "methods" in (request.get("embed") or []))

    def get_resources(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetResources, by path."""
        doc = load_api(ctx, request["restApiId"])
        embed = "methods" in (request.get("embed") or [])
        items = sorted(doc["resources"].values(), key=lambda r: r["path"])
        result = page(items, request)
        result["items"] = [resource_out(r, embed) for r in result["items"]]
        return result

    def update_resource(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateResource: a new path part or parent (paths below follow)."""
        with editing(ctx, request["restApiId"]) as doc:
            resource = resource_of(doc, request["resourceId"])
            if "parentId" not in resource:
                raise BadRequestException("Cannot update the root resource")
            changed = copy.deepcopy(resource)
            patch.apply(changed, request.get("patchOperations") or [], shape("Resource"), ("pathPart", "parentId"))
            del doc["resources"][resource["id"]]
            try:
                add_resource(doc, changed["parentId"], changed["pathPart"], resource["id"])
            except Exception:
                doc["resources"][resource["id"]] = resource
                raise
            doc["resources"][resource["id"]]["resourceMethods"] = resource["resourceMethods"]
            _repath(doc, doc["resources"][resource["id"]])
            return resource_out(doc["resources"][resource["id"]], False)

    def delete_resource(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteResource and everything below it."""
        with editing(ctx, request["restApiId"]) as doc:
            resource = resource_of(doc, request["resourceId"])
            if "parentId" not in resource:
                raise BadRequestException("Cannot delete the root resource")
            doomed = {resource["id"]}
            grew = True
            while grew:
                below = {r["id"] for r in doc["resources"].values() if r.get("parentId") in doomed}
                grew = not below <= doomed
                doomed |= below
            for rid in doomed:
                del doc["resources"][rid]
        return {}

    # --- methods -------------------------------------------------------------------------

    def put_method(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutMethod."""
        http_method = _method_name(request["httpMethod"])
        with editing(ctx, request["restApiId"]) as doc:
            resource = resource_of(doc, request["resourceId"])
            if http_method in resource["resourceMethods"]:
                raise ConflictException("Method already exists for this resource")
            method = {"httpMethod": http_method, "authorizationType": request["authorizationType"],
                      "apiKeyRequired": bool(request.get("apiKeyRequired", False))}
            for name in ("authorizerId", "operationName", "requestParameters", "requestModels",
                         "requestValidatorId", "authorizationScopes"):
                if request.get(name) is not None:
                    method[name] = request[name]
            check_method(doc, method)
            resource["resourceMethods"][http_method] = method
            return copy.deepcopy(method)

    def get_method(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetMethod with its responses and integration."""
        return method_of(load_api(ctx, request["restApiId"]), request["resourceId"], request["httpMethod"])

    def update_method(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateMethod by patch operations."""
        with editing(ctx, request["restApiId"]) as doc:
            method = method_of(doc, request["resourceId"], request["httpMethod"])
            writable = ("authorizationType", "authorizerId", "apiKeyRequired", "operationName", "requestParameters",
                        "requestModels", "requestValidatorId", "authorizationScopes")
            patch.apply(method, request.get("patchOperations") or [], shape("Method"), writable)
            check_method(doc, method)
            return copy.deepcopy(method)

    def delete_method(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteMethod."""
        with editing(ctx, request["restApiId"]) as doc:
            method_of(doc, request["resourceId"], request["httpMethod"])
            del doc["resources"][request["resourceId"]]["resourceMethods"][request["httpMethod"]]
        return {}

    # --- method responses ----------------------------------------------------------------

    def put_method_response(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutMethodResponse."""
        code = _status(request["statusCode"])
        with editing(ctx, request["restApiId"]) as doc:
            method = method_of(doc, request["resourceId"], request["httpMethod"])
            responses = method.setdefault("methodResponses", {})
            if code in responses:
                raise ConflictException("Response already exists for this resource")
            response = {"statusCode": code}
            for name in ("responseParameters", "responseModels"):
                if request.get(name) is not None:
                    response[name] = request[name]
            responses[code] = response
            return dict(response)

    def get_method_response(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetMethodResponse."""
        method = method_of(load_api(ctx, request["restApiId"]), request["resourceId"], request["httpMethod"])
        response = (method.get("methodResponses") or {}).get(request["statusCode"])
        if response is None:
            raise NotFoundException("Invalid Response status code specified")
        return response

    def update_method_response(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateMethodResponse by patch operations."""
        with editing(ctx, request["restApiId"]) as doc:
            method = method_of(doc, request["resourceId"], request["httpMethod"])
            response = (method.get("methodResponses") or {}).get(request["statusCode"])
            if response is None:
                raise NotFoundException("Invalid Response status code specified")
            patch.apply(response, request.get("patchOperations") or [], shape("MethodResponse"),
                        ("responseParameters", "responseModels"))
            return dict(response)

    def delete_method_response(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteMethodResponse."""
        with editing(ctx, request["restApiId"]) as doc:
            method = method_of(doc, request["resourceId"], request["httpMethod"])
            if (method.get("methodResponses") or {}).pop(request["statusCode"], None) is None:
                raise NotFoundException("Invalid Response status code specified")
        return {}

    # --- integrations --------------------------------------------------------------------

    def put_integration(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutIntegration (replaces any integration the method had, responses included)."""
        with editing(ctx, request["restApiId"]) as doc:
            method = method_of(doc, request["resourceId"], request["httpMethod"])
            integration: dict[str, Any] = {
                "type": request["type"],
                "passthroughBehavior": request.get("passthroughBehavior") or "WHEN_NO_MATCH",
                "timeoutInMillis": request.get("timeoutInMillis") or MAX_TIMEOUT_MS,
                "cacheNamespace": request.get("cacheNamespace") or request["resourceId"],
                "cacheKeyParameters": request.get("cacheKeyParameters") or [],
            }
            if request.get("integrationHttpMethod"):
                integration["httpMethod"] = request["integrationHttpMethod"]
            for name in ("uri", "connectionType", "connectionId", "credentials", "requestParameters",
                         "requestTemplates", "contentHandling", "tlsConfig"):
                if request.get(name) is not None:
                    integration[name] = request[name]
            check_integration(integration)
            method["methodIntegration"] = integration
            return copy.deepcopy(integration)

    def get_integration(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetIntegration."""
        return integration_of(load_api(ctx, request["restApiId"]), request["resourceId"], request["httpMethod"])

    def update_integration(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateIntegration by patch operations."""
        with editing(ctx, request["restApiId"]) as doc:
            integration = integration_of(doc, request["resourceId"], request["httpMethod"])
            writable = ("type", "httpMethod", "uri", "connectionType", "connectionId", "credentials",
                        "requestParameters", "requestTemplates", "passthroughBehavior", "contentHandling",
                        "timeoutInMillis", "cacheNamespace", "cacheKeyParameters", "tlsConfig")
            patch.apply(integration, request.get("patchOperations") or [], shape("Integration"), writable)
            check_integration(integration)
            return copy.deepcopy(integration)

    def delete_integration(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteIntegration."""
        with editing(ctx, request["restApiId"]) as doc:
            integration_of(doc, request["resourceId"], request["httpMethod"])
            del doc["resources"][request["resourceId"]]["resourceMethods"][request["httpMethod"]]["methodIntegration"]
        return {}

    # --- integration responses -----------------------------------------------------------

    def put_integration_response(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutIntegrationResponse (the method response of that status must exist)."""
        code = _status(request["statusCode"])
        with editing(ctx, request["restApiId"]) as doc:
            method = method_of(doc, request["resourceId"], request["httpMethod"])
            integration = integration_of(doc, request["resourceId"], request["httpMethod"])
            if code not in (method.get("methodResponses") or {}):
                raise NotFoundException("Invalid Response status code specified")
            response = {"statusCode": code}
            for name in ("selectionPattern", "responseParameters", "responseTemplates", "contentHandling"):
                if request.get(name) is not None:
                    response[name] = request[name]
            check_pattern(response.get("selectionPattern"))
            integration.setdefault("integrationResponses", {})[code] = response
            return dict(response)

    def get_integration_response(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetIntegrationResponse."""
        integration = integration_of(load_api(ctx, request["restApiId"]), request["resourceId"], request["httpMethod"])
        response = (integration.get("integrationResponses") or {}).get(request["statusCode"])
        if response is None:
            raise NotFoundException("Invalid Response status code specified")
        return response

    def update_integration_response(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateIntegrationResponse by patch operations."""
        with editing(ctx, request["restApiId"]) as doc:
            integration = integration_of(doc, request["resourceId"], request["httpMethod"])
            response = (integration.get("integrationResponses") or {}).get(request["statusCode"])
            if response is None:
                raise NotFoundException("Invalid Response status code specified")
            patch.apply(response, request.get("patchOperations") or [], shape("IntegrationResponse"),
                        ("selectionPattern", "responseParameters", "responseTemplates", "contentHandling"))
            check_pattern(response.get("selectionPattern"))
            return dict(response)

    def delete_integration_response(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteIntegrationResponse."""
        with editing(ctx, request["restApiId"]) as doc:
            integration = integration_of(doc, request["resourceId"], request["httpMethod"])
            if (integration.get("integrationResponses") or {}).pop(request["statusCode"], None) is None:
                raise NotFoundException("Invalid Response status code specified")
        return {}


def check_method(doc: dict[str, Any], method: dict[str, Any]) -> None:
    """A method's authorizer and validator must exist in the API."""
    kind = method.get("authorizationType")
    if kind not in ("NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"):
        raise BadRequestException(f"Invalid authorization type specified: {kind}")
    if kind in ("CUSTOM", "COGNITO_USER_POOLS"):
        if method.get("authorizerId") not in doc["authorizers"]:
            raise BadRequestException(
                "Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer."
            )
    validator = method.get("requestValidatorId")
    if validator and validator not in doc["validators"]:
        raise BadRequestException("Invalid Request Validator identifier specified")


def check_pattern(pattern: str | None) -> None:
    """A selection pattern must be a valid regular expression."""
    if pattern:
        try:
            re.compile(pattern)
        except re.error:
            raise BadRequestException(f"Invalid selection pattern specified for integration response: {pattern}") from None

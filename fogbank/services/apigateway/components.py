"""An API's components besides its resource tree: authorizers, request validators, models,
gateway responses and documentation parts."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from fogbank.context import Ctx
from fogbank.services.apigateway import gatewayresponses, patch
from fogbank.services.apigateway.documents import editing, load_api, new_id, page, shape
from fogbank.services.apigateway.errors import BadRequestException, ConflictException, NotFoundException

AUTHORIZER_TYPES = ("TOKEN", "REQUEST", "COGNITO_USER_POOLS")
MAX_AUTHORIZER_TTL = 3600
_IDENTITY = re.compile(r"^(method\.request\.(header|querystring|multivalueheader|multivaluequerystring)\.[^,\s]+"
                       r"|stageVariables\.[A-Za-z0-9_]+|context\.[A-Za-z0-9_.]+)$")
_MODEL_NAME = re.compile(r"^[A-Za-z0-9]+$")


def check_authorizer(authorizer: dict[str, Any]) -> None:
    """API Gateway's checks on an authorizer's type, URI, identity source and TTL."""
    kind = authorizer.get("type")
    if kind not in AUTHORIZER_TYPES:
        raise BadRequestException(f"Invalid authorizer type specified: {kind}")
    if kind in ("TOKEN", "REQUEST") and not authorizer.get("authorizerUri"):
        raise BadRequestException("Authorizer URI is required for authorizers of type " + kind)
    if kind == "COGNITO_USER_POOLS" and not authorizer.get("providerARNs"):
        raise BadRequestException("ProviderARNs need to be specified for COGNITO_USER_POOLS authorizers")
    ttl = authorizer.get("authorizerResultTtlInSeconds", 300)
    if not 0 <= ttl <= MAX_AUTHORIZER_TTL:
        raise BadRequestException(f"Invalid authorizerResultTtlInSeconds: {ttl}, must be between 0 and {MAX_AUTHORIZER_TTL}")
    source = authorizer.get("identitySource")
    if kind in ("TOKEN", "COGNITO_USER_POOLS"):
        if not source or not re.match(r"^method\.request\.header\.[^,\s]+$", source):
            raise BadRequestException(f"Invalid identity source: {source}. Must be of the form method.request.header.<name>")
    elif source:
        for part in source.split(","):
            if not _IDENTITY.match(part.strip()):
                raise BadRequestException(f"Invalid identity source: {part.strip()}")
    elif ttl > 0:
        raise BadRequestException("Identity source is required when result caching is enabled")
    expression = authorizer.get("identityValidationExpression")
    if expression:
        try:
            re.compile(expression)
        except re.error:
            raise BadRequestException(f"Invalid identity validation expression: {expression}") from None


class ComponentOperations:
    """Authorizers, request validators, models, gateway responses, documentation parts."""

    # --- authorizers ---------------------------------------------------------------------

    def create_authorizer(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CreateAuthorizer."""
        with editing(ctx, request["restApiId"]) as doc:
            authorizer = {"id": new_id(6), "authorizerResultTtlInSeconds": 300}
            for name in ("name", "type", "providerARNs", "authType", "authorizerUri", "authorizerCredentials",
                         "identitySource", "identityValidationExpression", "authorizerResultTtlInSeconds"):
                if request.get(name) is not None:
                    authorizer[name] = request[name]
            check_authorizer(authorizer)
            doc["authorizers"][authorizer["id"]] = authorizer
            return dict(authorizer)

    def get_authorizer(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetAuthorizer."""
        return _authorizer(load_api(ctx, request["restApiId"]), request["authorizerId"])

    def get_authorizers(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetAuthorizers."""
        return page(list(load_api(ctx, request["restApiId"])["authorizers"].values()), request)

    def update_authorizer(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateAuthorizer by patch operations."""
        with editing(ctx, request["restApiId"]) as doc:
            authorizer = _authorizer(doc, request["authorizerId"])
            patch.apply(authorizer, request.get("patchOperations") or [], shape("Authorizer"))
            check_authorizer(authorizer)
            return dict(authorizer)

    def delete_authorizer(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteAuthorizer (not while a method uses it)."""
        with editing(ctx, request["restApiId"]) as doc:
            authorizer = _authorizer(doc, request["authorizerId"])
            for resource in doc["resources"].values():
                for name, method in resource["resourceMethods"].items():
                    if method.get("authorizerId") == authorizer["id"]:
                        raise ConflictException(
                            f"Cannot delete authorizer '{authorizer.get('name')}', is referenced in method: {name}:{resource['path']}"
                        )
            del doc["authorizers"][authorizer["id"]]
        return {}

    # --- request validators --------------------------------------------------------------

    def create_request_validator(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CreateRequestValidator."""
        with editing(ctx, request["restApiId"]) as doc:
            validator = {"id": new_id(6), "name": request.get("name", ""),
                         "validateRequestBody": bool(request.get("validateRequestBody", False)),
                         "validateRequestParameters": bool(request.get("validateRequestParameters", False))}
            doc["validators"][validator["id"]] = validator
            return dict(validator)

    def get_request_validator(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetRequestValidator."""
        return _validator(load_api(ctx, request["restApiId"]), request["requestValidatorId"])

    def get_request_validators(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetRequestValidators."""
        return page(list(load_api(ctx, request["restApiId"])["validators"].values()), request)

    def update_request_validator(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateRequestValidator by patch operations."""
        with editing(ctx, request["restApiId"]) as doc:
            validator = _validator(doc, request["requestValidatorId"])
            patch.apply(validator, request.get("patchOperations") or [], shape("RequestValidator"))
            return dict(validator)

    def delete_request_validator(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteRequestValidator."""
        with editing(ctx, request["restApiId"]) as doc:
            _validator(doc, request["requestValidatorId"])
            del doc["validators"][request["requestValidatorId"]]
        return {}

    # --- models --------------------------------------------------------------------------

    def create_model(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CreateModel (the schema must be JSON)."""
        name = request["name"]
        if not _MODEL_NAME.match(name):
            raise BadRequestException("Model name must be non-empty and alphanumeric")
        _check_schema(request.get("schema"))
        with editing(ctx, request["restApiId"]) as doc:
            if name in doc["models"]:
                raise ConflictException("Model name already exists for this REST API")
            model = {"id": new_id(6), "name": name, "contentType": request["contentType"]}
            for field in ("schema", "description"):
                if request.get(field) is not None:
                    model[field] = request[field]
            doc["models"][name] = model
            return dict(model)

    def get_model(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetModel."""
        return _model(load_api(ctx, request["restApiId"]), request["modelName"])

    def get_models(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetModels."""
        return page(list(load_api(ctx, request["restApiId"])["models"].values()), request)

    def get_model_template(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetModelTemplate: a mapping template that copies the model's top-level properties."""
        model = _model(load_api(ctx, request["restApiId"]), request["modelName"])
        schema = json.loads(model.get("schema") or "{}")
        props = list((schema.get("properties") or {}).keys())
        lines = ['#set($inputRoot = $input.path(\'$\'))', "{"]
        lines += [f'  "{p}" : "$inputRoot.{p}"' + ("," if i < len(props) - 1 else "") for i, p in enumerate(props)]
        lines.append("}")
        return {"value": "\n".join(lines)}

    def update_model(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateModel: schema and description."""
        with editing(ctx, request["restApiId"]) as doc:
            model = _model(doc, request["modelName"])
            patch.apply(model, request.get("patchOperations") or [], shape("Model"), ("schema", "description"))
            _check_schema(model.get("schema"))
            return dict(model)

    def delete_model(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteModel (not while a method uses it)."""
        with editing(ctx, request["restApiId"]) as doc:
            model = _model(doc, request["modelName"])
            for resource in doc["resources"].values():
                for method in resource["resourceMethods"].values():
                    if model["name"] in (method.get("requestModels") or {}).values():
                        raise ConflictException(f"Cannot delete model '{model['name']}', is referenced in method request: {resource['path']}/{method['httpMethod']}")
            del doc["models"][model["name"]]
        return {}

    # --- gateway responses ---------------------------------------------------------------

    def put_gateway_response(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutGatewayResponse: customise one response type."""
        kind = _response_type(request["responseType"])
        with editing(ctx, request["restApiId"]) as doc:
            response: dict[str, Any] = {"responseType": kind, "defaultResponse": False}
            for name in ("statusCode", "responseParameters", "responseTemplates"):
                if request.get(name) is not None:
                    response[name] = request[name]
            if "statusCode" not in response and gatewayresponses.DEFAULT_STATUS[kind]:
                response["statusCode"] = gatewayresponses.DEFAULT_STATUS[kind]
            doc["gatewayResponses"][kind] = response
            return dict(response)

    def get_gateway_response(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetGatewayResponse (AWS's default when not customised)."""
        kind = _response_type(request["responseType"])
        doc = load_api(ctx, request["restApiId"])
        return doc["gatewayResponses"].get(kind) or gatewayresponses.default(kind)

    def get_gateway_responses(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetGatewayResponses: every type, customised or default."""
        doc = load_api(ctx, request["restApiId"])
        items = [doc["gatewayResponses"].get(t) or gatewayresponses.default(t) for t in gatewayresponses.TYPES]
        return page(items, request)

    def update_gateway_response(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateGatewayResponse by patch operations (a default becomes customised)."""
        kind = _response_type(request["responseType"])
        with editing(ctx, request["restApiId"]) as doc:
            response = copy.deepcopy(doc["gatewayResponses"].get(kind) or gatewayresponses.default(kind))
            response["defaultResponse"] = False
            patch.apply(response, request.get("patchOperations") or [], shape("GatewayResponse"),
                        ("statusCode", "responseParameters", "responseTemplates"))
            doc["gatewayResponses"][kind] = response
            return dict(response)

    def delete_gateway_response(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteGatewayResponse: back to the default."""
        kind = _response_type(request["responseType"])
        with editing(ctx, request["restApiId"]) as doc:
            if doc["gatewayResponses"].pop(kind, None) is None:
                raise NotFoundException("Invalid Gateway Response identifier specified")
        return {}


def _authorizer(doc: dict[str, Any], authorizer_id: str) -> dict[str, Any]:
    authorizer = doc["authorizers"].get(authorizer_id)
    if authorizer is None:
        raise NotFoundException("Invalid Authorizer identifier specified")
    return authorizer


def _validator(doc: dict[str, Any], validator_id: str) -> dict[str, Any]:
    validator = doc["validators"].get(validator_id)
    if validator is None:
        raise NotFoundException("Invalid Request Validator identifier specified")
    return validator


def _model(doc: dict[str, Any], name: str) -> dict[str, Any]:
    model = doc["models"].get(name)
    if model is None:
        raise NotFoundException("Invalid model name specified: " + name)
    return model


def _response_type(kind: str) -> str:
    if kind not in gatewayresponses.DEFAULT_STATUS:
        raise BadRequestException(f"Invalid response type specified: {kind}")
    return kind


def _check_schema(schema: str | None) -> None:
    if schema:
        try:
            json.loads(schema)
        except ValueError:
            raise BadRequestException("Invalid model specified: Validation Result: warnings : [], errors : [Invalid model schema specified]") from None

"""Errors the gateway answers itself, rendered through the API's gateway responses.

Each has a gateway response type, a status, a message and the ``x-amzn-ErrorType`` AWS sends.
Uncustomised, the body is AWS's default ``{"message":"..."}``; a few errors keep the exact bodies
AWS sends for them (``{"message": "Internal server error"}`` for a malformed proxy response, the
capitalised ``Message`` of an authorizer's denial).
"""

from __future__ import annotations

import json
from typing import Any

from fogbank.protocol.base import HttpResponse
from fogbank.services.apigateway import gatewayresponses
from fogbank.services.apigateway.vtl import TemplateError, render


class GatewayError(Exception):
    """A request the gateway refuses or fails, as a gateway response type."""

    def __init__(self, response_type: str, status: int, message: str | None, error_type: str,
                 body: bytes | None = None) -> None:
        super().__init__(message)
        self.response_type = response_type
        self.status = status
        self.message = message
        self.error_type = error_type
        self.body = body


def missing_token() -> GatewayError:
    """No resource or method at this path (or no such stage)."""
    return GatewayError("MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token",
                        "MissingAuthenticationTokenException")


def forbidden() -> GatewayError:
    """A missing, unknown or disabled API key."""
    return GatewayError("INVALID_API_KEY", 403, "Forbidden", "ForbiddenException")


def unauthorized() -> GatewayError:
    """A missing or invalid identity for an authorizer."""
    return GatewayError("UNAUTHORIZED", 401, "Unauthorized", "UnauthorizedException")


def access_denied(explicit: bool) -> GatewayError:
    """The authorizer's policy denies (explicitly, or by allowing nothing that matches)."""
    message = "User is not authorized to access this resource" + (" with an explicit deny" if explicit else "")
    return GatewayError("ACCESS_DENIED", 403, message, "AccessDeniedException",
                        json.dumps({"Message": message}, separators=(",", ":")).encode())


def authorizer_failure(message: str | None = None) -> GatewayError:
    """The authorizer failed or answered something unusable."""
    return GatewayError("AUTHORIZER_CONFIGURATION_ERROR", 500, message, "AuthorizerConfigurationException",
                        b'{"message": null}' if message is None else None)


def throttled() -> GatewayError:
    """A stage, method or usage plan rate limit was exceeded."""
    return GatewayError("THROTTLED", 429, "Too Many Requests", "TooManyRequestsException")


def quota_exceeded() -> GatewayError:
    """A usage plan quota was used up."""
    return GatewayError("QUOTA_EXCEEDED", 429, "Limit Exceeded", "LimitExceededException")


def bad_parameters(missing: list[str]) -> GatewayError:
    """Required request parameters are missing."""
    return GatewayError("BAD_REQUEST_PARAMETERS", 400, f"Missing required request parameters: [{', '.join(missing)}]",
                        "BadRequestException")


def bad_body() -> GatewayError:
    """The body does not match the method's model."""
    return GatewayError("BAD_REQUEST_BODY", 400, "Invalid request body", "BadRequestException")


def unsupported_media_type() -> GatewayError:
    """No request template for the content type, and passthrough is not allowed."""
    return GatewayError("UNSUPPORTED_MEDIA_TYPE", 415, "Unsupported Media Type", "UnsupportedMediaTypeException")


def internal_error() -> GatewayError:
    """A malformed proxy response, a failed Lambda or a configuration error."""
    return GatewayError("DEFAULT_5XX", 502, "Internal server error", "InternalServerErrorException",
                        b'{"message": "Internal server error"}')


def configuration_error() -> GatewayError:
    """The integration could not be called as configured (no matching response, unknown function)."""
    return GatewayError("API_CONFIGURATION_ERROR", 500, "Internal server error", "InternalServerErrorException",
                        b'{"message": "Internal server error"}')


def timed_out() -> GatewayError:
    """The integration did not answer within its timeout."""
    return GatewayError("INTEGRATION_TIMEOUT", 504, "Endpoint request timed out", "InternalServerErrorException",
                        b'{"message": "Endpoint request timed out"}')


def integration_failure() -> GatewayError:
    """The integration endpoint could not be reached."""
    return GatewayError("INTEGRATION_FAILURE", 502, "Internal server error", "InternalServerErrorException",
                        b'{"message": "Internal server error"}')


def respond(error: GatewayError, customised: dict[str, Any], context: dict[str, Any],
            stage_variables: dict[str, str], request_headers: dict[str, str], request_id: str) -> HttpResponse:
    """The HTTP answer for ``error``, customised by the API's gateway responses where it has any."""
    custom = gatewayresponses.effective(customised, error.response_type, error.status)
    headers = [("Content-Type", "application/json"), ("x-amzn-RequestId", request_id),
               ("x-amzn-ErrorType", error.error_type)]
    if custom is None:
        body = error.body
        if body is None:
            body = json.dumps({"message": error.message}, separators=(",", ":")).encode()
        return HttpResponse(error.status, headers, body)
    status = int(custom.get("statusCode") or error.status)
    error_context = {**context, "error": {"message": error.message, "messageString": json.dumps(error.message),
                                          "responseType": error.response_type, "validationErrorString": error.message}}
    templates = custom.get("responseTemplates") or {}
    template = templates.get("application/json") or next(iter(templates.values()), gatewayresponses.DEFAULT_TEMPLATE)
    try:
        body = render(template, context=error_context, stage_variables=stage_variables).encode()
    except TemplateError:
        body = json.dumps({"message": error.message}).encode()
    for name, source in (custom.get("responseParameters") or {}).items():
        if name.startswith("gatewayresponse.header."):
            value = _source_value(source, request_headers, context, stage_variables)
            if value is not None:
                headers.append((name[len("gatewayresponse.header."):], value))
    return HttpResponse(status, headers, body)


def _source_value(source: str, request_headers: dict[str, str], context: dict[str, Any],
                  stage_variables: dict[str, str]) -> str | None:
    if source.startswith("'") and source.endswith("'"):
        return source[1:-1]
    if source.startswith("method.request.header."):
        return request_headers.get(source[len("method.request.header."):].lower())
    if source.startswith("stageVariables."):
        return stage_variables.get(source[len("stageVariables."):])
    if source.startswith("context."):
        node: Any = context
        for part in source[len("context."):].split("."):
            node = node.get(part) if isinstance(node, dict) else None
        return None if node is None else str(node)
    return None

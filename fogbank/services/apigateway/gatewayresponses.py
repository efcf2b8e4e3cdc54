"""Gateway response types: AWS's defaults (status, error type header, message) for each type."""

from __future__ import annotations

from typing import Any

#: response type -> default status code (the DEFAULT_* types have none of their own)
DEFAULT_STATUS: dict[str, str | None] = {
    "ACCESS_DENIED": "403", "API_CONFIGURATION_ERROR": "500", "AUTHORIZER_CONFIGURATION_ERROR": "500",
    "AUTHORIZER_FAILURE": "500", "BAD_REQUEST_PARAMETERS": "400", "BAD_REQUEST_BODY": "400",
    "DEFAULT_4XX": None, "DEFAULT_5XX": None, "EXPIRED_TOKEN": "403", "INTEGRATION_FAILURE": "504",
    "INTEGRATION_TIMEOUT": "504", "INVALID_API_KEY": "403", "INVALID_SIGNATURE": "403",
    "MISSING_AUTHENTICATION_TOKEN": "403", "QUOTA_EXCEEDED": "429", "REQUEST_TOO_LARGE": "413",
    "RESOURCE_NOT_FOUND": "404", "THROTTLED": "429", "UNAUTHORIZED": "401", "UNSUPPORTED_MEDIA_TYPE": "415",
    "WAF_FILTERED": "403",
}
TYPES = tuple(DEFAULT_STATUS)
DEFAULT_TEMPLATE = '{"message":$context.error.messageString}'


def default(response_type: str) -> dict[str, Any]:
    """The GatewayResponse API Gateway reports for a type nobody customised."""
    response: dict[str, Any] = {
        "responseType": response_type,
        "defaultResponse": True,
        "responseParameters": {},
        "responseTemplates": {"application/json": DEFAULT_TEMPLATE},
    }
    if DEFAULT_STATUS[response_type]:
        response["statusCode"] = DEFAULT_STATUS[response_type]
    return response


def effective(customised: dict[str, Any], response_type: str, status: int) -> dict[str, Any] | None:
    """The customised response that applies to an error of ``response_type`` and ``status``, if any:
    the type's own, else DEFAULT_4XX or DEFAULT_5XX by status class."""
    own = customised.get(response_type)
    if own is not None:
        return own
    return customised.get("DEFAULT_4XX" if status < 500 else "DEFAULT_5XX")

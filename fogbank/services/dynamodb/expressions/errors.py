"""The error the expression engine raises: DynamoDB's ValidationException with AWS's message."""

from __future__ import annotations

from fogbank.errors import ServiceError


class ExpressionError(ServiceError):
    """A request whose expressions, placeholders or values DynamoDB refuses (HTTP 400)."""

    code = "ValidationException"
    status = 400


def invalid(kind: str, detail: str) -> ExpressionError:
    """AWS's ``Invalid <Kind>Expression: <detail>`` error for expression ``kind``."""
    return ExpressionError(f"Invalid {kind}: {detail}")

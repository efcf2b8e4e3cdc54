"""PartiQL's refusals, in AWS's words (all ValidationException, HTTP 400)."""

from __future__ import annotations

from fogbank.services.dynamodb.expressions.errors import ExpressionError

MALFORMED = "Statement wasn't well formed, can't be processed: "
NO_KEY = "Where clause does not contain a mandatory equality on all key attributes"
PARAMETER_COUNT = "Number of parameters in request and statement doesn't match."
DUPLICATE = "Duplicate primary key exists in table"


def malformed(detail: str) -> ExpressionError:
    """A syntax error: ``Statement wasn't well formed, can't be processed: <detail>``."""
    return ExpressionError(MALFORMED + detail)


def invalid(message: str) -> ExpressionError:
    """Any other PartiQL ValidationException."""
    return ExpressionError(message)

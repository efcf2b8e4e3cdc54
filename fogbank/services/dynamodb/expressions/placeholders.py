"""Request-wide checks of ExpressionAttributeNames and ExpressionAttributeValues.

DynamoDB checks placeholders across all of a request's expressions at once: every ``#name``
and ``:value`` used must be defined, and every one defined must be used by some expression.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fogbank.services.dynamodb.expressions.errors import ExpressionError, invalid
from fogbank.services.dynamodb.expressions.parser import parse


def validate_placeholders(
    expressions: Mapping[str, str | None],
    names: Mapping[str, str] | None,
    values: Mapping[str, Any] | None,
) -> None:
    """Check a request's placeholders against all its expressions, raising AWS's ValidationException.

    ``expressions`` maps each expression parameter present in the request to its text, e.g.
    ``{"KeyConditionExpression": "pk = :p", "FilterExpression": None, "ProjectionExpression": "#a"}``
    (None or absent for parameters not given). Also raises the expressions' syntax errors.
    """
    given = {kind: text for kind, text in expressions.items() if text is not None}
    if names is not None and not names:
        raise ExpressionError("ExpressionAttributeNames must not be empty")
    if values is not None and not values:
        raise ExpressionError("ExpressionAttributeValues must not be empty")
    if not given:
        if names is not None:
            raise ExpressionError("ExpressionAttributeNames can only be specified when using expressions")
        if values is not None:
            raise ExpressionError("ExpressionAttributeValues can only be specified when using expressions")
        return
    used_names: set[str] = set()
    used_values: set[str] = set()
    for kind, text in given.items():
        parsed = parse(text, kind)
        for ref in parsed.name_refs:
            if names is None or ref not in names:
                raise invalid(
                    kind,
                    "An expression attribute name used in the document path is not defined; "
                    f"attribute name: {ref}",
                )
        for ref in parsed.value_refs:
            if values is None or ref not in values:
                raise invalid(
                    kind,
                    f"An expression attribute value used in expression is not defined; attribute value: {ref}",
                )
        used_names.update(parsed.name_refs)
        used_values.update(parsed.value_refs)
    unused_names = [n for n in names or () if n not in used_names]
    if unused_names:
        raise ExpressionError(
            f"Value provided in ExpressionAttributeNames unused in expressions: keys: {{{', '.join(unused_names)}}}"
        )
    unused_values = [v for v in values or () if v not in used_values]
    if unused_values:
        raise ExpressionError(
            f"Value provided in ExpressionAttributeValues unused in expressions: keys: {{{', '.join(unused_values)}}}"
        )

"""DynamoDB's expression language as a pure engine: parse once, bind to a request, evaluate many.

- ``condition(expr, names, values)`` -> ``Condition`` (ConditionExpression / FilterExpression);
  ``Condition.evaluate(item) -> bool``.
- ``update(expr, names, values)`` -> ``Update``; ``Update.apply(item) -> new item``,
  ``Update.touched`` (top-level names) and ``Update.projection`` (for UPDATED_OLD/NEW).
- ``projection(expr, names)`` -> ``Projection``; ``Projection.apply(item) -> projected item``.
- ``key_condition(expr, names, values, key_schema)`` -> ``KeyCondition`` with
  ``partition_value`` and ``sort`` (None or a ``SortCondition``).
- ``validate_placeholders(expressions, names, values)``: the request-wide unused/undefined checks.
- ``legacy``: Expected, QueryFilter/ScanFilter, KeyConditions, AttributesToGet and
  AttributeUpdates turned into the same objects; ``check_not_mixed`` refuses mixing styles.
- ``item_size``, ``compare_keys``, ``parse_number``, ``canonical_number_text``,
  ``validate_value``, ``validate_expression_values``: value helpers.

Items and values are plain dicts in DynamoDB's wire form. Every refusal is an
``ExpressionError`` (ValidationException, HTTP 400) carrying AWS's message.
"""

from fogbank.services.dynamodb.expressions import legacy
from fogbank.services.dynamodb.expressions.errors import ExpressionError
from fogbank.services.dynamodb.expressions.evaluate import Condition, condition
from fogbank.services.dynamodb.expressions.keycondition import KeyCondition, SortCondition, key_condition
from fogbank.services.dynamodb.expressions.parser import parse, reserved_words
from fogbank.services.dynamodb.expressions.placeholders import validate_placeholders
from fogbank.services.dynamodb.expressions.projection import Projection, projection
from fogbank.services.dynamodb.expressions.update import Update, update
from fogbank.services.dynamodb.expressions.values import (
    canonical_number,
    canonical_number_text,
    compare_keys,
    item_size,
    parse_number,
    validate_expression_values,
    validate_value,
    value_size,
    values_equal,
)

__all__ = [
    "Condition",
    "ExpressionError",
    "KeyCondition",
    "Projection",
    "SortCondition",
    "Update",
    "canonical_number",
    "canonical_number_text",
    "compare_keys",
    "condition",
    "item_size",
    "key_condition",
    "legacy",
    "parse",
    "parse_number",
    "projection",
    "reserved_words",
    "update",
    "validate_expression_values",
    "validate_placeholders",
    "validate_value",
    "value_size",
    "values_equal",
]

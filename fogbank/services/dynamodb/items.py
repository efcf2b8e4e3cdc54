"""Single-item operations as plans: check a request once, then run it inside a store transaction.

PutItem, UpdateItem, DeleteItem and TransactWriteItems' ConditionCheck each become a ``Plan``
(key, condition, how the new item follows from the old one, what to return). ``run`` executes a
plan inside a transaction; the single-item operations, BatchWriteItem and TransactWriteItems
all go through it, so their checks and effects are the same.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fogbank.context import Ctx
from fogbank.services.dynamodb import writes
from fogbank.services.dynamodb.capacity import Consumed, write_units
from fogbank.services.dynamodb.errors import ConditionalCheckFailedException, invalid_parameters, validation
from fogbank.services.dynamodb.expressions import (
    Condition,
    Projection,
    Update,
    condition,
    item_size,
    legacy,
    projection,
    update,
    validate_expression_values,
    validate_placeholders,
    validate_value,
)
from fogbank.services.dynamodb.schema import Table
from fogbank.services.dynamodb.streams import Feed

ITEM_TOO_LARGE = "Item size has exceeded the maximum allowed size"
UPDATE_TOO_LARGE = "Item size to update has exceeded the maximum allowed size"
RETURN_VALUES = {
    "PutItem": ("NONE", "ALL_OLD"),
    "DeleteItem": ("NONE", "ALL_OLD"),
    "UpdateItem": ("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"),
}


@dataclass
class Plan:
    """One checked write (or condition check) on one item."""

    table: Table
    key: tuple
    key_item: dict[str, Any]
    kind: str
    condition: Condition | None
    make: Callable[[dict[str, Any] | None], dict[str, Any] | None] | None
    return_values: str = "NONE"
    return_on_failure: str = "NONE"
    update: Update | None = None


def check_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """An Item parameter with every value checked and numbers canonical."""
    out = {}
    for name, value in item.items():
        if name == "":
            raise invalid_parameters("An AttributeValue may not contain an empty string for the attribute name")
        out[name] = validate_value(value)
    return out


def check_key(table: Table, key: Mapping[str, Any]) -> tuple[tuple, dict[str, Any]]:
    """A Key parameter checked against the table's schema: (store key, canonical key item)."""
    canonical = {name: validate_value(value) for name, value in key.items()}
    return table.check_key(canonical), canonical


def _condition(request: Mapping[str, Any], values: dict[str, Any] | None) -> Condition | None:
    text = request.get("ConditionExpression")
    if text is not None:
        return condition(text, request.get("ExpressionAttributeNames"), values)
    if request.get("Expected"):
        return legacy.expected(request["Expected"], request.get("ConditionalOperator"))
    return None


def _return_values(operation: str, request: Mapping[str, Any]) -> str:
    chosen = request.get("ReturnValues") or "NONE"
    if chosen not in RETURN_VALUES[operation]:
        raise validation("Return values set to invalid value")
    return chosen


def _expressions(request: Mapping[str, Any], *kinds: str) -> dict[str, Any] | None:
    legacy.check_not_mixed(request)
    validate_placeholders(
        {kind: request.get(kind) for kind in kinds},
        request.get("ExpressionAttributeNames"),
        request.get("ExpressionAttributeValues"),
    )
    return validate_expression_values(request.get("ExpressionAttributeValues"))


def plan_put(table: Table, request: Mapping[str, Any], operation: str = "PutItem") -> Plan:
    """A PutItem (or a transaction's / batch's Put) after all its checks."""
    values = _expressions(request, "ConditionExpression")
    item = check_item(request["Item"])
    key = table.check_item_key(item)
    table.check_index_keys(item)
    if item_size(item) > writes.MAX_ITEM_BYTES:
        raise validation(ITEM_TOO_LARGE)
    returns = _return_values("PutItem", request) if operation == "PutItem" else "NONE"
    return Plan(
        table, key, table.key_of(item), "Put", _condition(request, values), lambda old: item, returns,
        request.get("ReturnValuesOnConditionCheckFailure") or "NONE",
    )


def plan_delete(table: Table, request: Mapping[str, Any], operation: str = "DeleteItem") -> Plan:
    """A DeleteItem (or a transaction's / batch's Delete) after all its checks."""
    values = _expressions(request, "ConditionExpression")
    key, key_item = check_key(table, request["Key"])
    returns = _return_values("DeleteItem", request) if operation == "DeleteItem" else "NONE"
    return Plan(
        table, key, key_item, "Delete", _condition(request, values), lambda old: None, returns,
        request.get("ReturnValuesOnConditionCheckFailure") or "NONE",
    )


def plan_check(table: Table, request: Mapping[str, Any]) -> Plan:
    """A transaction's ConditionCheck."""
    values = _expressions(request, "ConditionExpression")
    key, key_item = check_key(table, request["Key"])
    return Plan(
        table, key, key_item, "ConditionCheck", _condition(request, values), None, "NONE",
        request.get("ReturnValuesOnConditionCheckFailure") or "NONE",
    )


def plan_update(table: Table, request: Mapping[str, Any], operation: str = "UpdateItem") -> Plan:
    """An UpdateItem (or a transaction's Update) after all its checks."""
    values = _expressions(request, "UpdateExpression", "ConditionExpression")
    key, key_item = check_key(table, request["Key"])
    text = request.get("UpdateExpression")
    change: Update | None = None
    if text is not None:
        change = update(text, request.get("ExpressionAttributeNames"), values)
    elif request.get("AttributeUpdates"):
        spec = {name: dict(rule) for name, rule in request["AttributeUpdates"].items()}
        for rule in spec.values():
            if rule.get("Value") is not None:
                rule["Value"] = validate_value(rule["Value"])
        change = legacy.attribute_updates(spec)
    if change is not None:
        for name in table.key_names:
            if name in change.touched:
                raise invalid_parameters(f"Cannot update attribute {name}. This attribute is part of the key")
    returns = _return_values("UpdateItem", request) if operation == "UpdateItem" else "NONE"

    def make(old: dict[str, Any] | None) -> dict[str, Any]:
        base = old if old is not None else dict(key_item)
        new = change.apply(base) if change is not None else dict(base)
        if item_size(new) > writes.MAX_ITEM_BYTES:
            raise validation(UPDATE_TOO_LARGE)
        table.check_index_keys(new)
        return new

    return Plan(
        table, key, key_item, "Update", _condition(request, values), make, returns,
        request.get("ReturnValuesOnConditionCheckFailure") or "NONE", change,
    )


def projection_of(request: Mapping[str, Any]) -> Projection | None:
    """The ProjectionExpression or AttributesToGet of a read request."""
    text = request.get("ProjectionExpression")
    if text is not None:
        return projection(text, request.get("ExpressionAttributeNames"))
    if request.get("AttributesToGet"):
        return legacy.attributes_to_get(request["AttributesToGet"])
    return None


def check_condition(plan: Plan, old: dict[str, Any] | None) -> None:
    """Raise ConditionalCheckFailedException when the plan's condition does not hold on ``old``."""
    if plan.condition is not None and not plan.condition.evaluate(old or {}):
        raise ConditionalCheckFailedException(old if plan.return_on_failure == "ALL_OLD" and old else None)


def run(
    ctx: Ctx,
    txn: Any,
    feed: Feed,
    plan: Plan,
    consumed: Consumed | None,
    transactional: bool = False,
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Execute a plan in ``txn``: (old item, new item). A failed condition still costs its write."""
    old, old_size = writes.load_sized(ctx, txn, plan.table, plan.key)
    try:
        check_condition(plan, old)
    except ConditionalCheckFailedException:
        if consumed is not None:
            consumed.units += write_units(old_size, transactional)
        raise
    if plan.make is None:
        return old, old
    new = plan.make(old)
    if new is None and old is None:
        if consumed is not None:
            consumed.units += write_units(0, transactional)
        return None, None
    writes.apply(ctx, txn, feed, plan.table, plan.key, old, new, consumed, transactional, old_size=old_size)
    return old, new


def returned(plan: Plan, old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, Any] | None:
    """The Attributes member for the plan's ReturnValues."""
    mode = plan.return_values
    if mode == "ALL_OLD":
        return old or None
    if mode == "ALL_NEW":
        return new or None
    if mode in ("UPDATED_OLD", "UPDATED_NEW") and plan.update is not None:
        source = old if mode == "UPDATED_OLD" else new
        return plan.update.projection.apply(source or {}) or None
    return None

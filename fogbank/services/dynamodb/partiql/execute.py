"""ExecuteStatement, BatchExecuteStatement and ExecuteTransaction, run through the native operations.

A statement is parsed (cached by text), its ``?`` bound from Parameters, and translated into the
native request it stands for (see ``translate``); the provider's own operation then runs it, so
PartiQL writes take the same path as PutItem/UpdateItem/DeleteItem and TransactWriteItems
(conditions, indexes, TTL, streams, capacity and throttling included).

- ExecuteStatement: SELECT pages with Limit and an opaque NextToken (the LastEvaluatedKey);
  writes answer ``Items`` (the RETURNING values, if any). An INSERT over an existing key is
  DuplicateItemException.
- BatchExecuteStatement: up to 25 statements, all reads (each naming a full key) or all writes;
  each gets its own response or ``Error`` (codes as BatchStatementErrorCodeEnum names them).
- ExecuteTransaction: up to 100 statements, all reads or all writes (EXISTS checks count as
  writes), all-or-nothing; cancellation reasons as TransactWriteItems gives them, with
  ``DuplicateItem`` for an INSERT that found its key taken.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import TYPE_CHECKING, Any

from fogbank.context import Ctx
from fogbank.errors import ServiceError
from fogbank.services.dynamodb import store as keys
from fogbank.services.dynamodb.batches import DUPLICATES
from fogbank.services.dynamodb.capacity import Consumed, merge
from fogbank.services.dynamodb.errors import (
    ConditionalCheckFailedException,
    DuplicateItemException,
    TransactionCanceledException,
)
from fogbank.services.dynamodb.expressions import condition, projection
from fogbank.services.dynamodb.partiql import ast
from fogbank.services.dynamodb.partiql.errors import DUPLICATE, invalid
from fogbank.services.dynamodb.partiql.parser import parse_statement
from fogbank.services.dynamodb.partiql.translate import Native, bind_parameters, plan, target_of

if TYPE_CHECKING:
    from fogbank.services.dynamodb.provider import Provider

#: What a failed statement of a batch answers as its Error code (BatchStatementErrorCodeEnum).
_BATCH_CODES = {
    "ConditionalCheckFailedException": "ConditionalCheckFailed",
    "DuplicateItemException": "DuplicateItem",
    "ValidationException": "ValidationError",
    "ResourceNotFoundException": "ResourceNotFound",
    "ProvisionedThroughputExceededException": "ProvisionedThroughputExceeded",
    "ItemCollectionSizeLimitExceededException": "ItemCollectionSizeLimitExceeded",
    "RequestLimitExceeded": "RequestLimitExceeded",
    "ThrottlingException": "ThrottlingError",
    "TransactionConflictException": "TransactionConflict",
    "AccessDeniedException": "AccessDenied",
}
MIXED = "Statements in a {} must either all be reads or all be writes"


def _parse(text: str) -> ast.Parsed:
    try:
        return parse_statement(text)
    except RecursionError:
        raise invalid("Statement wasn't well formed, can't be processed: statement is nested too deeply") from None


def _prepare(provider: Provider, ctx: Ctx, spec: dict[str, Any], single: bool = False) -> Native:
    parsed = _parse(spec["Statement"])
    parameters = bind_parameters(parsed.parameters, spec.get("Parameters"))
    table = provider._table(ctx, target_of(parsed.statement).table)
    return plan(parsed.statement, table, parameters, single)


def _is_read(statement: ast.Statement) -> bool:
    return isinstance(statement, ast.Select)


# --- NextToken ---------------------------------------------------------------------------------


def _token(last_key: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(keys.dump_item(last_key, 0)).decode("ascii")


def _start_key(token: str) -> dict[str, Any]:
    try:
        start = keys.load_item(base64.urlsafe_b64decode(token.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError, json.JSONDecodeError):
        raise invalid("Invalid NextToken") from None
    if not isinstance(start, dict):
        raise invalid("Invalid NextToken")
    return start


# --- ExecuteStatement --------------------------------------------------------------------------


def execute_statement(provider: Provider, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """ExecuteStatement."""
    native = _prepare(provider, ctx, request)
    mode = request.get("ReturnConsumedCapacity")
    call = dict(native.request)
    if mode:
        call["ReturnConsumedCapacity"] = mode
    out: dict[str, Any]
    if native.op in ("Query", "Scan"):
        if request.get("Limit") is not None:
            call["Limit"] = request["Limit"]
        if request.get("ConsistentRead"):
            call["ConsistentRead"] = True
        if request.get("NextToken"):
            call["ExclusiveStartKey"] = _start_key(request["NextToken"])
        answer = provider.query(ctx, call) if native.op == "Query" else provider.scan(ctx, call)
        out = {"Items": answer.get("Items", [])}
        if "LastEvaluatedKey" in answer:
            out["LastEvaluatedKey"] = answer["LastEvaluatedKey"]
            out["NextToken"] = _token(answer["LastEvaluatedKey"])
    elif native.op == "ConditionCheck":
        raise invalid("EXISTS statements are supported only in ExecuteTransaction")
    else:
        if request.get("ReturnValuesOnConditionCheckFailure") and native.op != "PutItem":
            call["ReturnValuesOnConditionCheckFailure"] = request["ReturnValuesOnConditionCheckFailure"]
        answer = _write(provider, ctx, native, call)
        out = {"Items": [answer["Attributes"]] if answer.get("Attributes") else []}
    if "ConsumedCapacity" in answer:
        out["ConsumedCapacity"] = answer["ConsumedCapacity"]
    return out


def _write(provider: Provider, ctx: Ctx, native: Native, call: dict[str, Any]) -> dict[str, Any]:
    """Run a translated INSERT/UPDATE/DELETE as its native operation."""
    if native.op == "PutItem":
        try:
            return provider.put_item(ctx, call)
        except ConditionalCheckFailedException:
            raise DuplicateItemException(DUPLICATE) from None
    if native.op == "UpdateItem":
        return provider.update_item(ctx, call)
    return provider.delete_item(ctx, call)


def _filtered(native: Native, item: dict[str, Any] | None) -> dict[str, Any] | None:
    """A single-item SELECT's item after its non-key conditions and its projection."""
    if item is None:
        return None
    if native.filter is not None and not condition(native.filter, native.names, native.values).evaluate(item):
        return None
    if native.projection is not None:
        return projection(native.projection, native.names).apply(item)
    return item


def _consumed(described: dict[str, Any] | None, read: bool) -> list[Consumed]:
    """Consumed records back from an INDEXES ConsumedCapacity description."""
    if not described:
        return []
    c = Consumed(described["TableName"], read, units=described.get("Table", {}).get("CapacityUnits", described["CapacityUnits"]))
    for name, units in (described.get("GlobalSecondaryIndexes") or {}).items():
        c.add_index("GSI", name, units["CapacityUnits"])
    for name, units in (described.get("LocalSecondaryIndexes") or {}).items():
        c.add_index("LSI", name, units["CapacityUnits"])
    return [c]


def _capacity(used: list[Consumed], mode: str | None) -> list[dict[str, Any]] | None:
    if mode not in ("TOTAL", "INDEXES"):
        return None
    return [c.describe(mode) for c in merge(used)]  # type: ignore[misc]


# --- BatchExecuteStatement ---------------------------------------------------------------------


def batch_execute(provider: Provider, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """BatchExecuteStatement: every statement answered on its own, in order."""
    specs = request["Statements"]
    prepared: list[Native | ServiceError] = []
    for spec in specs:
        try:
            parsed = _parse(spec["Statement"])
            if isinstance(parsed.statement, ast.Exists):
                raise invalid("EXISTS statements are supported only in ExecuteTransaction")
            prepared.append(_prepare(provider, ctx, spec, single=True))
        except ServiceError as error:
            prepared.append(error)
    natives = [p for p in prepared if isinstance(p, Native)]
    if len({_is_read(n.statement) for n in natives}) > 1:
        raise invalid(MIXED.format("batch"))
    targets = [(n.table, keys.dump(n.request.get("Key") or n.request.get("Item"))) for n in natives if n.op != "GetItem"]
    if len(set(targets)) != len(targets):
        raise invalid(DUPLICATES)
    used: list[Consumed] = []
    responses: list[dict[str, Any]] = []
    for spec, native in zip(specs, prepared, strict=True):
        if isinstance(native, ServiceError):
            responses.append({"Error": _batch_error(native)})
            continue
        try:
            responses.append(_batch_one(provider, ctx, spec, native, used))
        except ServiceError as error:
            responses.append({"Error": _batch_error(error), "TableName": native.table})
    out: dict[str, Any] = {"Responses": responses}
    capacity = _capacity(used, request.get("ReturnConsumedCapacity"))
    if capacity is not None:
        out["ConsumedCapacity"] = capacity
    return out


def _batch_one(provider: Provider, ctx: Ctx, spec: dict[str, Any], native: Native, used: list[Consumed]) -> dict[str, Any]:
    call = dict(native.request, ReturnConsumedCapacity="INDEXES")
    if native.op == "GetItem":
        if spec.get("ConsistentRead"):
            call["ConsistentRead"] = True
        got = provider.get_item(ctx, call)
        used += _consumed(got.get("ConsumedCapacity"), read=True)
        item = _filtered(native, got.get("Item"))
        return {"TableName": native.table, "Item": item} if item is not None else {"TableName": native.table}
    if spec.get("ReturnValuesOnConditionCheckFailure") and native.op != "PutItem":
        call["ReturnValuesOnConditionCheckFailure"] = spec["ReturnValuesOnConditionCheckFailure"]
    call.pop("ReturnValues", None)
    written = _write(provider, ctx, native, call)
    used += _consumed(written.get("ConsumedCapacity"), read=False)
    return {"TableName": native.table}


def _batch_error(error: ServiceError) -> dict[str, Any]:
    out: dict[str, Any] = {"Code": _BATCH_CODES.get(error.code, "InternalServerError"), "Message": error.message}
    item = (error.fields or {}).get("Item")
    if item:
        out["Item"] = item
    return out


# --- ExecuteTransaction ------------------------------------------------------------------------


def execute_transaction(provider: Provider, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """ExecuteTransaction: all reads (TransactGetItems) or all writes (TransactWriteItems)."""
    specs = request["TransactStatements"]
    parsed = [_parse(s["Statement"]).statement for s in specs]
    reads = {_is_read(p) for p in parsed}
    if len(reads) > 1:
        raise invalid(MIXED.format("transaction"))
    natives = [_prepare(provider, ctx, s, single=True) for s in specs]
    mode = request.get("ReturnConsumedCapacity")
    if reads == {True}:
        call: dict[str, Any] = {"TransactItems": [{"Get": n.request} for n in natives]}
        if mode:
            call["ReturnConsumedCapacity"] = mode
        got = provider.transact_get_items(ctx, call)
        responses = []
        for native, response in zip(natives, got["Responses"], strict=True):
            item = _filtered(native, response.get("Item"))
            responses.append({"Item": item} if item is not None else {})
        out: dict[str, Any] = {"Responses": responses}
        if "ConsumedCapacity" in got:
            out["ConsumedCapacity"] = got["ConsumedCapacity"]
        return out
    actions = []
    for spec, native in zip(specs, natives, strict=True):
        if "ReturnValues" in native.request:
            raise invalid("RETURNING is not supported in ExecuteTransaction")
        action = dict(native.request)
        if spec.get("ReturnValuesOnConditionCheckFailure"):
            action["ReturnValuesOnConditionCheckFailure"] = spec["ReturnValuesOnConditionCheckFailure"]
        kind = {"PutItem": "Put", "UpdateItem": "Update", "DeleteItem": "Delete"}.get(native.op, native.op)
        actions.append({kind: action})
    call = {"TransactItems": actions}
    if request.get("ClientRequestToken"):
        call["ClientRequestToken"] = request["ClientRequestToken"]
    if mode:
        call["ReturnConsumedCapacity"] = mode
    try:
        written = provider.transact_write_items(ctx, call)
    except TransactionCanceledException as error:
        reasons = list(error.fields["CancellationReasons"])
        for i, native in enumerate(natives):
            if native.op == "PutItem" and reasons[i].get("Code") == "ConditionalCheckFailed":
                reasons[i] = {"Code": "DuplicateItem", "Message": DUPLICATE}
        raise TransactionCanceledException(reasons) from None
    out = {}
    if "ConsumedCapacity" in written:
        out["ConsumedCapacity"] = written["ConsumedCapacity"]
    return out

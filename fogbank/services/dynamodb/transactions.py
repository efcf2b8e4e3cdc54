"""TransactWriteItems and TransactGetItems: all-or-nothing, with AWS's cancellation reasons.

Every action is checked first (a malformed action fails the request with ValidationException);
then, inside one store transaction, every condition is evaluated against the items as they are
and, only if all hold, every write is applied. A failed transaction answers
TransactionCanceledException with one reason per action, in request order. ClientRequestToken
makes a TransactWriteItems idempotent for 10 minutes: the same request again answers as the
first did without writing; another request with the token is refused.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from fogbank.context import Ctx
from fogbank.errors import ServiceError
from fogbank.services.dynamodb import store as keys
from fogbank.services.dynamodb import writes
from fogbank.services.dynamodb.batches import _capacity
from fogbank.services.dynamodb.capacity import Consumed, read_units, write_units
from fogbank.services.dynamodb.errors import (
    ConditionalCheckFailedException,
    IdempotentParameterMismatchException,
    TransactionCanceledException,
    validation,
)
from fogbank.services.dynamodb.expressions import item_size, validate_placeholders
from fogbank.services.dynamodb.items import (
    Plan,
    check_condition,
    check_key,
    plan_check,
    plan_delete,
    plan_put,
    plan_update,
    projection_of,
)

if TYPE_CHECKING:
    from fogbank.services.dynamodb.provider import Provider

TOKEN_SECONDS = 600
MAX_ACTIONS = 100
SAME_ITEM = "Transaction request cannot include multiple operations on one item"


class Tokens:
    """Reads and writes ClientRequestToken records (kept in the store)."""

    def find(self, ctx: Ctx, token: str) -> dict[str, Any] | None:
        """The live record of ``token``, or None."""
        raw = ctx.store.get(keys.token_key(ctx.account, ctx.region, token))
        if raw is None:
            return None
        record = keys.load(raw)
        if ctx.clock.now() - record["t"] > TOKEN_SECONDS:
            return None
        return record

    def save(self, ctx: Ctx, txn: Any, token: str, digest: str) -> None:
        """Remember ``token`` for this request."""
        txn.put(keys.token_key(ctx.account, ctx.region, token), keys.dump({"t": ctx.clock.now(), "digest": digest}))


def _digest(request: dict[str, Any]) -> str:
    body = {k: v for k, v in request.items() if k not in ("ClientRequestToken", "ReturnConsumedCapacity")}
    return hashlib.sha256(keys.dump(body)).hexdigest()


def _plan(provider: Provider, ctx: Ctx, action: dict[str, Any]) -> Plan:
    if len(action) != 1:
        raise validation("TransactItems can only contain one of Check, Put, Update or Delete")
    kind, spec = next(iter(action.items()))
    table = provider._table(ctx, spec["TableName"])
    if kind == "Put":
        return plan_put(table, spec, "Transaction")
    if kind == "Delete":
        return plan_delete(table, spec, "Transaction")
    if kind == "Update":
        return plan_update(table, spec, "Transaction")
    if "ConditionExpression" not in spec:
        raise validation("1 validation error detected: Value null at 'conditionExpression' failed to satisfy constraint: Member must not be null")
    return plan_check(table, spec)


def transact_write(provider: Provider, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """TransactWriteItems."""
    actions = request["TransactItems"]
    if len(actions) > MAX_ACTIONS:
        raise validation(f"1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to {MAX_ACTIONS}")
    token = request.get("ClientRequestToken")
    digest = _digest(request) if token else ""
    plans = [_plan(provider, ctx, a) for a in actions]
    targets = {(p.table.name, p.key) for p in plans}
    if len(targets) != len(plans):
        raise validation(SAME_ITEM)
    if token:
        seen = provider.tokens.find(ctx, token)
        if seen is not None:
            if seen["digest"] != digest:
                raise IdempotentParameterMismatchException("Request parameters do not match the ones in the original request")
            return _answer(request, [Consumed(p.table.name, read=False, units=write_units(0, True)) for p in plans])
    for p in plans:
        provider.buckets.admit(ctx, p.table, read=False)
    used: dict[str, Consumed] = {}
    with ctx.store.transaction() as txn:
        olds = [writes.load(ctx, txn, p.table, p.key) for p in plans]
        reasons: list[dict[str, Any]] = []
        failed = False
        news: list[dict[str, Any] | None] = []
        for plan, old in zip(plans, olds, strict=True):
            try:
                check_condition(plan, old)
                news.append(plan.make(old) if plan.make is not None else old)
                reasons.append({"Code": "None"})
            except ConditionalCheckFailedException as err:
                failed = True
                reason = {"Code": "ConditionalCheckFailed", "Message": err.message}
                if err.fields.get("Item"):
                    reason["Item"] = err.fields["Item"]
                reasons.append(reason)
                news.append(None)
            except ServiceError as err:
                failed = True
                reasons.append({"Code": "ValidationError", "Message": err.message})
                news.append(None)
        if failed:
            raise TransactionCanceledException(reasons)
        for plan, old, new in zip(plans, olds, news, strict=True):
            consumed = used.setdefault(plan.table.name, Consumed(plan.table.name, read=False))
            if plan.make is None or (old is None and new is None):
                consumed.units += write_units(item_size(old) if old else 0, True)
                continue
            writes.apply(ctx, txn, provider.feed, plan.table, plan.key, old, new, consumed, transactional=True)
        if token:
            provider.tokens.save(ctx, txn, token, digest)
    tables = {p.table.name: p.table for p in plans}
    for name, consumed in used.items():
        provider.buckets.charge(ctx, tables[name], consumed)
    return _answer(request, list(used.values()))


def _answer(request: dict[str, Any], consumed: list[Consumed]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    capacity = _capacity(consumed, request.get("ReturnConsumedCapacity"))
    if capacity is not None:
        out["ConsumedCapacity"] = capacity
    return out


def transact_get(provider: Provider, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """TransactGetItems."""
    actions = request["TransactItems"]
    gets = []
    for action in actions:
        spec = action["Get"]
        table = provider._table(ctx, spec["TableName"])
        validate_placeholders({"ProjectionExpression": spec.get("ProjectionExpression")}, spec.get("ExpressionAttributeNames"), None)
        key, _ = check_key(table, spec["Key"])
        gets.append((table, key, projection_of(spec)))
    if len({(t.name, k) for t, k, _ in gets}) != len(gets):
        raise validation(SAME_ITEM)
    responses = []
    used: dict[str, Consumed] = {}
    for table, key, projection in gets:
        provider.buckets.admit(ctx, table, read=True)
        item = writes.load(ctx, ctx.store, table, key)
        consumed = used.setdefault(table.name, Consumed(table.name, read=True))
        consumed.units += read_units(item_size(item) if item else 0, True, transactional=True)
        if item is None:
            responses.append({})
        else:
            responses.append({"Item": projection.apply(item) if projection is not None else item})
    tables = {t.name: t for t, _, _ in gets}
    for name, consumed in used.items():
        provider.buckets.charge(ctx, tables[name], consumed)
    out: dict[str, Any] = {"Responses": responses}
    capacity = _capacity(list(used.values()), request.get("ReturnConsumedCapacity"))
    if capacity is not None:
        out["ConsumedCapacity"] = capacity
    return out


"""BatchGetItem (100 keys, 16 MB) and BatchWriteItem (25 puts or deletes, no duplicates).

Each table's keys are checked before anything is read or written (a bad entry fails the whole
batch); a table whose provisioned capacity is spent has its entries returned as unprocessed,
and if every entry is unprocessed the batch fails with ProvisionedThroughputExceededException.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fogbank.context import Ctx
from fogbank.services.dynamodb import writes
from fogbank.services.dynamodb.capacity import Consumed, merge, read_units
from fogbank.services.dynamodb.errors import ProvisionedThroughputExceededException, validation
from fogbank.services.dynamodb.expressions import item_size, legacy, validate_placeholders
from fogbank.services.dynamodb.items import check_key, plan_delete, plan_put, projection_of, run

if TYPE_CHECKING:
    from fogbank.services.dynamodb.provider import Provider

MAX_GET_KEYS = 100
MAX_WRITES = 25
MAX_GET_BYTES = 16 * 1024 * 1024
DUPLICATES = "Provided list of item keys contains duplicates"


def _capacity(consumed: list[Consumed], mode: str | None) -> list[dict[str, Any]] | None:
    if mode not in ("TOTAL", "INDEXES"):
        return None
    return [c.describe(mode) for c in merge(consumed)]  # type: ignore[misc]


def batch_get(provider: Provider, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """BatchGetItem."""
    spec = request["RequestItems"]
    if sum(len(t.get("Keys") or []) for t in spec.values()) > MAX_GET_KEYS:
        raise validation("Too many items requested for the BatchGetItem call")
    plans = []
    for name, entry in spec.items():
        table = provider._table(ctx, name)
        legacy.check_not_mixed(entry)
        validate_placeholders({"ProjectionExpression": entry.get("ProjectionExpression")}, entry.get("ExpressionAttributeNames"), None)
        projection = projection_of(entry)
        checked = [check_key(table, k) for k in entry["Keys"]]
        if len({k for k, _ in checked}) != len(checked):
            raise validation(DUPLICATES)
        plans.append((name, entry, table, projection, checked))
    responses: dict[str, list[dict[str, Any]]] = {}
    unprocessed: dict[str, dict[str, Any]] = {}
    consumed: list[Consumed] = []
    total = 0
    for name, entry, table, projection, checked in plans:
        responses.setdefault(name, [])
        try:
            provider.buckets.admit(ctx, table, read=True)
        except ProvisionedThroughputExceededException:
            unprocessed[name] = dict(entry)
            continue
        consistent = bool(entry.get("ConsistentRead"))
        used = Consumed(table.name, read=True)
        left: list[dict[str, Any]] = []
        for key, key_item in checked:
            if total >= MAX_GET_BYTES:
                left.append(key_item)
                continue
            item = writes.load(ctx, ctx.store, table, key)
            size = item_size(item) if item else 0
            used.units += read_units(size, consistent)
            total += size
            if item is not None:
                responses[name].append(projection.apply(item) if projection is not None else item)
        provider.buckets.charge(ctx, table, used)
        consumed.append(used)
        if left:
            unprocessed[name] = dict(entry, Keys=left)
    if unprocessed and not any(responses.values()) and all(n in unprocessed and len(unprocessed[n]["Keys"]) == len(spec[n]["Keys"]) for n in spec):
        raise ProvisionedThroughputExceededException()
    out: dict[str, Any] = {"Responses": responses, "UnprocessedKeys": unprocessed}
    capacity = _capacity(consumed, request.get("ReturnConsumedCapacity"))
    if capacity is not None:
        out["ConsumedCapacity"] = capacity
    return out


def batch_write(provider: Provider, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """BatchWriteItem."""
    spec = request["RequestItems"]
    if sum(len(v) for v in spec.values()) > MAX_WRITES:
        raise validation("Too many items requested for the BatchWriteItem call")
    work = []
    for name, entries in spec.items():
        table = provider._table(ctx, name)
        seen: set[tuple] = set()
        plans = []
        for entry in entries:
            put, delete = entry.get("PutRequest"), entry.get("DeleteRequest")
            if (put is None) == (delete is None):
                raise validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
            plan = plan_put(table, {"Item": put["Item"]}, "Batch") if put is not None else plan_delete(table, {"Key": delete["Key"]}, "Batch")
            if plan.key in seen:
                raise validation(DUPLICATES)
            seen.add(plan.key)
            plans.append((entry, plan))
        work.append((name, table, plans))
    unprocessed: dict[str, list[dict[str, Any]]] = {}
    consumed: list[Consumed] = []
    done = 0
    for name, table, plans in work:
        try:
            provider.buckets.admit(ctx, table, read=False, indexes=[n for n, i in table.indexes.items() if i.kind == "GSI"])
        except ProvisionedThroughputExceededException:
            unprocessed[name] = [entry for entry, _ in plans]
            continue
        used = Consumed(table.name, read=False)
        try:
            with ctx.store.transaction() as txn:
                for _, plan in plans:
                    run(ctx, txn, provider.feed, plan, used)
                    done += 1
        finally:
            provider.buckets.charge(ctx, table, used)
        consumed.append(used)
    if unprocessed and not done:
        raise ProvisionedThroughputExceededException()
    out: dict[str, Any] = {"UnprocessedItems": unprocessed}
    capacity = _capacity(consumed, request.get("ReturnConsumedCapacity"))
    if capacity is not None:
        out["ConsumedCapacity"] = capacity
    return out

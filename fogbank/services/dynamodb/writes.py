"""The one write path every item change takes: the item, its index entries, its expiry entry
and its stream record, in one store transaction, with the write capacity it costs.

Index entries are the projected item under the index key followed by the table key, so a Query
on an index is a range scan too. A change that moves an index key costs two index writes (the
old entry out, the new one in), one that only changes projected attributes one, others none.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from fogbank.context import Ctx
from fogbank.services.dynamodb import store as keys
from fogbank.services.dynamodb.capacity import Consumed, write_units
from fogbank.services.dynamodb.expressions import item_size
from fogbank.services.dynamodb.schema import Table
from fogbank.services.dynamodb.streams import Feed

MAX_ITEM_BYTES = 400 * 1024


def expiry_of(item: dict[str, Any] | None, attribute: str | None) -> int | None:
    """The epoch second an item expires at under TTL ``attribute`` (None if it never does)."""
    if not item or attribute is None:
        return None
    value = item.get(attribute)
    if not value or "N" not in value:
        return None
    try:
        seconds = Decimal(value["N"])
    except InvalidOperation:
        return None
    # DynamoDB ignores TTL values more than five years in the past
    return int(seconds) if seconds > 0 else None


def apply(
    ctx: Ctx,
    txn: Any,
    feed: Feed,
    table: Table,
    key: tuple,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    consumed: Consumed | None = None,
    transactional: bool = False,
    service: bool = False,
    old_size: int | None = None,
) -> None:
    """Write ``new`` (or delete, when None) over ``old`` at ``key``, keeping everything in step.

    ``old_size`` is ``old``'s size when the caller has it from the stored document.
    """
    a, r, name = ctx.account, ctx.region, table.name
    item_key = keys.items_prefix(a, r, name) + key
    new_size = item_size(new) if new is not None else 0
    if new is None:
        txn.delete(item_key)
    else:
        txn.put(item_key, keys.dump_item(new, new_size))
    if consumed is not None:
        if old_size is None:
            old_size = item_size(old) if old else 0
        consumed.units += write_units(max(old_size, new_size), transactional)
    for index in table.indexes.values():
        had, has = index.holds(old), index.holds(new)
        if not had and not has:
            continue
        prefix = keys.index_prefix(a, r, name, index.name)
        old_key = prefix + table.index_entry_key(index, old, key) if had else None  # type: ignore[arg-type]
        new_key = prefix + table.index_entry_key(index, new, key) if has else None  # type: ignore[arg-type]
        old_entry = index.project(old) if had else None  # type: ignore[arg-type]
        new_entry = index.project(new) if has else None  # type: ignore[arg-type]
        units = 0.0
        if old_key is not None and old_key != new_key:
            txn.delete(old_key)
            units += write_units(item_size(old_entry), transactional)  # type: ignore[arg-type]
        if new_key is not None and (new_key != old_key or new_entry != old_entry):
            entry_size = item_size(new_entry)  # type: ignore[arg-type]
            txn.put(new_key, keys.dump_item(new_entry, entry_size))  # type: ignore[arg-type]
            units += write_units(entry_size, transactional)
        if consumed is not None and units:
            consumed.add_index(index.kind, index.name, units)
    ttl = table.ttl_attribute
    if ttl is not None:
        before, after = expiry_of(old, ttl), expiry_of(new, ttl)
        if before != after:
            if before is not None:
                txn.delete(keys.ttl_prefix(a, r, name) + (before,) + key)
            if after is not None:
                txn.put(keys.ttl_prefix(a, r, name) + (after,) + key, b"")
    if table.record.get("pitr"):
        _remember(ctx, txn, table, key, old)
    stream = table.stream
    if stream is not None:
        source = new if new is not None else old
        feed.append(ctx, txn, name, stream, table.key_of(source), old, new, service=service)  # type: ignore[arg-type]


def _remember(ctx: Ctx, txn: Any, table: Table, key: tuple, old: dict[str, Any] | None) -> None:
    # point-in-time recovery needs the item as it was before its first change at each instant
    at = keys.pitr_prefix(ctx.account, ctx.region, table.name) + key + (int(ctx.clock.now() * 1_000_000),)
    if txn.get(at) is None:
        txn.put(at, keys.dump_item(old, item_size(old)) if old is not None else b"")


def load(ctx: Ctx, reader: Any, table: Table, key: tuple) -> dict[str, Any] | None:
    """The item stored at ``key`` (through ``reader``: the store or a transaction), or None."""
    raw = reader.get(keys.items_prefix(ctx.account, ctx.region, table.name) + key)
    return keys.load_item(raw) if raw is not None else None


def load_sized(ctx: Ctx, reader: Any, table: Table, key: tuple) -> tuple[dict[str, Any] | None, int]:
    """The item stored at ``key`` and its size (None and 0 when there is none)."""
    raw = reader.get(keys.items_prefix(ctx.account, ctx.region, table.name) + key)
    return keys.load_sized(raw) if raw is not None else (None, 0)


def backfill(ctx: Ctx, table: Table, index_name: str) -> None:
    """Fill a new GSI from the table's items (UpdateTable's index creation)."""
    index = table.indexes[index_name]
    a, r, name = ctx.account, ctx.region, table.name
    prefix = keys.items_prefix(a, r, name)
    iprefix = keys.index_prefix(a, r, name, index_name)
    batch: list[tuple[tuple, bytes]] = []
    for store_key, raw in ctx.store.scan(prefix=prefix):
        item = keys.load_item(raw)
        if index.holds(item):
            entry = index.project(item)
            batch.append((iprefix + table.index_entry_key(index, item, store_key[len(prefix):]), keys.dump_item(entry, item_size(entry))))
        if len(batch) >= 1000:
            _put_all(ctx, batch)
    _put_all(ctx, batch)


def _put_all(ctx: Ctx, batch: list[tuple[tuple, bytes]]) -> None:
    if batch:
        with ctx.store.transaction() as txn:
            for k, v in batch:
                txn.put(k, v)
        batch.clear()


def backfill_ttl(ctx: Ctx, table: Table) -> None:
    """Index every item's expiry when TTL is switched on."""
    a, r, name = ctx.account, ctx.region, table.name
    prefix = keys.items_prefix(a, r, name)
    tprefix = keys.ttl_prefix(a, r, name)
    batch: list[tuple[tuple, bytes]] = []
    for store_key, raw in ctx.store.scan(prefix=prefix):
        expires = expiry_of(keys.load_item(raw), table.ttl_attribute)
        if expires is not None:
            batch.append((tprefix + (expires,) + store_key[len(prefix):], b""))
        if len(batch) >= 1000:
            _put_all(ctx, batch)
    _put_all(ctx, batch)

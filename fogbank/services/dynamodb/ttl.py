"""Time to live: items whose TTL attribute (epoch seconds) has passed on fogbank's clock are
deleted, each written to the stream as a service deletion (``userIdentity`` dynamodb.amazonaws.com).

Expiry entries (..., "ttl", table, expires_at, key) make finding what is due one range scan.
A worker thread sweeps the tables it knows of each clock second (and at once when the clock is
advanced); every request on a TTL table sweeps it first too, so a reader never waits for the
worker to see an expired item go.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

from fogbank.context import Ctx
from fogbank.services.dynamodb import store as keys
from fogbank.services.dynamodb import writes
from fogbank.services.dynamodb.schema import Table
from fogbank.services.dynamodb.streams import Feed
from fogbank.services.dynamodb.tables import Registry

BATCH = 500


class Sweeper:
    """Deletes expired items of TTL tables, on demand and from a background thread."""

    def __init__(self, registry: Registry, feed: Feed) -> None:
        self.registry = registry
        self.feed = feed
        self._watched: set[tuple[str, str, str]] = set()
        self._lock = threading.Lock()

    def clear(self) -> None:
        """Forget the watched tables."""
        with self._lock:
            self._watched.clear()

    def watch(self, ctx: Ctx, name: str) -> None:
        """Have the worker sweep this table."""
        with self._lock:
            self._watched.add((ctx.account, ctx.region, name))

    def sweep(self, ctx: Ctx, table: Table) -> int:
        """Delete the table's items that are due; returns how many went."""
        attribute = table.ttl_attribute
        if attribute is None:
            return 0
        self.watch(ctx, table.name)
        prefix = keys.ttl_prefix(ctx.account, ctx.region, table.name)
        now = Decimal(repr(ctx.clock.now()))
        due = [key for key, _ in ctx.store.scan(prefix=prefix, end=prefix + (now,), limit=BATCH)]
        if not due:
            return 0
        removed = 0
        with ctx.store.transaction() as txn:
            for entry in due:
                key = entry[len(prefix) + 1:]
                old = writes.load(ctx, txn, table, key)
                expires = writes.expiry_of(old, attribute)
                if old is None or expires is None or expires >= now:
                    txn.delete(entry)
                    continue
                writes.apply(ctx, txn, self.feed, table, key, old, None, service=True)
                removed += 1
        return removed

    def start(self, ctx: Ctx, stop: threading.Event) -> None:
        """Run the worker until ``stop`` is set."""
        thread = threading.Thread(target=self._loop, args=(ctx, stop), name="dynamodb-ttl", daemon=True)
        thread.start()

    def _loop(self, ctx: Ctx, stop: threading.Event) -> None:
        while not stop.is_set():
            ctx.clock.wait_until(ctx.clock.now() + 1, stop)
            with self._lock:
                watched = list(self._watched)
            for account, region, name in watched:
                if stop.is_set():
                    return
                self._sweep_one(ctx.derive(account=account, region=region), name)

    def _sweep_one(self, ctx: Ctx, name: str) -> Any:
        try:
            table = self.registry.find(ctx, name)
            if table is not None:
                self.sweep(ctx, table)
        except Exception:  # a failed sweep is retried on the next tick
            return None
        return None

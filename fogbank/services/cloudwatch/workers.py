"""The background work of CloudWatch on fogbank's clock: alarm evaluation catch-up at every
10-second boundary, and retention roll-up of metric data every hour of clock time.

The worker is an asyncio task on the server's loop when one is running (so Lambda actions,
which are coroutines, run on that loop), else a thread.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
from typing import TYPE_CHECKING, Any

from fogbank.context import Ctx
from fogbank.metrics import flush as flush_published
from fogbank.services.cloudwatch import metrics
from fogbank.services.cloudwatch import store as keys

if TYPE_CHECKING:
    from fogbank.services.cloudwatch.alarms import Alarms

log = logging.getLogger("fogbank.cloudwatch")
TICK = 10
ROLLUP_EVERY = 3600


class Scheduler:
    """Knows which accounts and regions hold CloudWatch data, and wakes on the clock for them."""

    def __init__(self, alarms: Alarms) -> None:
        self.alarms = alarms
        self._places: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self._task: Any = None
        self._stop: threading.Event | None = None
        self._last_rollup = 0.0

    def watch(self, account: str, region: str) -> None:
        """Remember that this account and region has alarms or data."""
        if (account, region) not in self._places:
            with self._lock:
                self._places.add((account, region))

    def clear(self) -> None:
        """Forget every place and when data was last rolled up (after a reset)."""
        with self._lock:
            self._places.clear()
            self._last_rollup = 0.0

    def places(self) -> list[tuple[str, str]]:
        """The accounts and regions watched."""
        with self._lock:
            return sorted(self._places)

    def discover(self, ctx: Ctx) -> None:
        """Find the accounts and regions with stored CloudWatch keys (a skip scan, one key each)."""
        start: tuple | None = None
        while True:
            found = list(ctx.store.scan((keys.SERVICE,), start=start, limit=1))
            if not found:
                return
            key = found[0][0]
            if len(key) < 3 or not isinstance(key[1], str) or not isinstance(key[2], str):
                return
            self.watch(key[1], key[2])
            start = (keys.SERVICE, key[1], key[2] + "\x00")

    def start(self, ctx: Ctx, stop: threading.Event) -> None:
        """Run the worker until ``stop`` is set."""
        self._stop = stop
        try:
            self.discover(ctx)
        except Exception:  # a store that cannot be read now is read again on the next tick
            log.warning("could not discover CloudWatch data at start")
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            thread = threading.Thread(target=self._thread, args=(ctx, stop), name="cloudwatch-alarms", daemon=True)
            thread.start()
            return
        self._task = loop.create_task(self._run(ctx, stop))

    def stop(self) -> None:
        """Cancel the worker task."""
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _run(self, ctx: Ctx, stop: threading.Event) -> None:
        while not stop.is_set():
            await ctx.clock.sleep_until(math.floor(ctx.clock.now() / TICK) * TICK + TICK)
            if stop.is_set():
                return
            self.tick(ctx)

    def _thread(self, ctx: Ctx, stop: threading.Event) -> None:
        while not stop.is_set():
            if not ctx.clock.wait_until(math.floor(ctx.clock.now() / TICK) * TICK + TICK, stop):
                return
            self.tick(ctx)

    def tick(self, ctx: Ctx) -> None:
        """One round: catch every watched place's alarms up, and roll data up when it is time."""
        flush_published(ctx)  # services' own metrics first, so alarms on them see every value
        now = ctx.clock.now()
        rollup = now - self._last_rollup >= ROLLUP_EVERY
        for account, region in self.places():
            place = ctx.derive(account=account, region=region)
            try:
                self.alarms.catch_up(place)
                if rollup:
                    metrics.retain(place)
            except Exception:  # one place failing must not stop the others; retried next tick
                log.exception("CloudWatch evaluation failed for %s/%s", account, region)
        if rollup:
            self._last_rollup = now

"""Scheduled rotation: a background task that wakes as fogbank's clock moves and rotates every
secret whose NextRotationDate has come, through its rotation function."""

from __future__ import annotations

import asyncio
import logging
import uuid

from fogbank.context import Ctx
from fogbank.services.secretsmanager import rotation, store

log = logging.getLogger(__name__)

TICK = 3600.0  # rotation windows are hours wide on AWS; one sweep an hour of clock time


class Scheduler:
    """Runs due rotations; one per provider."""

    def __init__(self) -> None:
        self._task: asyncio.Task | None = None

    def start(self, ctx: Ctx) -> None:
        """Start the sweep task on the running event loop (none outside the server)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._task = loop.create_task(self._run(ctx))

    def stop(self) -> None:
        """Cancel the sweep task."""
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _run(self, ctx: Ctx) -> None:
        while True:
            await ctx.clock.sleep_until(ctx.clock.now() + TICK)
            try:
                await self.sweep(ctx)
            except asyncio.CancelledError:
                raise
            except Exception:  # one bad record must not end scheduled rotation for all
                log.exception("scheduled rotation sweep failed")

    async def sweep(self, ctx: Ctx) -> None:
        """Rotate every secret, in any account and Region, whose rotation is due."""
        now = ctx.clock.now()
        due = []
        for key, raw in list(ctx.store.scan(prefix=(store.SERVICE,))):
            if len(key) == 5 and key[3] == "secret":
                record = store.load(raw)
                if record is not None and rotation.due(record, now):
                    due.append((key[1], key[2], record["name"]))
        for account, region, name in due:
            inner = ctx.derive(account=account, region=region, request_id=str(uuid.uuid4()))
            if not await rotation.run(inner, name, str(uuid.uuid4())):
                log.warning("scheduled rotation of %s failed", name)

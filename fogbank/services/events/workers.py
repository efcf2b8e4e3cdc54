"""The scheduler: fires rules with a ScheduleExpression on fogbank's clock. One asyncio task walks
every scheduled rule, fires those due (a "Scheduled Event" to their targets) and sleeps until the
next one is due or until a rule changes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Ctx
from fogbank.services.events import buses, delivery, schedule, store

log = logging.getLogger(__name__)


def iso(seconds: float) -> str:
    """An event's ``time``: UTC to the second, as AWS writes it."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def first_fire(expression: str, now: float) -> float | None:
    """When a schedule newly set at ``now`` fires first."""
    return schedule.parse(expression).next_after(now, now)


class Scheduler:
    """The background task that fires scheduled rules."""

    def __init__(self) -> None:
        self._task: asyncio.Task | None = None
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping = False

    def start(self, ctx: Ctx) -> None:
        """Start the task on the running loop (no loop: nothing is scheduled)."""
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._wake = asyncio.Event()
        self._task = self._loop.create_task(self._run(ctx))

    def poke(self) -> None:
        """A scheduled rule changed: look again at what is due."""
        if self._loop is not None and self._wake is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake.set)

    async def stop(self) -> None:
        """End the task."""
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def _run(self, ctx: Ctx) -> None:
        assert self._wake is not None
        while not self._stopping:
            self._wake.clear()
            try:
                nearest = await self._fire_due(ctx)
            except Exception:
                log.exception("EventBridge scheduler pass failed")
                nearest = ctx.clock.now() + 60
            waits = [asyncio.ensure_future(self._wake.wait())]
            if nearest is not None:
                waits.append(asyncio.ensure_future(ctx.clock.sleep_until(nearest)))
            try:
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in waits:
                    task.cancel()

    async def _fire_due(self, ctx: Ctx) -> float | None:
        nearest: float | None = None
        for key, raw in list(ctx.store.scan(prefix=(store.SERVICE,))):
            if len(key) != 6 or key[3] != "rule":
                continue
            rule = store.decode(raw)
            due = rule.get("NextFire")
            if due is None or rule.get("State") == "DISABLED" or not rule.get("ScheduleExpression"):
                continue
            now = ctx.clock.now()
            if due <= now:
                here = ctx.derive(account=key[1], region=key[2], request_id=str(uuid.uuid4()))
                due = self._advance(here, rule, now)
                await self._fire(here, rule, due_at=now)
            if due is not None and (nearest is None or due < nearest):
                nearest = due
        return nearest

    @staticmethod
    def _advance(ctx: Ctx, rule: dict[str, Any], now: float) -> float | None:
        """Move the rule's next firing past ``now`` (missed periods are not made up)."""
        with ctx.store.transaction() as txn:
            key = store.rule_key(ctx.account, ctx.region, rule["EventBusName"], rule["Name"])
            raw = txn.get(key)
            if raw is None:
                return None
            current = store.decode(raw)
            expr = schedule.parse(current["ScheduleExpression"])
            nxt = expr.next_after(current.get("Anchor", now), now)
            current["NextFire"] = nxt
            txn.put(key, store.encode(current))
            return nxt

    @staticmethod
    async def _fire(ctx: Ctx, rule: dict[str, Any], due_at: float) -> None:
        event = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": ctx.account,
            "time": iso(due_at),
            "region": ctx.region,
            "resources": [buses.rule_arn(ctx, rule["EventBusName"], rule["Name"])],
            "detail": {},
        }
        await delivery.deliver_rule(ctx, rule, event)

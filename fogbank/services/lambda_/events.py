"""Asynchronous invocation: a durable queue of events and the worker that runs them.

``Invoke(InvocationType=Event)`` stores the event under ``("event", due_at, id)`` and answers
202. The worker runs due events (several at once), retries a failed one after 1 and then 2
minutes of fogbank's clock (``MaximumRetryAttempts``, default 2), gives up on events older than
``MaximumEventAgeInSeconds`` (default 6 hours), retries throttled events later, and sends the
outcome to the configured destination or dead-letter queue. Queued events survive a restart; an
event whose attempt was cut short by a crash runs again once its lease (16 minutes) ends, so
delivery is at least once, as on AWS.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from fogbank.context import Ctx
from fogbank.errors import ServiceError
from fogbank.services.lambda_ import destinations, functions, metrics, store
from fogbank.services.lambda_.errors import TooManyRequestsException
from fogbank.services.lambda_.resolve import target

RETRY_DELAYS = (60.0, 120.0)
THROTTLE_DELAY = 10.0
# an event being run is kept this long (the longest timeout and a margin) in case fogbank dies
LEASE_SECONDS = 960.0
DEFAULT_RETRIES = 2
DEFAULT_MAX_AGE = 21600

Runner = Callable[[Ctx, Any, bytes, str], Awaitable[Any]]


def enqueue(ctx: Ctx, name: str, qualifier: str | None, payload: bytes, request_id: str | None = None) -> str:
    """Queue an event for ``name`` (and ``qualifier``); returns its request id."""
    request_id = request_id or str(uuid.uuid4())
    now = ctx.clock.now()
    event = {"function": name, "qualifier": qualifier, "payload": base64.b64encode(payload).decode(),
             "request_id": request_id, "attempt": 0, "first_at": now}
    store.put(ctx, event, "event", _ms(now), request_id)
    metrics.async_received(ctx, name, qualifier)
    return request_id


def invoke_config(record: dict[str, Any], qualifier: str | None) -> dict[str, Any]:
    """The EventInvokeConfig of a qualifier (unqualified means $LATEST)."""
    configs = record.get("invoke_configs") or {}
    return configs.get(qualifier or functions.LATEST) or {}


class Worker:
    """Runs queued events for every account and region of this fogbank."""

    def __init__(self, ctx: Ctx, run: Runner) -> None:
        self.ctx = ctx
        self.run = run
        self.wake = asyncio.Event()
        self.task: asyncio.Task | None = None
        self.inflight: set[asyncio.Task] = set()
        self.scopes: set[tuple[str, str]] = set()

    def start(self) -> None:
        """Start the loop (finds events left from an earlier run)."""
        for k, _raw in self.ctx.store.scan(prefix=(store.SERVICE,)):
            if len(k) > 3 and k[3] == "event":
                self.scopes.add((k[1], k[2]))
        self.task = asyncio.get_running_loop().create_task(self._loop())

    def notify(self, ctx: Ctx) -> None:
        """An event was queued in ctx's account and region."""
        self.scopes.add((ctx.account, ctx.region))
        self.wake.set()

    async def stop(self) -> None:
        """Stop the loop and the events running now."""
        tasks = [t for t in [self.task, *self.inflight] if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(BaseException):
                await task

    def _next(self) -> tuple[float, tuple, Ctx] | None:
        best: tuple[float, tuple, Ctx] | None = None
        for account, region in list(self.scopes):
            scoped = self.ctx.derive(account=account, region=region)
            found = next(iter(scoped.store.scan(prefix=store.key(scoped, "event"), limit=1)), None)
            if found is None:
                self.scopes.discard((account, region))
                continue
            due = found[0][4] / 1000
            if best is None or due < best[0]:
                best = (due, found[0], scoped)
        return best

    async def _loop(self) -> None:
        clock = self.ctx.clock
        while True:
            self.wake.clear()
            nxt = self._next()
            if nxt is None or nxt[0] > clock.now():
                waiter = asyncio.ensure_future(self.wake.wait())
                sleeper = asyncio.ensure_future(clock.sleep_until(nxt[0]) if nxt else asyncio.sleep(3600))
                await asyncio.wait({waiter, sleeper}, return_when=asyncio.FIRST_COMPLETED)
                waiter.cancel()
                sleeper.cancel()
                continue
            _due, key, scoped = nxt
            with scoped.store.transaction():
                raw = scoped.store.get(key)
                scoped.store.delete(key)
                if raw is None:
                    continue
                event = json.loads(raw)
                # leased, not deleted: if fogbank dies mid-attempt the event runs again later
                lease = store.key(scoped, "event", _ms(clock.now() + LEASE_SECONDS), event["request_id"])
                scoped.store.put(lease, raw)
            task = asyncio.get_running_loop().create_task(self._attempt(scoped.derive(request_id=str(uuid.uuid4())), event, lease))
            self.inflight.add(task)
            task.add_done_callback(self.inflight.discard)

    async def _attempt(self, ctx: Ctx, event: dict[str, Any], lease: tuple) -> None:
        try:
            await self._process(ctx, event, lease)
        finally:
            ctx.store.delete(lease)

    async def _process(self, ctx: Ctx, event: dict[str, Any], lease: tuple) -> None:
        payload = base64.b64decode(event["payload"])
        try:
            tgt = target(ctx, event["function"], event.get("qualifier"))
        except ServiceError:
            return  # the function is gone: nothing to run, nowhere to report
        settings = invoke_config(tgt.record, event.get("qualifier"))
        retries = int(settings.get("MaximumRetryAttempts", DEFAULT_RETRIES))
        max_age = float(settings.get("MaximumEventAgeInSeconds", DEFAULT_MAX_AGE))
        now = ctx.clock.now()
        if now - event["first_at"] > max_age:
            await self._fail(ctx, tgt, settings, event, payload, "EventAgeExceeded", b"", "$LATEST")
            return
        try:
            result = await self.run(ctx, tgt, payload, event["request_id"])
        except TooManyRequestsException:
            with ctx.store.transaction():
                ctx.store.delete(lease)
                store.put(ctx, event, "event", _ms(now + THROTTLE_DELAY), event["request_id"])
            self.notify(ctx)
            return
        event["attempt"] += 1
        if result.ok:
            success = (settings.get("DestinationConfig") or {}).get("OnSuccess", {}).get("Destination")
            if success:
                doc = destinations.record(ctx, event["request_id"], _qualified(tgt.invoked_arn), "Success", event["attempt"], payload, True, result.payload, result.version)
                await destinations.send(ctx, success, doc, self._invoke_async)
            return
        if event["attempt"] <= retries:
            delay = RETRY_DELAYS[min(event["attempt"] - 1, len(RETRY_DELAYS) - 1)]
            with ctx.store.transaction():
                ctx.store.delete(lease)
                store.put(ctx, event, "event", _ms(now + delay), event["request_id"])
            self.notify(ctx)
            return
        await self._fail(ctx, tgt, settings, event, payload, "RetriesExhausted", result.payload, result.version)

    async def _fail(self, ctx: Ctx, tgt: Any, settings: dict[str, Any], event: dict[str, Any], payload: bytes,
                    condition: str, response: bytes, version: str) -> None:
        failure = (settings.get("DestinationConfig") or {}).get("OnFailure", {}).get("Destination")
        if failure:
            doc = destinations.record(ctx, event["request_id"], _qualified(tgt.invoked_arn), condition, event["attempt"], payload, False, response, version)
            await destinations.send(ctx, failure, doc, self._invoke_async)
            return
        dlq = (tgt.config.get("DeadLetterConfig") or {}).get("TargetArn")
        if dlq:
            message = _error_message(response) if condition == "RetriesExhausted" else "Event age exceeded"
            if not await destinations.dead_letter(ctx, dlq, payload, event["request_id"], 200, message):
                metrics.dead_letter_error(ctx, tgt.name)

    async def _invoke_async(self, ctx: Ctx, arn: str, payload: bytes) -> None:
        name, qualifier = functions.parse_name(ctx.derive(region=arn.split(":")[3], account=arn.split(":")[4]), arn)
        owner = ctx.derive(region=arn.split(":")[3], account=arn.split(":")[4])
        enqueue(owner, name, qualifier, payload)
        self.notify(owner)


def _error_message(response: bytes) -> str:
    try:
        doc = json.loads(response)
    except ValueError:
        return response.decode("utf-8", "replace")
    if isinstance(doc, dict) and doc.get("errorMessage"):
        return str(doc["errorMessage"])
    return response.decode("utf-8", "replace")


def _qualified(arn: str) -> str:
    """A function ARN with its qualifier ($LATEST when none was named), as destination records show."""
    return arn if ":" in arn.split("function:", 1)[1] else arn + ":$LATEST"


def _ms(seconds: float) -> int:
    """A due time as a store key element (whole milliseconds)."""
    return int(seconds * 1000)

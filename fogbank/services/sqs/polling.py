"""Long polling: receivers wait on an event per queue that every writer sets, or until the clock
reaches the next moment something becomes visible (or the poll ends). Nothing polls in a loop."""

from __future__ import annotations

import asyncio
import contextlib

from fogbank.clock import Clock

QueueKey = tuple[str, str, str]


class Waiters:
    """The long polls waiting per queue."""

    def __init__(self) -> None:
        self._waiting: dict[QueueKey, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = {}

    def notify(self, key: QueueKey) -> None:
        """Wake every long poll on a queue (from the event loop or from any thread)."""
        entries = self._waiting.get(key)
        if not entries:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        for loop, event in list(entries):
            if loop is running:
                event.set()
            elif not loop.is_closed():
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(event.set)

    def clear(self) -> None:
        """Wake everyone (their queues are gone) and forget them."""
        for key in list(self._waiting):
            self.notify(key)

    async def wait(self, key: QueueKey, clock: Clock, until: float) -> None:
        """Return when the queue is written to or the clock reaches ``until``."""
        event = asyncio.Event()
        entry = (asyncio.get_running_loop(), event)
        self._waiting.setdefault(key, set()).add(entry)
        sleeper = asyncio.ensure_future(clock.sleep_until(until))
        woken = asyncio.ensure_future(event.wait())
        try:
            await asyncio.wait({sleeper, woken}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            woken.cancel()
            entries = self._waiting.get(key)
            if entries is not None:
                entries.discard(entry)
                if not entries:
                    del self._waiting[key]

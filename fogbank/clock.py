"""The one source of time for every service: real time plus an offset that tests can advance.

Every timestamp, delay, timeout, TTL and period reads ``Clock.now()``. ``advance()`` moves the
clock forward and wakes everything waiting on it, so a test can fast-forward a delay queue or an
alarm's evaluation periods without sleeping.
"""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime


class Clock:
    """Wall-clock time shifted by an offset that only ever grows."""

    def __init__(self, offset: float = 0.0) -> None:
        self._offset = float(offset)
        # bumped by reset(): a waiter whose deadline was computed before a reset returns early,
        # so that its caller recomputes the deadline from the clock as it is now
        self._epoch = 0
        self._lock = threading.Condition()
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()

    @property
    def offset(self) -> float:
        """Seconds this clock is ahead of the machine's clock."""
        return self._offset

    def now(self) -> float:
        """Seconds since the epoch, as a float."""
        return time.time() + self._offset

    def now_ms(self) -> int:
        """Milliseconds since the epoch."""
        return int(self.now() * 1000)

    def utcnow(self) -> datetime:
        """The current time as an aware UTC datetime."""
        return datetime.fromtimestamp(self.now(), UTC)

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` (not backward) and wake every waiter. Returns now()."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds
            self._lock.notify_all()
        self._wake_async()
        return self.now()

    def _wake_async(self) -> None:
        with self._lock:
            waiters = list(self._waiters)
        for loop, event in waiters:
            if loop.is_closed():
                continue
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:
                pass

    def reset(self) -> None:
        """Back to the machine's time (only a full reset of fogbank's state does this: with the
        state gone, nothing depends on the time it had reached)."""
        with self._lock:
            self._offset = 0.0
            self._epoch += 1
            self._lock.notify_all()
        self._wake_async()

    async def sleep_until(self, deadline: float) -> None:
        """Wait until ``now() >= deadline``, waking when the clock is advanced; returns early if
        the clock is reset meanwhile (the deadline no longer means anything)."""
        loop = asyncio.get_running_loop()
        epoch = self._epoch
        while True:
            if self._epoch != epoch:
                return
            remaining = deadline - self.now()
            if remaining <= 0:
                return
            event = asyncio.Event()
            entry = (loop, event)
            self._waiters.add(entry)
            try:
                await asyncio.wait_for(event.wait(), timeout=remaining)
            except TimeoutError:
                pass
            finally:
                self._waiters.discard(entry)

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of clock time."""
        await self.sleep_until(self.now() + seconds)

    def wait_until(self, deadline: float, stop: threading.Event | None = None) -> bool:
        """Block a thread until ``deadline`` or until ``stop`` is set; True when the deadline came
        (or the clock was reset meanwhile, which makes the caller recompute its deadline)."""
        with self._lock:
            epoch = self._epoch
            while True:
                if stop is not None and stop.is_set():
                    return False
                if self._epoch != epoch:
                    return True
                remaining = deadline - self.now()
                if remaining <= 0:
                    return True
                self._lock.wait(timeout=min(remaining, 0.5) if stop is not None else remaining)

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
            waiters = list(self._waiters)
        for loop, event in waiters:
            if loop.is_closed():
                continue
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:
                pass
        return self.now()

    async def sleep_until(self, deadline: float) -> None:
        """Wait until ``now() >= deadline``, waking early when the clock is advanced."""
        loop = asyncio.get_running_loop()
        while True:
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
        """Block a thread until ``deadline`` or until ``stop`` is set; True when the deadline came."""
        with self._lock:
            while True:
                if stop is not None and stop.is_set():
                    return False
                remaining = deadline - self.now()
                if remaining <= 0:
                    return True
                self._lock.wait(timeout=min(remaining, 0.5) if stop is not None else remaining)

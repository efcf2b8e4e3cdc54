"""The clock: offsets only grow, and waiters wake when it is advanced instead of sleeping."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from fogbank.clock import Clock


def test_now_follows_real_time_plus_offset() -> None:
    clock = Clock()
    before = time.time()
    assert before - 1 <= clock.now() <= time.time() + 1
    clock.advance(3600)
    assert clock.now() >= before + 3600
    assert clock.offset == 3600
    assert clock.utcnow().timestamp() == pytest.approx(clock.now(), abs=1)


def test_clock_refuses_to_go_back() -> None:
    clock = Clock()
    with pytest.raises(ValueError):
        clock.advance(-1)
    assert clock.offset == 0


def test_async_waiter_wakes_on_advance_not_on_wall_time() -> None:
    async def scenario() -> float:
        clock = Clock()
        deadline = clock.now() + 10_000
        waiter = asyncio.create_task(clock.sleep_until(deadline))
        await asyncio.sleep(0.01)
        assert not waiter.done()
        clock.advance(5_000)
        await asyncio.sleep(0.01)
        assert not waiter.done(), "half-way there is not there"
        started = time.monotonic()
        clock.advance(5_000)
        await asyncio.wait_for(waiter, timeout=2)
        return time.monotonic() - started

    assert asyncio.run(scenario()) < 1


def test_thread_waiter_wakes_on_advance() -> None:
    clock = Clock()
    done = threading.Event()

    def wait() -> None:
        if clock.wait_until(clock.now() + 10_000):
            done.set()

    t = threading.Thread(target=wait)
    t.start()
    assert not done.wait(0.05)
    clock.advance(10_001)
    assert done.wait(2)
    t.join(2)


def test_thread_waiter_stops_when_asked() -> None:
    clock = Clock()
    stop = threading.Event()
    stop.set()
    assert clock.wait_until(clock.now() + 10_000, stop) is False


def test_reset_returns_to_real_time_and_releases_waiters() -> None:
    async def scenario() -> None:
        clock = Clock()
        clock.advance(10_000)
        waiter = asyncio.create_task(clock.sleep_until(clock.now() + 50_000))
        await asyncio.sleep(0.01)
        clock.reset()
        await asyncio.wait_for(waiter, timeout=2)  # its deadline meant the old time: recompute
        assert clock.offset == 0
        assert abs(clock.now() - time.time()) < 1

    asyncio.run(scenario())
    clock = Clock()
    clock.advance(10_000)
    released = threading.Event()
    t = threading.Thread(target=lambda: clock.wait_until(clock.now() + 50_000) and released.set())
    t.start()
    assert not released.wait(0.05)
    clock.reset()
    assert released.wait(2)
    t.join(2)

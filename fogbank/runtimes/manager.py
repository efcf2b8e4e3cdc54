"""The pool of execution environments: warm reuse, cold starts, idle expiry and shutdown.

Environments are pooled by their spec key (function, version and revision: an updated function
never reuses an environment of its old code). An idle environment is reused while it has been
idle for less than the idle time (read on fogbank's clock, so tests can expire it); otherwise it
is killed and a new one is started. ``shutdown()`` kills every process.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path

from fogbank.runtimes.environment import Environment, Invocation, Outcome, Spec

DEFAULT_IDLE_SECONDS = 300.0


class Manager:
    """All execution environments of one fogbank process."""

    def __init__(self, root: Path, now: Callable[[], float], idle_seconds: float = DEFAULT_IDLE_SECONDS) -> None:
        self.root = root
        self.now = now
        self.idle_seconds = idle_seconds
        self._idle: dict[tuple, list[Environment]] = {}
        self._busy: set[Environment] = set()

    def busy_count(self) -> int:
        """Environments running an invocation right now."""
        return len(self._busy)

    def warm_count(self, key: tuple) -> int:
        """Idle, still-warm environments of one spec key."""
        return sum(1 for env in self._idle.get(key, []) if env.alive)

    async def run(self, spec: Spec, inv: Invocation) -> tuple[Outcome, bool]:
        """Run ``inv`` on a warm environment of ``spec`` or a new one. Returns (outcome, cold)."""
        env = self._take_warm(spec.key)
        cold = env is None
        init: Outcome | None = None
        if env is None:
            env = Environment(spec, self.root)
            self._busy.add(env)
            init = await env.start()
            if not init.ok:
                self._busy.discard(env)
                return init, True
        else:
            self._busy.add(env)
        try:
            outcome = await env.invoke(inv)
        except BaseException:
            self._busy.discard(env)
            await env.kill()
            raise
        self._busy.discard(env)
        if init is not None:
            outcome.init_duration_ms = init.init_duration_ms
            outcome.log = init.log + outcome.log
        if env.alive:
            env.last_used = self.now()
            self._idle.setdefault(spec.key, []).append(env)
        else:
            await env.kill()
        return outcome, cold

    async def prewarm(self, spec: Spec) -> Outcome:
        """Start one environment and park it warm (provisioned concurrency)."""
        env = Environment(spec, self.root)
        init = await env.start()
        if init.ok:
            env.last_used = self.now()
            self._idle.setdefault(spec.key, []).append(env)
        return init

    def _take_warm(self, key: tuple) -> Environment | None:
        pool = self._idle.get(key)
        now = self.now()
        while pool:
            env = pool.pop()
            if env.alive and now - env.last_used < self.idle_seconds:
                return env
            asyncio.get_running_loop().create_task(env.kill())
        return None

    async def expire(self) -> int:
        """Kill environments idle longer than the idle time; returns how many."""
        now = self.now()
        stale: list[Environment] = []
        for key, pool in list(self._idle.items()):
            keep = [env for env in pool if env.alive and now - env.last_used < self.idle_seconds]
            stale.extend(env for env in pool if env not in keep)
            if keep:
                self._idle[key] = keep
            else:
                del self._idle[key]
        for env in stale:
            await env.kill()
        return len(stale)

    async def retire(self, match: Callable[[tuple], bool]) -> None:
        """Kill the idle environments whose key matches (a deleted or updated function)."""
        for key in [k for k in self._idle if match(k)]:
            for env in self._idle.pop(key):
                await env.kill()

    async def shutdown(self) -> None:
        """Kill every environment, idle or busy."""
        envs = [env for pool in self._idle.values() for env in pool] + list(self._busy)
        self._idle.clear()
        self._busy.clear()
        for env in envs:
            with contextlib.suppress(Exception):
                await env.kill()

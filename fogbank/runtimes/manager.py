"""The pool of execution environments: warm reuse, cold starts, idle expiry and shutdown.

Environments are pooled by their spec key (function, version and revision: an updated function
never reuses an environment of its old code). An idle environment is reused while it has been
idle for less than the idle time (read on fogbank's clock, so tests can expire it); otherwise it
is killed and a new one is started. ``shutdown()`` kills every process.

Provisioned environments (provisioned concurrency) live in pools of their own, keyed by the spec
key plus the qualifier the config names: they are initialised ahead of any invocation, never
expire while idle, are used before any on-demand environment (so they report no init duration),
and one that dies (a timeout, a crash) is replaced in the background.
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
        # provisioned pools: every member, the idle ones, and how many each pool should hold
        self._members: dict[tuple, set[Environment]] = {}
        self._ready: dict[tuple, list[Environment]] = {}
        self._wanted: dict[tuple, tuple[Spec, int]] = {}
        self._refills: set[asyncio.Task] = set()
        self._locks: dict[tuple, asyncio.Lock] = {}

    def busy_count(self) -> int:
        """Environments running an invocation right now."""
        return len(self._busy)

    def warm_count(self, key: tuple) -> int:
        """Idle, still-warm environments of one spec key."""
        return sum(1 for env in self._idle.get(key, []) if env.alive)

    async def run(self, spec: Spec, inv: Invocation, provisioned: tuple[tuple, Environment] | None = None) -> tuple[Outcome, bool]:
        """Run ``inv`` on a provisioned environment taken with ``take_provisioned`` (given as
        ``(pool, env)``), a warm environment of ``spec`` or a new one. Returns (outcome, cold)."""
        if provisioned is not None:
            return await self._run_provisioned(*provisioned, inv), False
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

    # --- provisioned concurrency -----------------------------------------------------------

    def take_provisioned(self, pool: tuple) -> Environment | None:
        """An idle provisioned environment of ``pool`` (the caller runs it or gives it back)."""
        ready = self._ready.get(pool)
        while ready:
            env = ready.pop()
            if env.alive:
                return env
            self._members.get(pool, set()).discard(env)
        return None

    def give_back(self, pool: tuple, env: Environment) -> None:
        """Return an environment taken with ``take_provisioned`` but not run."""
        if env in self._members.get(pool, ()):
            self._ready.setdefault(pool, []).append(env)

    def allocated(self, pool: tuple) -> int:
        """Provisioned environments of ``pool`` that are up (idle or busy)."""
        return sum(1 for env in self._members.get(pool, ()) if env.alive)

    async def provision(self, pool: tuple, spec: Spec, count: int) -> Outcome | None:
        """Bring ``pool`` to ``count`` initialised environments of ``spec``; returns the first
        failed init, if any (the environments that did start stay)."""
        self._wanted[pool] = (spec, count)
        async with self._locks.setdefault(pool, asyncio.Lock()):
            return await self._provision(pool, spec, count)

    async def _provision(self, pool: tuple, spec: Spec, count: int) -> Outcome | None:
        members = self._members.setdefault(pool, set())
        ready = self._ready.setdefault(pool, [])
        for env in [e for e in members if not e.alive]:
            members.discard(env)
        while len(members) > count and ready:
            env = ready.pop()
            members.discard(env)
            await env.kill()
        # a busy surplus environment leaves when its invocation ends (it is no longer a member)
        for env in list(members)[count:]:
            members.discard(env)
        starting = [Environment(spec, self.root) for _ in range(count - len(members))]
        failure: Outcome | None = None
        for env, init in zip(starting, await asyncio.gather(*(env.start() for env in starting)), strict=True):
            if pool not in self._members or self._wanted.get(pool, (None, 0))[1] < count or not init.ok:
                failure = failure or (None if init.ok else init)
                await env.kill()
                continue
            env.last_used = self.now()
            members.add(env)
            ready.append(env)
        return failure

    async def unprovision(self, match: Callable[[tuple], bool]) -> None:
        """Retire the provisioned pools whose key matches (busy members go when they finish)."""
        for pool in [p for p in self._members if match(p)]:
            self._wanted.pop(pool, None)
            self._members.pop(pool, None)
            for env in self._ready.pop(pool, []):
                await env.kill()

    async def _run_provisioned(self, pool: tuple, env: Environment, inv: Invocation) -> Outcome:
        self._busy.add(env)
        try:
            outcome = await env.invoke(inv)
        except BaseException:
            self._busy.discard(env)
            self._members.get(pool, set()).discard(env)
            await env.kill()
            raise
        self._busy.discard(env)
        members = self._members.get(pool, set())
        if env.alive and env in members:
            env.last_used = self.now()
            self._ready.setdefault(pool, []).append(env)
            return outcome
        members.discard(env)
        await env.kill()
        wanted = self._wanted.get(pool)
        if wanted is not None:
            # AWS replaces a provisioned environment that died
            task = asyncio.get_running_loop().create_task(self.provision(pool, *wanted))
            self._refills.add(task)
            task.add_done_callback(self._refills.discard)
        return outcome

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
        for task in list(self._refills):
            task.cancel()
        envs = [env for pool in self._idle.values() for env in pool] + list(self._busy)
        envs += [env for members in self._members.values() for env in members if env not in self._busy]
        self._idle.clear()
        self._busy.clear()
        self._members.clear()
        self._ready.clear()
        self._wanted.clear()
        for env in envs:
            with contextlib.suppress(Exception):
                await env.kill()

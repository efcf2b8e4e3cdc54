"""Runs one scenario through boto3 on N threads, for a count of ops or a duration, timing each op."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config

from bench.scenarios.base import Scenario

REGION = "us-east-1"
# A hard cap so a duration run stays a bounded loop even against an instant server.
MAX_OPS_PER_THREAD = 10_000_000


@dataclass
class RunResult:
    """Latencies of the successful ops, the error count, and the wall time of the timed phase."""

    latencies_s: list[float] = field(default_factory=list)
    errors: int = 0
    wall_s: float = 0.0
    first_error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


def make_client(service: str, endpoint_url: str, pool: int) -> Any:
    """A boto3 client for `service` at `endpoint_url` with dummy credentials and no retries.

    Retries are off so that an error is counted rather than hidden behind a second attempt.
    """
    session = boto3.session.Session(
        aws_access_key_id="test", aws_secret_access_key="test", region_name=REGION
    )
    config = Config(
        retries={"total_max_attempts": 1},
        max_pool_connections=pool,
        connect_timeout=5,
        read_timeout=30,
        s3={"addressing_style": "path"},
    )
    return session.client(service, endpoint_url=endpoint_url, config=config)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


def _worker(
    scenario: Scenario,
    client: Any,
    state: Any,
    next_index: Callable[[], int],
    keep_going: Callable[[int], bool],
    barrier: threading.Barrier,
    result: RunResult,
) -> None:
    latencies: list[float] = []
    errors = 0
    first_error = None
    barrier.wait()
    for _ in range(MAX_OPS_PER_THREAD):
        i = next_index()
        if not keep_going(i):
            break
        t0 = time.perf_counter()
        try:
            scenario.op(client, state, i)
        except Exception as exc:  # any failure of one op is counted; the run goes on
            errors += 1
            first_error = first_error or _describe(exc)
            continue
        latencies.append(time.perf_counter() - t0)
    # Merged once per thread, after its timed loop, so the lock costs nothing while timing.
    with result.lock:
        result.latencies_s.extend(latencies)
        result.errors += errors
        result.first_error = result.first_error or first_error


def run(
    scenario: Scenario,
    endpoint_url: str,
    threads: int,
    count: int | None,
    duration_s: float | None,
    warmup: int,
    on_start: Callable[[], None] = lambda: None,
) -> RunResult:
    """Set the scenario up, warm up, then time it; `on_start` fires just before the timed phase.

    Exactly one of `count` (total ops over all threads) and `duration_s` applies; setup failures
    propagate so the caller can report the scenario as an error row.
    """
    setup_client = make_client(scenario.service, endpoint_url, pool=2)
    state = scenario.setup(setup_client)
    clients = [make_client(scenario.service, endpoint_url, pool=2) for _ in range(threads)]
    counter = itertools.count(warmup)
    warm = RunResult()
    for i in range(warmup):
        try:
            scenario.op(clients[i % threads], state, i)
        except Exception as exc:  # noted; the timed phase decides whether the scenario works
            warm.first_error = warm.first_error or _describe(exc)

    deadline: list[float] = []
    if count is not None:
        limit = warmup + count

        def keep_going(i: int) -> bool:
            return i < limit
    else:

        def keep_going(i: int) -> bool:
            return time.perf_counter() < deadline[0]

    result = RunResult()
    barrier = threading.Barrier(threads + 1)
    workers = [
        threading.Thread(
            target=_worker,
            args=(scenario, clients[n], state, counter.__next__, keep_going, barrier, result),
            daemon=True,
        )
        for n in range(threads)
    ]
    for w in workers:
        w.start()
    on_start()
    started = time.perf_counter()
    deadline.append(started + (duration_s or 0.0))
    barrier.wait()
    for w in workers:
        w.join()
    result.wall_s = time.perf_counter() - started
    if result.first_error is None and result.errors:
        result.first_error = warm.first_error
    return result

"""What a scenario is: a named per-operation call against one service, with its one-off setup."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Scenario:
    """One benchmark workload.

    `setup(client)` creates what the operation needs (once, untimed) and returns a state value;
    `op(client, state, i)` performs one timed operation, `i` being a run-wide unique index.
    An op that gets a wrong answer raises, so a server that answers wrongly shows errors rather
    than speed. `calls_per_op` is the number of API calls one op makes.
    """

    name: str
    service: str
    setup: Callable[[Any], Any]
    op: Callable[[Any, Any, int], None]
    calls_per_op: int = 1


class WrongAnswer(Exception):
    """The server answered, but not what AWS would have answered."""


def unique_name(prefix: str) -> str:
    """A resource name no earlier run used, valid for queues, tables and buckets alike."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def no_setup(client: Any) -> None:
    """Setup for scenarios that need no resources."""
    return None


def wait_until(check: Callable[[], bool], timeout_s: float = 30.0, interval_s: float = 0.05) -> None:
    """Poll `check` until it is true; raises TimeoutError after `timeout_s`."""
    for _ in range(max(1, int(timeout_s / interval_s))):
        if check():
            return
        time.sleep(interval_s)
    raise TimeoutError("resource did not become ready in time")

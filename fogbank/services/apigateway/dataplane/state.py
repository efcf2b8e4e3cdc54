"""The data plane's short-lived state: token buckets for throttling, cached authorizer results and
the sessions of credentials roles API Gateway assumed.

Both are memory only, as in AWS where neither survives a deployment of the gateway fleet: a bucket
refills within a second or so, and a cached policy is re-fetched from the authorizer.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Bucket:
    """A token bucket: ``burst`` tokens at most, refilled at ``rate`` per second of fogbank's clock."""

    rate: float
    burst: float
    tokens: float
    stamp: float

    def take(self, now: float) -> bool:
        """Take one token; False when the bucket is empty (the request is throttled)."""
        if now > self.stamp:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


@dataclass
class RuntimeState:
    """Buckets by scope and authorizer results by (api, stage, authorizer, identity)."""

    buckets: dict[tuple, Bucket] = field(default_factory=dict)
    authorizer_cache: dict[tuple, tuple[float, Any]] = field(default_factory=dict)
    role_sessions: dict[tuple, tuple[float, Any]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def admit(self, scope: tuple, rate: float, burst: float, now: float) -> bool:
        """Whether a request in ``scope`` fits its bucket (created full; reshaped when limits change)."""
        with self.lock:
            bucket = self.buckets.get(scope)
            if bucket is None or bucket.rate != rate or bucket.burst != burst:
                bucket = Bucket(rate, burst, float(burst), now)
                self.buckets[scope] = bucket
            return bucket.take(now)

    def cached(self, key: tuple, now: float) -> Any | None:
        """A cached authorizer result still within its TTL, else None."""
        entry = self.authorizer_cache.get(key)
        if entry is None:
            return None
        if entry[0] <= now:
            self.authorizer_cache.pop(key, None)
            return None
        return entry[1]

    def remember(self, key: tuple, value: Any, expires: float) -> None:
        """Cache an authorizer result until ``expires``."""
        self.authorizer_cache[key] = (expires, value)

    def session(self, key: tuple, now: float) -> Any | None:
        """A role session assumed earlier that is still valid at ``now``, else None."""
        entry = self.role_sessions.get(key)
        return entry[1] if entry is not None and entry[0] > now else None

    def keep_session(self, key: tuple, value: Any, expires: float) -> None:
        """Keep a role session until ``expires``."""
        self.role_sessions[key] = (expires, value)

    def flush_authorizers(self, api_id: str, stage: str) -> None:
        """Forget the cached authorizer results of one stage."""
        for key in [k for k in self.authorizer_cache if k[:2] == (api_id, stage)]:
            self.authorizer_cache.pop(key, None)

"""Lifecycle rules applied on fogbank's clock: expiration of current versions (Days or Date),
transitions to other storage classes, expiration of noncurrent versions, removal of expired
object delete markers and aborting incomplete multipart uploads.

As in S3, an action is due at the first midnight UTC after its time has come (``Days`` are
counted from the object's creation, noncurrent days from when a newer version replaced it), and
rules are evaluated by a daily sweep. The sweep runs when fogbank's clock passes midnight: a
``Sweeper`` thread waits on the clock, and reads call ``pump`` so that a request that follows an
``advance`` already sees the outcome.
"""

from __future__ import annotations

import math
import threading
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from fogbank.context import Ctx
from fogbank.services.s3 import buckets, payload, versions
from fogbank.services.s3 import store as keys
from fogbank.services.s3.buckets import Bucket

DAY = 86400.0
#: storage classes in the order transitions may move an object
ORDER = ("STANDARD", "INTELLIGENT_TIERING", "STANDARD_IA", "ONEZONE_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE")


def midnight_after(when: float) -> float:
    """The first midnight UTC at or after ``when``."""
    return math.ceil(when / DAY) * DAY


def _due(base: float, days: int | None, date: datetime | None) -> float | None:
    if date is not None:
        return date.timestamp()
    if days is not None:
        return midnight_after(base + days * DAY)
    return None


def _filter_matches(rule: dict[str, Any], record: dict[str, Any]) -> bool:
    f = rule.get("Filter")
    if f is None:
        return record["key"].startswith(rule.get("Prefix") or "")
    spec = f.get("And") or f
    tags = dict((t["Key"], t["Value"]) for t in spec.get("Tags") or [])
    if "Tag" in spec:
        tags[spec["Tag"]["Key"]] = spec["Tag"]["Value"]
    if not record["key"].startswith(spec.get("Prefix") or ""):
        return False
    if any((record.get("tags") or {}).get(k) != v for k, v in tags.items()):
        return False
    size = record.get("size", 0)
    if spec.get("ObjectSizeGreaterThan") is not None and not size > spec["ObjectSizeGreaterThan"]:
        return False
    return spec.get("ObjectSizeLessThan") is None or size < spec["ObjectSizeLessThan"]


def _rules(bucket: Bucket) -> list[dict[str, Any]]:
    return [r for r in (bucket.cfg("lifecycle") or {}).get("Rules") or [] if r.get("Status") == "Enabled"]


def expiration(bucket: Bucket, record: dict[str, Any]) -> str | None:
    """The ``x-amz-expiration`` value for a current version, or None."""
    best: tuple[float, str] | None = None
    for rule in _rules(bucket):
        exp = rule.get("Expiration") or {}
        due = _due(record["mtime"], exp.get("Days"), exp.get("Date"))
        if due is not None and _filter_matches(rule, record) and (best is None or due < best[0]):
            best = (due, rule.get("ID") or "")
    if best is None:
        return None
    when = format_datetime(datetime.fromtimestamp(best[0], UTC), usegmt=True)
    return f'expiry-date="{when}", rule-id="{best[1]}"'


def sweep(ctx: Ctx, now: float) -> None:
    """Apply every due lifecycle action in every bucket that has rules."""
    for key, raw in list(ctx.store.scan(keys.buckets_prefix())):
        record = keys.loads(raw)
        if (record.get("cfg") or {}).get("lifecycle"):
            _sweep_bucket(ctx, buckets.Bucket(key[-1], record), now)


def _sweep_bucket(ctx: Ctx, bucket: Bucket, now: float) -> None:
    rules = _rules(bucket)
    if not rules:
        return
    objects_prefix = keys.objects_prefix(bucket.account, bucket.region, bucket.name)
    for _, raw in list(ctx.store.scan(objects_prefix)):
        _current(ctx, bucket, keys.loads(raw), rules, now)
    if bucket.versioning is not None:
        _noncurrent(ctx, bucket, rules, now)
    _uploads(ctx, bucket, rules, now)


def _current(ctx: Ctx, bucket: Bucket, record: dict[str, Any], rules: list[dict[str, Any]], now: float) -> None:
    for rule in rules:
        if not _filter_matches(rule, record):
            continue
        exp = rule.get("Expiration") or {}
        due = _due(record["mtime"], exp.get("Days"), exp.get("Date"))
        if due is not None and due <= now:
            if bucket.versioning is None:
                versions.remove(ctx, bucket, record["key"], versions.NULL)
            else:
                versions.put(ctx, bucket, record["key"], {"mtime": now, "dm": True, "size": 0, "etag": ""})
            return
        _transition(ctx, bucket, record, rule.get("Transitions") or [], record["mtime"], now)


def _transition(ctx: Ctx, bucket: Bucket, record: dict[str, Any], transitions: list[dict[str, Any]], base: float,
                now: float, days_key: str = "Days") -> None:
    target: str | None = None
    for t in transitions:
        due = _due(base, t.get(days_key), t.get("Date"))
        cls = t.get("StorageClass")
        if due is not None and due <= now and cls in ORDER:
            if target is None or ORDER.index(cls) > ORDER.index(target):
                target = cls
    current = record.get("sc") or "STANDARD"
    if target is not None and current in ORDER and ORDER.index(target) > ORDER.index(current):
        versions.update(ctx, bucket, record, sc=target)


def _noncurrent(ctx: Ctx, bucket: Bucket, rules: list[dict[str, Any]], now: float) -> None:
    prefix = keys.versions_prefix(bucket.account, bucket.region, bucket.name)
    by_key: dict[str, list[dict[str, Any]]] = {}
    for _, raw in ctx.store.scan(prefix):
        record = keys.loads(raw)
        by_key.setdefault(record["key"], []).append(record)
    for key, history in by_key.items():
        # history is newest first; a version became noncurrent when the one above it was written
        for index, record in enumerate(history):
            if index == 0:
                if record.get("dm") and len(history) == 1 and any(
                    (r.get("Expiration") or {}).get("ExpiredObjectDeleteMarker") and _filter_matches(r, record) for r in rules
                ):
                    versions.remove(ctx, bucket, key, record["vid"])
                continue
            since = history[index - 1]["mtime"]
            newer_noncurrent = index - 1
            for rule in rules:
                if not _filter_matches(rule, record):
                    continue
                nve = rule.get("NoncurrentVersionExpiration") or {}
                keep = nve.get("NewerNoncurrentVersions")
                due = _due(since, nve.get("NoncurrentDays"), None)
                if due is not None and due <= now and (keep is None or newer_noncurrent >= keep):
                    versions.remove(ctx, bucket, key, record["vid"])
                    break
                if not record.get("dm"):
                    _transition(ctx, bucket, record, rule.get("NoncurrentVersionTransitions") or [], since, now, "NoncurrentDays")


def _uploads(ctx: Ctx, bucket: Bucket, rules: list[dict[str, Any]], now: float) -> None:
    prefix = keys.uploads_prefix(bucket.account, bucket.region, bucket.name)
    for ukey, raw in list(ctx.store.scan(prefix)):
        upload = keys.loads(raw)
        for rule in rules:
            days = (rule.get("AbortIncompleteMultipartUpload") or {}).get("DaysAfterInitiation")
            if days is None or not _filter_matches(rule, {"key": upload["key"], "size": 0}):
                continue
            if midnight_after(upload["initiated"] + days * DAY) <= now:
                parts = keys.parts_prefix(bucket.account, bucket.region, upload["id"])
                segments = [seg for _, p in ctx.store.scan(parts) for seg in keys.loads(p)["segs"]]
                with ctx.store.transaction() as txn:
                    txn.delete(ukey)
                    txn.delete_prefix(parts)
                payload.delete(ctx, segments)
                break


class Sweeper:
    """Runs the daily sweep when fogbank's clock passes midnight (thread plus ``pump``)."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.RLock()
        # when the next sweep is due: a cache of "the last sweep ran at this midnight"
        self._next: float = 0.0

    def start(self, ctx: Ctx) -> None:
        """Start the background thread."""
        if self._thread is None:
            self._next = midnight_after(ctx.clock.now())
            self._thread = threading.Thread(target=self._run, args=(ctx,), name="s3-lifecycle", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the background thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def reschedule(self, ctx: Ctx) -> None:
        """Make the next sweep the first midnight after the clock's current time."""
        with self._lock:
            self._next = midnight_after(ctx.clock.now())

    def pump(self, ctx: Ctx) -> None:
        """Sweep now if a midnight has passed since the last sweep."""
        if ctx.clock.now() >= self._next:
            self._sweep(ctx)

    def _sweep(self, ctx: Ctx) -> None:
        with self._lock:
            now = ctx.clock.now()
            if now < self._next:
                return
            sweep(ctx, now)
            self._next = midnight_after(now + 1)

    def _run(self, ctx: Ctx) -> None:
        while not self._stop.is_set():
            if ctx.clock.wait_until(self._next, stop=self._stop):
                try:
                    self._sweep(ctx)
                except Exception:  # a failed sweep must not end the thread; the next midnight retries
                    self._next = midnight_after(ctx.clock.now() + 1)

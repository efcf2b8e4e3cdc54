"""Replication of new versions to other buckets (cross-region or same-region, same or other
account), as the source bucket's ReplicationConfiguration says.

A write that a rule covers is stored with ``ReplicationStatus`` PENDING and queues a task under
a global key (``("s3", "repl", due_ms, seq)``: destinations may be in any account and region),
due ``DELAY`` seconds of fogbank's clock later. Tasks are carried out by the ``Replicator``:
a background thread woken by new tasks and by the clock, and, so that a reader never waits on
that thread, by ``pump`` at the start of reads (cheap: a cached earliest due time says whether
anything is due). Carrying out a task claims it in a transaction, copies the version's bytes and
metadata into the destination with the same version id and status REPLICA, and marks the source
COMPLETED (FAILED when the destination is gone or unversioned, or the object uses SSE-C, which
S3 does not replicate).

Replicas of encrypted objects are encrypted with the destination's SSE-S3 key.
"""

from __future__ import annotations

import threading
from typing import Any

from fogbank.context import Ctx
from fogbank.services.s3 import buckets, crypto, payload, versions
from fogbank.services.s3 import store as keys
from fogbank.services.s3.buckets import Bucket
from fogbank.services.s3.errors import InvalidRequest, MalformedXML, NoSuchBucket

SERVICE = keys.SERVICE
DELAY = 1.0
_QUEUE = (SERVICE, "repl")


def _dest_name(rule: dict[str, Any]) -> str:
    arn = (rule.get("Destination") or {}).get("Bucket") or ""
    return arn.rsplit(":", 1)[-1]


def _filter(rule: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """A rule's key prefix and required tags."""
    if "Filter" not in rule:
        return rule.get("Prefix") or "", {}
    f = rule.get("Filter") or {}
    if "And" in f:
        both = f["And"] or {}
        return both.get("Prefix") or "", {t["Key"]: t["Value"] for t in both.get("Tags") or []}
    if "Tag" in f:
        return "", {f["Tag"]["Key"]: f["Tag"]["Value"]}
    return f.get("Prefix") or "", {}


def validate(ctx: Ctx, bucket: Bucket, config: dict[str, Any]) -> None:
    """PutBucketReplication's checks: versioning on both sides, existing destinations."""
    if bucket.versioning != "Enabled":
        raise InvalidRequest("Versioning must be 'Enabled' on the bucket to apply a replication configuration")
    rules = config.get("Rules") or []
    if not config.get("Role") or not rules:
        raise MalformedXML()
    for rule in rules:
        name = _dest_name(rule)
        try:
            dest = buckets.load(ctx, name)
        except NoSuchBucket:
            raise InvalidRequest("Destination bucket must exist.") from None
        if dest.versioning != "Enabled":
            raise InvalidRequest("Destination bucket must have versioning enabled.")


def _rule_for(bucket: Bucket, record: dict[str, Any]) -> dict[str, Any] | None:
    config = bucket.cfg("replication")
    if not config or record.get("repl") == "REPLICA":
        return None
    best: dict[str, Any] | None = None
    for rule in config.get("Rules") or []:
        if rule.get("Status") != "Enabled":
            continue
        prefix, tags = _filter(rule)
        if not record["key"].startswith(prefix):
            continue
        if record.get("dm"):
            if tags or (rule.get("DeleteMarkerReplication") or {}).get("Status") != "Enabled":
                continue
        elif any((record.get("tags") or {}).get(k) != v for k, v in tags.items()):
            continue
        if best is None or (rule.get("Priority") or 0) > (best.get("Priority") or 0):
            best = rule
    return best


def applies(bucket: Bucket, record: dict[str, Any]) -> bool:
    """Whether a rule of the bucket replicates this version."""
    return _rule_for(bucket, record) is not None


class Replicator:
    """Carries out replication tasks: a background thread plus ``pump`` from request paths."""

    def __init__(self) -> None:
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # the earliest due time of a queued task, cached (written through by enqueue)
        self._next_due: float | None = 0.0
        self._lock = threading.Lock()
        # held while tasks are carried out, so a reader's pump waits for a copy in flight
        self._running = threading.RLock()

    def start(self, ctx: Ctx) -> None:
        """Start the background thread."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, args=(ctx,), name="s3-replication", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the background thread."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def reset(self) -> None:
        """Forget the cached due time (the store was cleared)."""
        self._next_due = None

    def enqueue(self, ctx: Ctx, bucket: Bucket, record: dict[str, Any]) -> None:
        """Queue a version of ``bucket`` for replication."""
        due = ctx.clock.now() + DELAY
        task = {"bucket": bucket.name, "key": record["key"], "vid": record["vid"]}
        ctx.store.put(_QUEUE + (int(due * 1000), record["seq"]), keys.dumps(task))
        with self._lock:
            if self._next_due is None or due < self._next_due:
                self._next_due = due
        self._wake.set()

    def pump(self, ctx: Ctx) -> None:
        """Carry out every task that is due (cheap when none is)."""
        due = self._next_due
        if due is None or due > ctx.clock.now():
            return
        self._drain(ctx)

    def _drain(self, ctx: Ctx) -> float | None:
        with self._running:
            return self._drain_locked(ctx)

    def _drain_locked(self, ctx: Ctx) -> float | None:
        while True:
            now = ctx.clock.now()
            first = next(iter(ctx.store.scan(_QUEUE, limit=1)), None)
            if first is None:
                self._next_due = None
                return None
            due = first[0][len(_QUEUE)] / 1000
            if due > now:
                self._next_due = due
                return due
            with ctx.store.transaction() as txn:
                claimed = txn.get(first[0])
                if claimed is not None:
                    txn.delete(first[0])
            if claimed is not None:
                _replicate(ctx, keys.loads(claimed))

    def _run(self, ctx: Ctx) -> None:
        while not self._stop.is_set():
            try:
                due = self._drain(ctx)
            except Exception:  # a failed task must not end the worker
                due = None
            self._wake.clear()
            deadline = due if due is not None else ctx.clock.now() + 3600
            ctx.clock.wait_until(deadline, stop=self._wake)


def _replicate(ctx: Ctx, task: dict[str, Any]) -> None:
    try:
        source_bucket = buckets.load(ctx, task["bucket"])
    except NoSuchBucket:
        return
    record = versions.by_id(ctx, source_bucket, task["key"], task["vid"])
    if record is None:
        return
    rule = _rule_for(source_bucket, record)
    status = "FAILED"
    if rule is not None and (record.get("sse") or {}).get("mode") != crypto.SSE_C:
        try:
            dest = buckets.load(ctx, _dest_name(rule))
        except NoSuchBucket:
            dest = None
        if dest is not None and dest.versioning == "Enabled":
            _copy(ctx, source_bucket, record, dest, rule)
            status = "COMPLETED"
    if not record.get("dm"):
        versions.update(ctx, source_bucket, record, repl=status)


def _copy(ctx: Ctx, source: Bucket, record: dict[str, Any], dest: Bucket, rule: dict[str, Any]) -> None:
    replica = {k: v for k, v in record.items() if k not in ("segs", "sse", "repl", "restore", "vid", "seq")}
    replica["repl"] = "REPLICA"
    if record.get("dm"):
        replica.pop("repl")
        versions.put(ctx, dest, record["key"], replica, version_id=record["vid"])
        return
    data_key = crypto.object_data_key(ctx, source.account, source.region, record.get("sse"), None)
    new_key, sse = crypto.new_object_key(ctx, dest.account, dest.region, crypto.AES256, None, None)  # at least SSE-S3, as every bucket
    size = record["size"]
    body = payload.read(ctx, record["segs"], 0, size - 1, data_key) if size else b""
    written = payload.write(ctx, body, data_key=new_key)
    replica["segs"] = written.segments
    if sse:
        replica["sse"] = sse
    storage = (rule.get("Destination") or {}).get("StorageClass")
    if storage:
        replica["sc"] = storage
    versions.put(ctx, dest, record["key"], replica, version_id=record["vid"])

"""Queues: their records, names, URLs and ARNs, and the registry that finds them.

A queue lives under ("sqs", account, region, "queue", name). The registry caches records in
memory, written through, because every message operation starts by finding its queue.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from fogbank.context import Ctx
from fogbank.services.sqs import attributes, store
from fogbank.services.sqs.errors import (
    InvalidAddress,
    QueueDeletedRecently,
    QueueNameExists,
    invalid_value,
    queue_does_not_exist,
)

_STANDARD_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")
_FIFO_NAME = re.compile(r"[A-Za-z0-9_-]{1,75}\.fifo")
#: how long after DeleteQueue a queue of the same name cannot be created
RECREATE_DELAY = 60
DEFAULT_HOST = "localhost:4566"


@dataclass
class Queue:
    """One queue: its identity, its settable attributes and its bookkeeping."""

    account: str
    region: str
    name: str
    fifo: bool
    attributes: dict[str, str]
    created: int
    modified: int
    tags: dict[str, str] = field(default_factory=dict)
    purged_at: float | None = None

    @property
    def arn(self) -> str:
        """The queue's ARN."""
        return f"arn:aws:sqs:{self.region}:{self.account}:{self.name}"

    @property
    def key(self) -> tuple[str, str, str]:
        """(account, region, name): the queue's identity."""
        return (self.account, self.region, self.name)

    def url(self, host: str) -> str:
        """The queue's URL as AWS forms it, on fogbank's host and port."""
        return f"http://{host or DEFAULT_HOST}/{self.account}/{self.name}"

    def number(self, name: str) -> int:
        """An integer attribute."""
        return int(self.attributes[name])

    def flag(self, name: str) -> bool:
        """A boolean attribute."""
        return self.attributes.get(name) == "true"

    def redrive(self) -> dict[str, Any] | None:
        """The parsed RedrivePolicy, or None."""
        value = self.attributes.get("RedrivePolicy")
        return attributes.redrive_policy(value) if value else None

    def record(self) -> dict[str, Any]:
        """The stored form."""
        return {
            "fifo": self.fifo,
            "attributes": self.attributes,
            "created": self.created,
            "modified": self.modified,
            "tags": self.tags,
            "purged_at": self.purged_at,
        }

    @classmethod
    def from_record(cls, account: str, region: str, name: str, record: dict[str, Any]) -> Queue:
        """A queue from its stored form."""
        return cls(
            account,
            region,
            name,
            record["fifo"],
            record["attributes"],
            record["created"],
            record["modified"],
            record.get("tags", {}),
            record.get("purged_at"),
        )


def parse_arn(arn: str) -> tuple[str, str, str] | None:
    """(account, region, name) of an SQS queue ARN, or None."""
    parts = arn.split(":")
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sqs" or not parts[5]:
        return None
    return parts[4], parts[3], parts[5]


def check_name(name: str, fifo: bool) -> None:
    """AWS's error for a queue name that breaks the naming rules."""
    if fifo:
        if not _FIFO_NAME.fullmatch(name):
            raise invalid_value(
                "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, "
                "must end with .fifo suffix and be 1 to 80 in length."
            )
    elif not _STANDARD_NAME.fullmatch(name):
        raise invalid_value(
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
        )


class Registry:
    """Finds, creates, saves and deletes queues (with a write-through cache)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str, str], Queue] = {}

    def clear(self) -> None:
        """Forget the cache (after a reset)."""
        self._cache.clear()

    def get(self, ctx: Ctx, account: str, region: str, name: str) -> Queue | None:
        """The queue, or None."""
        key = (account, region, name)
        queue = self._cache.get(key)
        if queue is None:
            raw = ctx.store.get(store.queue_key(account, region, name))
            if raw is None:
                return None
            queue = Queue.from_record(account, region, name, store.load(raw))
            self._cache[key] = queue
        return queue

    def by_url(self, ctx: Ctx, url: str) -> Queue:
        """The queue a QueueUrl names (another account's too); ``QueueDoesNotExist`` otherwise."""
        path = urlsplit(url).path if "://" in url else url
        parts = [p for p in path.split("/") if p]
        if len(parts) < 2:
            if len(parts) == 1 and "://" not in url:
                queue = self.get(ctx, ctx.account, ctx.region, parts[0])
                if queue is not None:
                    return queue
                raise queue_does_not_exist()
            raise InvalidAddress(f"The address {url} is not valid for this endpoint.")
        account, name = parts[-2], parts[-1]
        queue = self.get(ctx, account, ctx.region, name)
        if queue is None:
            raise queue_does_not_exist()
        return queue

    def by_arn(self, ctx: Ctx, arn: str) -> Queue | None:
        """The queue an ARN names, or None."""
        parsed = parse_arn(arn)
        return self.get(ctx, *parsed) if parsed else None

    def save(self, ctx: Ctx, queue: Queue) -> None:
        """Write a queue's record."""
        ctx.store.put(store.queue_key(*queue.key), store.dump(queue.record()))
        self._cache[queue.key] = queue

    def create(self, ctx: Ctx, name: str, given: dict[str, str], tags: dict[str, str]) -> Queue:
        """CreateQueue: a new queue, or the existing one when the attributes agree."""
        fifo = str(given.get("FifoQueue", "")).lower() == "true"
        if "FifoQueue" in given and str(given["FifoQueue"]).lower() not in ("true", "false"):
            raise attributes.InvalidAttributeValue("Invalid value for the parameter FifoQueue.")
        check_name(name, fifo or name.endswith(".fifo"))
        if name.endswith(".fifo") and not fifo:
            raise invalid_value(
                "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, "
                "must end with .fifo suffix and be 1 to 80 in length."
            )
        clean = attributes.check(given, fifo, creating=True)
        if not fifo:
            clean.pop("FifoQueue", None)
        existing = self.get(ctx, ctx.account, ctx.region, name)
        if existing is not None:
            differing = [k for k, v in clean.items() if existing.attributes.get(k) != v]
            if differing:
                raise QueueNameExists(
                    "A queue already exists with the same name and a different value for attribute(s) "
                    + ", ".join(differing)
                )
            return existing
        gone = ctx.store.get(store.gone_key(ctx.account, ctx.region, name))
        if gone is not None and ctx.clock.now() - float(gone) < RECREATE_DELAY:
            raise QueueDeletedRecently(
                "You must wait 60 seconds after deleting a queue before you can create another with the same name."
            )
        values = dict(attributes.DEFAULTS)
        if fifo:
            values.update(attributes.FIFO_DEFAULTS)
        values.update(clean)
        if values.get("KmsMasterKeyId"):
            values["SqsManagedSseEnabled"] = "false"
            values.setdefault("KmsDataKeyReusePeriodSeconds", "300")
        now = int(ctx.clock.now())
        queue = Queue(ctx.account, ctx.region, name, fifo, values, now, now, dict(tags))
        self.save(ctx, queue)
        return queue

    def delete(self, ctx: Ctx, queue: Queue) -> None:
        """DeleteQueue: the record and every message go; the name is held back for 60 s."""
        with ctx.store.transaction() as txn:
            txn.delete(store.queue_key(*queue.key))
            for prefix in store.per_queue_prefixes(*queue.key):
                txn.delete_prefix(prefix)
            txn.put(store.gone_key(*queue.key), repr(ctx.clock.now()).encode())
        self._cache.pop(queue.key, None)

    def names(self, ctx: Ctx, prefix: str = "", after: str | None = None) -> list[str]:
        """The names of the caller's queues in this region that start with ``prefix``, in order."""
        out: list[str] = []
        base = store.queues_prefix(ctx.account, ctx.region)
        start = base + (after,) if after is not None else None
        for key, _ in ctx.store.scan(prefix=base, start=start):
            name = key[-1]
            if name == after:
                continue
            if name.startswith(prefix):
                out.append(name)
        return out

    def all(self, ctx: Ctx) -> list[Queue]:
        """Every queue of the caller's account and region."""
        out = []
        for key, raw in ctx.store.scan(prefix=store.queues_prefix(ctx.account, ctx.region)):
            out.append(
                self._cache.get((ctx.account, ctx.region, key[-1]))
                or Queue.from_record(ctx.account, ctx.region, key[-1], store.load(raw))
            )
        return out


def touch(queue: Queue, now: float) -> None:
    """Record a change of the queue's attributes."""
    queue.modified = int(now)


@functools.lru_cache(maxsize=256)
def _access_facts(raw: bytes) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    record = store.load(raw)
    return record["attributes"].get("Policy") or None, tuple(sorted((record.get("tags") or {}).items()))


def access_facts(reader: Any, account: str, region: str, name: str) -> tuple[str | None, dict[str, str]] | None:
    """A queue's Policy attribute and tags, straight from the store (what IAM enforcement asks
    for on every request, so it costs one read and no decoding while the record is unchanged);
    None when there is no such queue."""
    raw = reader.get(store.queue_key(account, region, name))
    if raw is None:
        return None
    policy, tags = _access_facts(bytes(raw))
    return policy, dict(tags)

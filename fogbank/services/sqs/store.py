"""SQS's key layout in the store. Every key starts with ("sqs", account, region).

  (..., "queue", name)                      -> queue record (attributes, tags, timestamps)
  (..., "gone", name)                       -> when a queue of that name was deleted (60 s rule)
  (..., "msg", name, seq)                   -> message record; seq grows with send time (µs), so
                                               the oldest messages come first (retention sweep)
  (..., "vis", name, visible_at_ms, seq)    -> b"D" (delayed, never received) or b"I" (in flight);
                                               receive is a range scan up to now
  (..., "grp", name, group, seq)            -> b"" (FIFO: a group's messages in order)
  (..., "lock", name, group)                -> {seq: in-flight-until ms} (FIFO group lock)
  (..., "dedup", name, scope, dedup_id)     -> {"ms": sent ms, "id": message id, "seq": seq}
  (..., "attempt", name, attempt_id)        -> a FIFO ReceiveRequestAttemptId and what it got
  (..., "task", source_arn, started_ms, handle) -> a message move task

Values are JSON (binary message attribute values as base64) except the one-byte index values.
"""

from __future__ import annotations

# records are stored in the shared JSON form
from fogbank.store.records import dump as dump
from fogbank.store.records import load as load

SERVICE = "sqs"

#: message kinds in the visibility index
DELAYED = b"D"
IN_FLIGHT = b"I"



def base(account: str, region: str) -> tuple[str, str, str]:
    """The prefix of every SQS key of an account and region."""
    return (SERVICE, account, region)


def queue_key(account: str, region: str, name: str) -> tuple:
    """Where a queue's record lives."""
    return (SERVICE, account, region, "queue", name)


def queues_prefix(account: str, region: str) -> tuple:
    """The prefix of all queue records of an account and region."""
    return (SERVICE, account, region, "queue")


def gone_key(account: str, region: str, name: str) -> tuple:
    """When a queue of this name was last deleted."""
    return (SERVICE, account, region, "gone", name)


def per_queue_prefixes(account: str, region: str, name: str) -> list[tuple]:
    """Every prefix holding a queue's messages and message bookkeeping."""
    return [
        (SERVICE, account, region, kind, name) for kind in ("msg", "vis", "grp", "lock", "dedup", "attempt")
    ]


def message_key(account: str, region: str, name: str, seq: int) -> tuple:
    """Where one message lives."""
    return (SERVICE, account, region, "msg", name, seq)


def messages_prefix(account: str, region: str, name: str) -> tuple:
    """The prefix of a queue's messages, oldest first."""
    return (SERVICE, account, region, "msg", name)


def visibility_key(account: str, region: str, name: str, visible_ms: int, seq: int) -> tuple:
    """A message's entry in the visibility index."""
    return (SERVICE, account, region, "vis", name, visible_ms, seq)


def visibility_prefix(account: str, region: str, name: str) -> tuple:
    """The prefix of a queue's visibility index."""
    return (SERVICE, account, region, "vis", name)


def group_key(account: str, region: str, name: str, group: str, seq: int) -> tuple:
    """A FIFO message's place in its group."""
    return (SERVICE, account, region, "grp", name, group, seq)


def group_prefix(account: str, region: str, name: str, group: str) -> tuple:
    """The prefix of a FIFO group's messages, in order."""
    return (SERVICE, account, region, "grp", name, group)


def lock_key(account: str, region: str, name: str, group: str) -> tuple:
    """A FIFO group's in-flight messages."""
    return (SERVICE, account, region, "lock", name, group)


def dedup_key(account: str, region: str, name: str, scope: str, dedup_id: str) -> tuple:
    """A FIFO deduplication record (scope: the group, or "" for the whole queue)."""
    return (SERVICE, account, region, "dedup", name, scope, dedup_id)


def attempt_key(account: str, region: str, name: str, attempt_id: str) -> tuple:
    """A FIFO receive attempt."""
    return (SERVICE, account, region, "attempt", name, attempt_id)


def task_key(account: str, region: str, source_arn: str, started_ms: int, handle: str) -> tuple:
    """A message move task."""
    return (SERVICE, account, region, "task", source_arn, started_ms, handle)


def tasks_prefix(account: str, region: str, source_arn: str | None = None) -> tuple:
    """The prefix of the move tasks of an account and region (or of one source queue)."""
    prefix: tuple = (SERVICE, account, region, "task")
    return prefix + (source_arn,) if source_arn is not None else prefix

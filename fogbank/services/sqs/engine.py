"""The message engine: send, receive, delete and visibility changes on the store, with FIFO
group order and locks, deduplication, retention, redrive to dead-letter queues and counters.

A message record (JSON) holds: ``id``, ``seq``, ``b`` body, ``a`` message attributes (binary
values base64), ``s`` system attributes, ``mb``/``ma``/``ms`` its MD5s, ``t`` sent ms, ``e``
enqueue ms that retention counts from, ``snd`` sender, ``rc`` receive count, ``fr`` first
receive ms, ``v`` visible-at ms, ``h`` the token of the latest receipt handle, ``g`` group,
``d`` deduplication id, ``src`` the ARN of the queue it was dead-lettered from.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import uuid
from typing import Any

from fogbank.context import Ctx
from fogbank.services.sqs import checksums, store
from fogbank.services.sqs.errors import MessageNotInflight, ReceiptHandleIsInvalid, invalid_parameter
from fogbank.services.sqs.polling import Waiters
from fogbank.services.sqs.queues import Queue, Registry
from fogbank.store.overlay import Txn

DEDUP_WINDOW_MS = 300_000
MAX_VISIBILITY_MS = 43_200_000
#: a queue's expired messages are swept at most this often (receive checks each message anyway)
SWEEP_EVERY = 1.0


def _encode_attributes(attrs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out = {}
    for name, value in attrs.items():
        if value["DataType"].startswith("Binary"):
            out[name] = {
                "DataType": value["DataType"],
                "BinaryValue": base64.b64encode(bytes(value["BinaryValue"])).decode(),
            }
        else:
            out[name] = {"DataType": value["DataType"], "StringValue": value["StringValue"]}
    return out


def decode_attributes(attrs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Stored message attributes back in boto3's form (binary values as bytes)."""
    out = {}
    for name, value in attrs.items():
        if "BinaryValue" in value:
            out[name] = {"DataType": value["DataType"], "BinaryValue": base64.b64decode(value["BinaryValue"])}
        else:
            out[name] = value
    return out


def sequence_number(seq: int) -> str:
    """A FIFO SequenceNumber as SQS writes it."""
    return f"{seq:020d}"


class Engine:
    """Message operations on queues found by a ``Registry``."""

    def __init__(self, queues: Registry) -> None:
        self.queues = queues
        self.waiters = Waiters()
        self._last_seq: dict[tuple[str, str, str], int] = {}
        self._swept: dict[tuple[str, str, str], float] = {}

    def clear(self) -> None:
        """Forget caches (after a reset) and wake every long poll."""
        self._last_seq.clear()
        self._swept.clear()
        self.waiters.clear()

    # --- helpers -----------------------------------------------------------------------------

    def next_seq(self, ctx: Ctx, queue: Queue, now: float) -> int:
        """A sequence number above every earlier one of the queue, close to now in µs."""
        last = self._last_seq.get(queue.key)
        if last is None:
            last = 0
            for key, _ in ctx.store.scan(prefix=store.messages_prefix(*queue.key), reverse=True, limit=1):
                last = key[-1]
        seq = max(last + 1, int(now * 1_000_000))
        self._last_seq[queue.key] = seq
        return seq

    def handle(self, queue: Queue, seq: int, token: str) -> str:
        """A receipt handle: opaque to clients, naming the queue, the message and this receive."""
        raw = f"{queue.account}:{queue.region}:{queue.name}:{seq}:{token}".encode()
        return base64.urlsafe_b64encode(raw).decode()

    def _parse_handle(self, queue: Queue, handle: str) -> tuple[int, str]:
        try:
            account, region, name, seq, token = base64.urlsafe_b64decode(handle.encode()).decode().split(":")
            number = int(seq)
        except (ValueError, binascii.Error, UnicodeError):
            raise ReceiptHandleIsInvalid(
                f'The input receipt handle "{handle}" is not a valid receipt handle.'
            ) from None
        if (account, region, name) != queue.key:
            raise ReceiptHandleIsInvalid(
                f'The input receipt handle "{handle}" is not a valid receipt handle.'
            )
        return number, token

    def _remove(self, txn: Txn, queue: Queue, msg: dict[str, Any]) -> None:
        a, r, n = queue.key
        seq = msg["seq"]
        txn.delete(store.message_key(a, r, n, seq))
        txn.delete(store.visibility_key(a, r, n, msg["v"], seq))
        group = msg.get("g")
        if group is not None and queue.fifo:
            txn.delete(store.group_key(a, r, n, group, seq))
            self._set_lock(txn, queue, group, seq, None)

    def _set_lock(self, txn: Txn, queue: Queue, group: str, seq: int, until_ms: int | None) -> None:
        key = store.lock_key(*queue.key, group)
        raw = txn.get(key)
        locks: dict[str, int] = store.load(raw) if raw else {}
        if until_ms is None:
            if str(seq) not in locks:
                return
            locks.pop(str(seq))
        else:
            locks[str(seq)] = until_ms
        if locks:
            txn.put(key, store.dump(locks))
        else:
            txn.delete(key)

    def _locked(self, txn: Txn, queue: Queue, group: str, now_ms: int) -> bool:
        raw = txn.get(store.lock_key(*queue.key, group))
        return bool(raw) and any(until > now_ms for until in store.load(raw).values())

    def _insert(self, txn: Txn, queue: Queue, msg: dict[str, Any]) -> None:
        a, r, n = queue.key
        txn.put(store.message_key(a, r, n, msg["seq"]), store.dump(msg))
        txn.put(store.visibility_key(a, r, n, msg["v"], msg["seq"]), store.DELAYED)
        if queue.fifo:
            txn.put(store.group_key(a, r, n, msg["g"], msg["seq"]), b"")

    def transfer(
        self,
        ctx: Ctx,
        txn: Txn,
        source: Queue,
        msg: dict[str, Any],
        target: Queue,
        now: float,
        dead_letter: bool,
    ) -> None:
        """Move a message to another queue: to its dead-letter queue, or back by a move task."""
        self._remove(txn, source, msg)
        now_ms = int(now * 1000)
        moved = dict(msg, seq=self.next_seq(ctx, target, now), v=now_ms, h=None)
        if dead_letter:
            moved["src"] = source.arn
        else:
            moved.pop("src", None)
            moved.update(rc=0, fr=0)
        if target.fifo:
            # a FIFO dead-letter queue restarts the retention period; a standard one keeps it
            moved["e"] = now_ms
            moved.setdefault("g", "")
            if moved["g"] is None:
                moved["g"] = ""
        self._insert(txn, target, moved)
        self.waiters.notify(target.key)

    # --- send ----------------------------------------------------------------------------------

    def send(
        self,
        ctx: Ctx,
        queue: Queue,
        body: str,
        attrs: dict[str, Any],
        system: dict[str, Any],
        delay: int,
        group: str | None,
        dedup: str | None,
        now: float,
    ) -> dict[str, Any]:
        """Store one checked message; returns SendMessage's result (a duplicate returns the original)."""
        md5_body = checksums.md5_of_body(body)
        result: dict[str, Any] = {"MD5OfMessageBody": md5_body}
        md5_attrs = checksums.md5_of_attributes(attrs) if attrs else None
        md5_system = checksums.md5_of_attributes(system) if system else None
        if md5_attrs:
            result["MD5OfMessageAttributes"] = md5_attrs
        if md5_system:
            result["MD5OfMessageSystemAttributes"] = md5_system
        now_ms = int(now * 1000)
        a, r, n = queue.key
        dedup_key = None
        if queue.fifo:
            if dedup is None:
                dedup = hashlib.sha256(body.encode("utf-8")).hexdigest()
            scope = group if queue.attributes.get("DeduplicationScope") == "messageGroup" else ""
            dedup_key = store.dedup_key(a, r, n, scope or "", dedup)
            raw = ctx.store.get(dedup_key)
            if raw is not None:
                seen = store.load(raw)
                if seen["ms"] + DEDUP_WINDOW_MS > now_ms:
                    result["MessageId"] = seen["id"]
                    result["SequenceNumber"] = sequence_number(seen["seq"])
                    return result
        seq = self.next_seq(ctx, queue, now)
        message_id = str(uuid.uuid4())
        sender = ctx.principal.user_id if ctx.principal is not None else ctx.account
        msg = {
            "id": message_id,
            "seq": seq,
            "b": body,
            "mb": md5_body,
            "t": now_ms,
            "e": now_ms,
            "snd": sender,
            "rc": 0,
            "fr": 0,
            "v": now_ms + delay * 1000,
            "h": None,
        }
        if attrs:
            msg["a"] = _encode_attributes(attrs)
            msg["ma"] = md5_attrs
        if system:
            msg["s"] = _encode_attributes(system)
        if group is not None:
            msg["g"] = group
        if queue.fifo:
            msg["d"] = dedup
        with ctx.store.transaction() as txn:
            self._insert(txn, queue, msg)
            if dedup_key is not None:
                txn.put(dedup_key, store.dump({"ms": now_ms, "id": message_id, "seq": seq}))
        if delay == 0:
            self.waiters.notify(queue.key)
        result["MessageId"] = message_id
        if queue.fifo:
            result["SequenceNumber"] = sequence_number(seq)
        return result

    # --- receive -------------------------------------------------------------------------------

    def receive(
        self, ctx: Ctx, queue: Queue, max_count: int, visibility: int, now: float
    ) -> list[tuple[dict[str, Any], str]]:
        """Up to ``max_count`` messages made invisible for ``visibility`` seconds, with their receipt handles."""
        self.sweep(ctx, queue, now)
        now_ms = int(now * 1000)
        redrive = queue.redrive()
        dead_letter = self.queues.by_arn(ctx, redrive["deadLetterTargetArn"]) if redrive else None
        limit = redrive["maxReceiveCount"] if redrive else 0
        retention_ms = queue.number("MessageRetentionPeriod") * 1000
        a, r, n = queue.key
        prefix = store.visibility_prefix(a, r, n)
        end = prefix + (now_ms + 1,)
        taken: list[tuple[dict[str, Any], str]] = []
        seen: set[int] = set()
        groups: set[str] = set()
        until_ms = now_ms + visibility * 1000

        def take(txn: Txn, msg: dict[str, Any]) -> None:
            txn.delete(store.visibility_key(a, r, n, msg["v"], msg["seq"]))
            token = os.urandom(6).hex()
            msg["rc"] += 1
            msg["fr"] = msg["fr"] or now_ms
            # the 12-hour visibility limit counts from this receive, not the first one
            msg["lr"] = now_ms
            msg["v"] = until_ms
            msg["h"] = token
            txn.put(store.visibility_key(a, r, n, until_ms, msg["seq"]), store.IN_FLIGHT)
            txn.put(store.message_key(a, r, n, msg["seq"]), store.dump(msg))
            taken.append((msg, self.handle(queue, msg["seq"], token)))

        def usable(txn: Txn, msg: dict[str, Any]) -> bool:
            # expired and over-received messages leave here instead of being delivered
            if msg["e"] + retention_ms <= now_ms:
                self._remove(txn, queue, msg)
                return False
            if dead_letter is not None and msg["rc"] >= limit and dead_letter.fifo == queue.fifo:
                self.transfer(ctx, txn, queue, msg, dead_letter, now, dead_letter=True)
                return False
            return True

        with ctx.store.transaction() as txn:
            start = None
            while len(taken) < max_count:
                want = max_count - len(taken) + 1
                batch = list(txn.scan(prefix=prefix, start=start, end=end, limit=want))
                for key, _ in batch:
                    seq = key[-1]
                    if seq in seen:
                        continue
                    seen.add(seq)
                    raw = txn.get(store.message_key(a, r, n, seq))
                    if raw is None:
                        txn.delete(key)
                        continue
                    msg = store.load(raw)
                    if queue.fifo:
                        self._take_group(
                            txn, queue, msg.get("g") or "", groups, taken, max_count, now_ms, usable, take
                        )
                    elif usable(txn, msg):
                        take(txn, msg)
                    if len(taken) >= max_count:
                        break
                if len(batch) < want:
                    break
                start = batch[-1][0]
            if queue.fifo:
                for msg, _ in taken:
                    self._set_lock(txn, queue, msg["g"], msg["seq"], until_ms)
        return taken

    def _take_group(
        self,
        txn: Txn,
        queue: Queue,
        group: str,
        groups: set[str],
        taken: list,
        max_count: int,
        now_ms: int,
        usable: Any,
        take: Any,
    ) -> None:
        """FIFO: deliver a group's messages in order from its head, unless it has messages in flight."""
        if group in groups:
            return
        groups.add(group)
        if self._locked(txn, queue, group, now_ms):
            return
        a, r, n = queue.key
        for key, _ in list(txn.scan(prefix=store.group_prefix(a, r, n, group), limit=max_count + 16)):
            raw = txn.get(store.message_key(a, r, n, key[-1]))
            if raw is None:
                txn.delete(key)
                continue
            msg = store.load(raw)
            if msg["v"] > now_ms:
                return
            if not usable(txn, msg):
                continue
            take(txn, msg)
            if len(taken) >= max_count:
                return

    def next_due(self, ctx: Ctx, queue: Queue, now: float) -> float | None:
        """When the next message of the queue becomes visible (delay or visibility ending), or None."""
        prefix = store.visibility_prefix(*queue.key)
        for key, _ in ctx.store.scan(prefix=prefix, start=prefix + (int(now * 1000) + 1,), limit=1):
            return key[-2] / 1000
        return None

    # --- delete and visibility -----------------------------------------------------------------

    def delete(self, ctx: Ctx, queue: Queue, receipt: str) -> None:
        """DeleteMessage: a stale receipt handle (the message was received again since) deletes nothing."""
        seq, token = self._parse_handle(queue, receipt)
        with ctx.store.transaction() as txn:
            raw = txn.get(store.message_key(*queue.key, seq))
            if raw is None:
                return
            msg = store.load(raw)
            if msg["h"] != token:
                return
            self._remove(txn, queue, msg)
        if queue.fifo:
            self.waiters.notify(queue.key)

    def change_visibility(self, ctx: Ctx, queue: Queue, receipt: str, timeout: int, now: float) -> None:
        """ChangeMessageVisibility for an in-flight message, within 12 hours of the receive that made it."""
        seq, token = self._parse_handle(queue, receipt)
        now_ms = int(now * 1000)
        a, r, n = queue.key
        with ctx.store.transaction() as txn:
            raw = txn.get(store.message_key(a, r, n, seq))
            msg = store.load(raw) if raw is not None else None
            if msg is None or msg["h"] != token:
                raise invalid_parameter(
                    "ReceiptHandle",
                    receipt,
                    "Message does not exist or is not available for visibility timeout change",
                )
            if msg["v"] <= now_ms:
                raise MessageNotInflight("")
            # whole seconds, as SQS counts them: 43200 s right after a receive is allowed
            elapsed_ms = (now_ms - msg.get("lr", msg["fr"])) // 1000 * 1000
            if elapsed_ms + timeout * 1000 > MAX_VISIBILITY_MS:
                raise invalid_parameter(
                    "VisibilityTimeout",
                    timeout,
                    "Total VisibilityTimeout for the message is beyond the limit [43200 seconds]",
                )
            until_ms = now_ms + timeout * 1000
            txn.delete(store.visibility_key(a, r, n, msg["v"], seq))
            msg["v"] = until_ms
            txn.put(store.visibility_key(a, r, n, until_ms, seq), store.IN_FLIGHT)
            txn.put(store.message_key(a, r, n, seq), store.dump(msg))
            if queue.fifo:
                self._set_lock(txn, queue, msg["g"], seq, until_ms)
        if timeout == 0:
            self.waiters.notify(queue.key)

    # --- queue-wide ----------------------------------------------------------------------------

    def sweep(self, ctx: Ctx, queue: Queue, now: float, force: bool = False) -> None:
        """Delete the messages older than the queue's retention period."""
        if not force and now - self._swept.get(queue.key, 0.0) < SWEEP_EVERY:
            return
        self._swept[queue.key] = now
        retention = queue.number("MessageRetentionPeriod")
        prefix = store.messages_prefix(*queue.key)
        cutoff_ms = int((now - retention) * 1000)
        old = list(
            ctx.store.scan(prefix=prefix, end=prefix + (int((now - retention) * 1_000_000),), limit=1000)
        )
        if not old:
            return
        with ctx.store.transaction() as txn:
            for _, raw in old:
                msg = store.load(raw)
                if msg["e"] <= cutoff_ms:
                    self._remove(txn, queue, msg)

    def counts(self, ctx: Ctx, queue: Queue, now: float) -> tuple[int, int, int]:
        """(visible, in flight, delayed) messages."""
        self.sweep(ctx, queue, now, force=True)
        now_ms = int(now * 1000)
        visible = in_flight = delayed = 0
        for key, kind in ctx.store.scan(prefix=store.visibility_prefix(*queue.key)):
            if key[-2] <= now_ms:
                visible += 1
            elif kind == store.IN_FLIGHT:
                in_flight += 1
            else:
                delayed += 1
        return visible, in_flight, delayed

    def purge(self, ctx: Ctx, queue: Queue) -> None:
        """Delete every message of the queue (deduplication records stay)."""
        a, r, n = queue.key
        with ctx.store.transaction() as txn:
            for kind in ("msg", "vis", "grp", "lock", "attempt"):
                txn.delete_prefix((store.SERVICE, a, r, kind, n))

    def oldest(self, ctx: Ctx, queue: Queue, limit: int) -> list[dict[str, Any]]:
        """The queue's oldest messages (for move tasks)."""
        return [
            store.load(raw)
            for _, raw in ctx.store.scan(prefix=store.messages_prefix(*queue.key), limit=limit)
        ]

    # --- FIFO receive attempts -----------------------------------------------------------------

    def remember_attempt(
        self, ctx: Ctx, queue: Queue, attempt: str, taken: list[tuple[dict[str, Any], str]], now: float
    ) -> None:
        """Keep what a FIFO receive with a ReceiveRequestAttemptId got, for its retries (5 minutes)."""
        record = {"ms": int(now * 1000), "got": [[msg["seq"], msg["h"], handle] for msg, handle in taken]}
        ctx.store.put(store.attempt_key(*queue.key, attempt), store.dump(record))

    def retry_attempt(
        self, ctx: Ctx, queue: Queue, attempt: str, now: float
    ) -> list[tuple[dict[str, Any], str]] | None:
        """The messages of an earlier receive with this attempt id, when all are still as it left them."""
        raw = ctx.store.get(store.attempt_key(*queue.key, attempt))
        if raw is None:
            return None
        record = store.load(raw)
        if record["ms"] + DEDUP_WINDOW_MS <= int(now * 1000):
            return None
        out = []
        for seq, token, handle in record["got"]:
            found = ctx.store.get(store.message_key(*queue.key, seq))
            msg = store.load(found) if found is not None else None
            if msg is None or msg["h"] != token:
                return None
            out.append((msg, handle))
        return out

"""SQS's delivery guarantees while receivers, deleters and visibility changers race each other and
fogbank's clock jumps past visibility timeouts: one receive never holds a message twice, a message
in flight reaches nobody else before its visibility ends, and a message deleted with its current
receipt handle never comes back.

The clock moves only between rounds of work (a writer lock held against the workers' reader
locks), so each worker knows exactly which "epoch" of the clock its calls ran in; within an epoch
the workers' SQS calls interleave freely.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from botocore.config import Config as BotoConfig

VISIBILITY = 30
STEP = VISIBILITY + 1  # one clock advance ends every default visibility timeout
EXTENDED = 100  # survives two advances (plus the real seconds an epoch lasts)
WORKERS, ROUNDS, MESSAGES = 4, 12, 120


class Epochs:
    """A readers-writer lock around the clock: workers share an epoch, an advance starts the next."""

    def __init__(self) -> None:
        self.number = 0
        self._readers = 0
        self._cond = threading.Condition()

    @contextmanager
    def reading(self) -> Iterator[int]:
        """Hold the current epoch (no clock advance) for a round of work."""
        with self._cond:
            self._readers += 1
        try:
            yield self.number
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    def advance(self, fogbank: Any) -> None:
        """Move fogbank's clock once no round of work is running."""
        with self._cond:
            self._cond.wait_for(lambda: self._readers == 0)
            fogbank.advance(STEP)
            self.number += 1


class Ledger:
    """What the workers did, checked against SQS's guarantees as it is written."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.hidden_until: dict[str, int] = {}  # message id -> last epoch it must stay in flight
        self.deleted: set[str] = set()
        self.faults: list[str] = []

    def received(self, epoch: int, visibility: int, ids: list[str]) -> None:
        with self.lock:
            if len(set(ids)) != len(ids):
                self.faults.append(f"one receive returned a message twice: {ids}")
            for mid in ids:
                if mid in self.deleted:
                    self.faults.append(f"{mid} came back after its delete")
                if self.hidden_until.get(mid, -1) >= epoch:
                    self.faults.append(f"{mid} was received again while in flight (epoch {epoch})")
                self.hidden_until[mid] = epoch + (visibility - 10) // STEP if visibility else -1

    def extended(self, epoch: int, mid: str) -> None:
        with self.lock:
            self.hidden_until[mid] = epoch + (EXTENDED - 10) // STEP

    def releasing(self, mid: str) -> None:
        # marked before the call: from then on another receiver may rightly get it
        with self.lock:
            self.hidden_until[mid] = -1

    def deleting(self, mid: str) -> None:
        with self.lock:
            self.hidden_until[mid] = -1

    def was_deleted(self, mid: str) -> None:
        with self.lock:
            self.deleted.add(mid)


def _client(endpoint: str) -> Any:
    return boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test", config=BotoConfig(retries={"max_attempts": 1}))


def _work(endpoint: str, url: str, fifo: bool, epochs: Epochs, ledger: Ledger, seed: int) -> None:
    sqs = _client(endpoint)
    pick = random.Random(seed)
    for _ in range(ROUNDS):
        with epochs.reading() as epoch:
            visibility = pick.choice((VISIBILITY, VISIBILITY, VISIBILITY, 0))
            answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=visibility)
            got = answer.get("Messages", [])
            ledger.received(epoch, visibility, [m["MessageId"] for m in got])
            if not visibility:
                continue  # those handles may be superseded at any moment: act on none of them
            deletes = []
            for message in got:
                mid, handle = message["MessageId"], message["ReceiptHandle"]
                action = pick.choice(("delete", "delete", "batch", "release", "extend", "keep"))
                if action == "delete":
                    ledger.deleting(mid)
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)
                    ledger.was_deleted(mid)
                elif action == "batch":
                    ledger.deleting(mid)
                    deletes.append({"Id": str(len(deletes)), "ReceiptHandle": handle, "mid": mid})
                elif action == "release":
                    ledger.releasing(mid)
                    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
                elif action == "extend" and not fifo:
                    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=EXTENDED)
                    ledger.extended(epoch, mid)
            if deletes:
                answer = sqs.delete_message_batch(
                    QueueUrl=url, Entries=[{"Id": d["Id"], "ReceiptHandle": d["ReceiptHandle"]} for d in deletes])
                assert not answer.get("Failed"), answer["Failed"]
                for d in deletes:
                    ledger.was_deleted(d["mid"])


@pytest.mark.parametrize("fifo", [False, True], ids=["standard", "fifo"])
def test_concurrent_receivers_deleters_and_clock_keep_the_guarantees(fogbank: Any, fifo: bool) -> None:
    sqs = _client(fogbank.endpoint)
    name, attrs = ("race.fifo", {"FifoQueue": "true"}) if fifo else ("race", {})
    url = sqs.create_queue(QueueName=name, Attributes={**attrs, "VisibilityTimeout": str(VISIBILITY)})["QueueUrl"]
    sent: set[str] = set()
    for start in range(0, MESSAGES, 10):
        entries = [{"Id": str(i), "MessageBody": f"m{start + i}"} for i in range(10)]
        if fifo:
            for entry in entries:
                entry.update(MessageGroupId=f"g{int(entry['Id']) % 7}", MessageDeduplicationId=f"d{start}-{entry['Id']}")
        sent |= {ok["MessageId"] for ok in sqs.send_message_batch(QueueUrl=url, Entries=entries)["Successful"]}
    epochs, ledger = Epochs(), Ledger()
    errors: list[BaseException] = []

    def worker(seed: int) -> None:
        try:
            _work(fogbank.endpoint, url, fifo, epochs, ledger, seed)
        except BaseException as exc:  # reported by the test thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(WORKERS)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        epochs.advance(fogbank)
        for t in threads:
            t.join(0.05)
    assert not ledger.faults, ledger.faults[:5]
    assert not errors, errors
    # what is left is exactly what was never deleted, each message once
    fogbank.advance(EXTENDED + STEP)
    left: list[str] = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            break
        left += [m["MessageId"] for m in got]
        # deleting unlocks a FIFO group's next messages
        sqs.delete_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)])
    assert len(left) == len(set(left))
    assert set(left) == sent - ledger.deleted
    assert ledger.deleted, "the workers deleted nothing: the test exercised too little"

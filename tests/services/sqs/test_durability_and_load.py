"""SQS under load and across a hard restart: nothing acknowledged is lost, deleted messages
never come back, FIFO groups keep their order and duplicates are dropped."""

from __future__ import annotations

import signal
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config as BotoConfig

from tests.conftest import Server, start_server, stop_server

from .helpers import counts


def _client(endpoint: str) -> Any:
    return boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test", config=BotoConfig(retries={"max_attempts": 3}, max_pool_connections=4))


def _run(threads: list[threading.Thread]) -> None:
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
        assert not t.is_alive()


def test_many_producers_and_consumers_standard(fogbank: Any) -> None:
    total, producers, consumers = 20_000, 8, 8
    url = _client(fogbank.endpoint).create_queue(QueueName="load")["QueueUrl"]
    sent: set[str] = set()
    deleted: set[str] = set()
    redelivered_after_delete: list[str] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def produce(p: int) -> None:
        try:
            client = _client(fogbank.endpoint)
            per = total // producers
            for start in range(0, per, 10):
                entries = [{"Id": str(i), "MessageBody": f"{p}-{start + i}"} for i in range(10)]
                result = client.send_message_batch(QueueUrl=url, Entries=entries)
                assert not result.get("Failed")
                with lock:
                    sent.update(e["MessageId"] for e in result["Successful"])
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    def consume() -> None:
        try:
            client = _client(fogbank.endpoint)
            idle = 0
            while idle < 3:
                got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
                if not got:
                    with lock:
                        if len(deleted) >= total:
                            return
                    idle += 1
                    continue
                idle = 0
                with lock:
                    redelivered_after_delete.extend(m["MessageId"] for m in got if m["MessageId"] in deleted)
                entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)]
                result = client.delete_message_batch(QueueUrl=url, Entries=entries)
                assert not result.get("Failed")
                with lock:
                    deleted.update(m["MessageId"] for m in got)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    _run([threading.Thread(target=produce, args=(p,)) for p in range(producers)]
         + [threading.Thread(target=consume) for _ in range(consumers)])
    assert not errors, errors[0]
    assert len(sent) == total
    assert deleted == sent
    assert redelivered_after_delete == []
    assert counts(_client(fogbank.endpoint), url) == (0, 0, 0)


def test_many_producers_and_consumers_fifo(fogbank: Any) -> None:
    groups, per_group, producers, consumers = 50, 60, 8, 8
    url = _client(fogbank.endpoint).create_queue(QueueName="load.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    seen: dict[str, list[int]] = defaultdict(list)
    lock = threading.Lock()
    errors: list[BaseException] = []
    done = threading.Event()

    def produce(p: int) -> None:
        try:
            client = _client(fogbank.endpoint)
            for g in range(p, groups, producers):
                for start in range(0, per_group, 10):
                    entries = [{"Id": str(i), "MessageBody": f"g{g}:{start + i}", "MessageGroupId": f"g{g}",
                                "MessageDeduplicationId": f"g{g}-{start + i}"} for i in range(10)]
                    client.send_message_batch(QueueUrl=url, Entries=entries)
                    if start == 20:  # a producer's retry: deduplicated, never delivered twice
                        client.send_message_batch(QueueUrl=url, Entries=entries)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    def consume() -> None:
        try:
            client = _client(fogbank.endpoint)
            while not done.is_set():
                got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
                with lock:
                    for m in got:
                        group, index = m["Body"].split(":")
                        seen[group].append(int(index))
                    if sum(map(len, seen.values())) >= groups * per_group:
                        done.set()
                if got:
                    client.delete_message_batch(QueueUrl=url, Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)])
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    _run([threading.Thread(target=produce, args=(p,)) for p in range(producers)]
         + [threading.Thread(target=consume) for _ in range(consumers)])
    assert not errors, errors[0]
    assert len(seen) == groups
    for indexes in seen.values():
        assert indexes == list(range(per_group))


def test_hard_restart_keeps_acknowledged_messages(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    server: Server = start_server("--data-dir", data)
    try:
        client = _client(server.endpoint)
        url = client.create_queue(QueueName="durable")["QueueUrl"]
        fifo = client.create_queue(QueueName="durable.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        ids = {client.send_message(QueueUrl=url, MessageBody=str(i))["MessageId"] for i in range(30)}
        for i in range(5):
            client.send_message(QueueUrl=fifo, MessageBody=str(i), MessageGroupId="g", MessageDeduplicationId=str(i))
        gone = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
        for m in gone:
            client.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        in_flight = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30)["Messages"]
        assert len(in_flight) == 10
        server.process.send_signal(signal.SIGKILL)
        server.process.wait()
    finally:
        stop_server(server)
    server = start_server("--data-dir", data)
    try:
        client = _client(server.endpoint)
        url = client.get_queue_url(QueueName="durable")["QueueUrl"]
        assert counts(client, url) == (10, 10, 0)
        server.advance(31)
        assert counts(client, url) == (20, 0, 0)
        back = set()
        while got := client.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=600).get("Messages"):
            back.update(m["MessageId"] for m in got)
        assert back == ids - {m["MessageId"] for m in gone}
        fifo = client.get_queue_url(QueueName="durable.fifo")["QueueUrl"]
        again = client.send_message(QueueUrl=fifo, MessageBody="0", MessageGroupId="g", MessageDeduplicationId="0")
        got = client.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10)["Messages"]
        assert [m["Body"] for m in got] == ["0", "1", "2", "3", "4"]
        assert again["MessageId"] == got[0]["MessageId"]
    finally:
        stop_server(server)

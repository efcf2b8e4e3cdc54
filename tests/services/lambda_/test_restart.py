"""fogbank killed with SIGKILL: no execution environment outlives it, and the asynchronous
invocations it had queued are still delivered after a restart on the same data directory."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config as BotoConfig

from tests.conftest import Server, start_server, stop_server
from tests.services.lambda_.helpers import create
from tests.services.lambda_.test_async_and_sqs import drain, wait_for

# records its event and process id, then fails so that the event waits for its retry
FLAKY = """
import json, os, boto3
def handler(event, context):
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName="seen")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"event": event, "pid": os.getpid()}))
    raise RuntimeError("try again later")
"""


def _client(server: Server, service: str) -> Any:
    return boto3.client(service, endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test", config=BotoConfig(retries={"max_attempts": 1}, read_timeout=60))


def _running(pid: int) -> bool:
    """Whether a process exists and has not exited (a zombie waiting to be reaped has)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status and "\nState:\tX" not in status


def test_queued_events_survive_sigkill_and_no_environment_is_orphaned(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    first = start_server("--data-dir", data)
    try:
        sqs, lam = _client(first, "sqs"), _client(first, "lambda")
        seen = sqs.create_queue(QueueName="seen")["QueueUrl"]
        failed = sqs.create_queue(QueueName="failed")["QueueUrl"]
        failed_arn = sqs.get_queue_attributes(QueueUrl=failed, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        create(lam, "flaky", {"app.py": FLAKY})
        lam.put_function_event_invoke_config(FunctionName="flaky", MaximumRetryAttempts=1,
                                             DestinationConfig={"OnFailure": {"Destination": failed_arn}})
        lam.invoke(FunctionName="flaky", InvocationType="Event", Payload=b'{"order": 7}')
        [attempt] = drain(sqs, seen, 1)
        pid = json.loads(attempt["Body"])["pid"]
        assert _running(pid)  # the environment stays warm while the event waits a minute to retry
    finally:
        os.kill(first.process.pid, signal.SIGKILL)
        first.process.wait()
        os.unlink(first.log_path)
    wait_for(lambda: not _running(pid), seconds=10)

    second = start_server("--data-dir", data)
    try:
        # nothing calls Lambda after the restart: its queued work resumes by itself
        sqs = _client(second, "sqs")
        seen, failed = (sqs.get_queue_url(QueueName=q)["QueueUrl"] for q in ("seen", "failed"))
        retries: list[dict[str, Any]] = []

        def delivered() -> Any:
            # the retry is due a minute on, or (killed mid-attempt) when the attempt's lease ends
            second.advance(60)
            got = sqs.receive_message(QueueUrl=seen, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
            retries.extend(json.loads(m["Body"]) for m in got)
            return sqs.receive_message(QueueUrl=failed, WaitTimeSeconds=0).get("Messages")

        [record] = wait_for(delivered, seconds=30)
        assert retries and all(r["event"] == {"order": 7} and r["pid"] != pid for r in retries)
        doc = json.loads(record["Body"])
        assert doc["requestContext"]["condition"] == "RetriesExhausted"
        assert doc["requestContext"]["approximateInvokeCount"] == 2
        assert doc["requestPayload"] == {"order": 7}
        body = retries[-1]
        second_pid = body["pid"]
    finally:
        stop_server(second)
    wait_for(lambda: not _running(second_pid), seconds=10)

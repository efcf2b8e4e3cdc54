"""A full disk under a live, durable server: the failing request gets an AWS-style 5xx, every
acknowledged write stays readable, nothing half-written appears, and the server keeps serving.

The "disk" is the server's file size limit (RLIMIT_FSIZE, with SIGXFSZ ignored so that a write
past it fails with EFBIG as a full disk's would fail with ENOSPC): no test-only code in fogbank."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

from tests.conftest import Server, free_port, stop_server

resource = pytest.importorskip("resource")

LIMIT = 3_000_000  # bytes any one file of the server may grow to


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Server]:
    port = free_port()
    log = tmp_path / "server.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "fogbank", "serve", "--port", str(port), "--data-dir", str(tmp_path / "data"),
             "--log-level", "warning"],
            preexec_fn=_limit_file_size, stdout=subprocess.DEVNULL, stderr=err,
            cwd=Path(__file__).resolve().parents[2])
    server = Server(f"http://127.0.0.1:{port}", proc)
    deadline = time.monotonic() + 30
    while True:
        try:
            server.admin("GET", "/_fogbank/health")
            break
        except OSError:
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
    yield server
    stop_server(server)


def client(server: Server, service: str) -> Any:
    return boto3.client(service, endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test", config=BotoConfig(retries={"max_attempts": 1}))


def test_a_full_database_fails_the_write_and_keeps_what_was_acknowledged(small_disk: Server) -> None:
    ddb = client(small_disk, "dynamodb")
    ddb.create_table(TableName="t", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    acknowledged = []
    with pytest.raises(ClientError) as info:
        for i in range(40):  # 40 items of 300 kB cannot fit in 3 MB
            ddb.put_item(TableName="t", Item={"k": {"S": str(i)}, "v": {"S": "x" * 300_000}})
            acknowledged.append(i)
    err = info.value.response
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 503
    assert err["Error"]["Code"] == "ServiceUnavailable"
    assert acknowledged, "some writes fit before the disk filled"
    for i in acknowledged:
        assert ddb.get_item(TableName="t", Key={"k": {"S": str(i)}})["Item"]["v"]["S"] == "x" * 300_000
    assert "Item" not in ddb.get_item(TableName="t", Key={"k": {"S": str(len(acknowledged))}})
    # small writes still fit, and other services still answer
    ddb.put_item(TableName="t", Item={"k": {"S": "small"}})
    assert ddb.get_item(TableName="t", Key={"k": {"S": "small"}})["Item"] == {"k": {"S": "small"}}
    assert client(small_disk, "sts").get_caller_identity()["Account"] == "000000000000"


def test_an_upload_too_big_for_the_disk_is_a_5xx_and_stores_nothing(small_disk: Server) -> None:
    s3 = client(small_disk, "s3")
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="before", Body=b"kept")
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket="bkt", Key="huge", Body=b"z" * (LIMIT + 1024))
    err = info.value.response
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 503
    assert err["Error"]["Code"] == "ServiceUnavailable"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="bkt")["Contents"]] == ["before"]
    assert s3.get_object(Bucket="bkt", Key="before")["Body"].read() == b"kept"
    s3.put_object(Bucket="bkt", Key="after", Body=b"fits")
    assert s3.get_object(Bucket="bkt", Key="after")["Body"].read() == b"fits"

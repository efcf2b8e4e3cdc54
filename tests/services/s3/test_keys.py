"""Object keys are names in the store, never paths: odd keys round-trip and no key reaches a file
outside the data directory."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from tests.conftest import start_server, stop_server
from tests.services.s3.helpers import assert_error

ODD_KEYS = [
    "../../../../etc/passwd",
    "..",
    "a/../../b",
    "/leading/slash",
    "%2e%2e%2fescaped",
    "100%",
    "spaces and + plus",
    "ünïcödé/キー/🔑",
    "trailing/",
    "back\\slash",
    "q?x=1&y=2#frag",
    "k" * 1024,
    "é" * 512,
]


@pytest.mark.parametrize("key", ODD_KEYS)
def test_odd_keys_round_trip(s3: Any, bucket: str, key: str) -> None:
    s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == key.encode()
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == [key]
    s3.delete_object(Bucket=bucket, Key=key)
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_key_too_long(s3: Any, bucket: str) -> None:
    assert_error(s3.put_object, "KeyTooLongError", 400, Bucket=bucket, Key="k" * 1025, Body=b"x")
    assert_error(s3.put_object, "KeyTooLongError", 400, Bucket=bucket, Key="é" * 513, Body=b"x")


def test_no_key_reaches_a_file_outside_the_data_dir(tmp_path: Path) -> None:
    data = tmp_path / "data"
    outside = tmp_path / "outside"
    outside.mkdir()
    server = start_server("--data-dir", str(data))
    try:
        s3 = boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id="test",
                          aws_secret_access_key="test", config=Config(retries={"max_attempts": 1}))
        s3.create_bucket(Bucket="safety")
        for key in ODD_KEYS + ["../outside/planted", "../../" + str(outside) + "/planted"]:
            s3.put_object(Bucket="safety", Key=key, Body=b"payload" * 10000)  # large enough for a blob file
    finally:
        stop_server(server)
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "outside"]
    blob_names = [p for p in data.rglob("*") if p.is_file() and "blobs" in p.parts]
    assert blob_names, "objects are stored as blob files"
    for path in blob_names:
        assert re.fullmatch(r"[0-9a-f]{32}", path.name), path

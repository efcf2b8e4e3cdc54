"""Admin endpoints: health, reset, clock, coverage, and the drop-in ones of other local clouds."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest


def call(endpoint: str, method: str, path: str, body: bytes | None = None) -> tuple[int, dict]:
    req = urllib.request.Request(endpoint + path, data=body, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_health(fogbank) -> None:
    status, body = call(fogbank.endpoint, "GET", "/_fogbank/health")
    assert status == 200
    assert body["status"] == "running" and body["in_memory"] is True
    assert body["services"]["sts"] == "available"
    assert set(body["services"]) >= {"s3", "sqs", "dynamodb", "lambda", "ec2"}
    assert body["uptime_seconds"] >= 0


def test_localstack_health_shape(fogbank) -> None:
    status, body = call(fogbank.endpoint, "GET", "/_localstack/health")
    assert status == 200
    assert body["services"]["sts"] == "available"
    assert "version" in body


def test_resets(fogbank) -> None:
    assert call(fogbank.endpoint, "POST", "/moto-api/reset", b"") == (200, {"status": "ok"})
    status, body = call(fogbank.endpoint, "POST", "/_fogbank/reset?service=sqs", b"")
    assert (status, body["reset"]) == (200, ["sqs"])
    status, body = call(fogbank.endpoint, "POST", "/_fogbank/reset?service=nope", b"")
    assert status == 400 and "nope" in body["error"]


def test_clock_advances_and_refuses_going_back(fogbank) -> None:
    _, before = call(fogbank.endpoint, "GET", "/_fogbank/clock")
    status, after = call(fogbank.endpoint, "POST", "/_fogbank/clock", b'{"advance": 86400}')
    assert status == 200
    assert after["now"] - before["now"] >= 86400
    assert after["offset_seconds"] - before["offset_seconds"] == pytest.approx(86400)
    for bad in (b'{"advance": -1}', b'{"advance": "soon"}', b"not json", b"{}"):
        status, _ = call(fogbank.endpoint, "POST", "/_fogbank/clock", bad)
        assert status == 400
    _, still = call(fogbank.endpoint, "GET", "/_fogbank/clock")
    assert still["offset_seconds"] == after["offset_seconds"]


def test_coverage_endpoint(fogbank) -> None:
    status, body = call(fogbank.endpoint, "GET", "/_fogbank/coverage")
    assert status == 200
    assert "GetCallerIdentity" in body["sts"]["operations"]
    assert body["sts"]["modelled"] >= body["sts"]["implemented"] >= 1


def test_unknown_admin_path_is_404(fogbank) -> None:
    status, _ = call(fogbank.endpoint, "GET", "/_fogbank/nothing")
    assert status == 404


def test_full_reset_returns_the_clock_to_real_time(fogbank) -> None:
    call(fogbank.endpoint, "POST", "/_fogbank/clock", b'{"advance": 3600}')
    call(fogbank.endpoint, "POST", "/_fogbank/reset?service=sqs", b"")
    _, mid = call(fogbank.endpoint, "GET", "/_fogbank/clock")
    assert mid["offset_seconds"] >= 3600, "resetting one service leaves the clock alone"
    call(fogbank.endpoint, "POST", "/_fogbank/reset", b"")
    _, after = call(fogbank.endpoint, "GET", "/_fogbank/clock")
    assert after["offset_seconds"] == 0


def test_drop_in_resets_forget_state(aws, fogbank) -> None:
    for path in ("/moto-api/reset", "/_localstack/state/reset"):
        aws("sqs").create_queue(QueueName="q")
        aws("s3").create_bucket(Bucket="bkt")
        status, _ = call(fogbank.endpoint, "POST", path, b"")
        assert status == 200
        assert "QueueUrls" not in aws("sqs").list_queues()
        assert aws("s3").list_buckets()["Buckets"] == []


def test_localstack_health_values(fogbank) -> None:
    _, body = call(fogbank.endpoint, "GET", "/_localstack/health")
    assert set(body) >= {"services", "edition", "version"}
    assert set(body["services"].values()) <= {"available", "running", "disabled"}
    assert body["services"]["sqs"] == "available" and body["services"]["firehose"] == "disabled"
    _, ours = call(fogbank.endpoint, "GET", "/_fogbank/health")
    assert set(body["services"]) == set(ours["services"])


def test_default_account_for_non_account_keys() -> None:
    import boto3

    from tests.conftest import start_server, stop_server

    server = start_server(env={"FOGBANK_DEFAULT_ACCOUNT": "123456789012"})
    try:
        def client(service: str, key: str) -> Any:
            return boto3.client(service, endpoint_url=server.endpoint, region_name="us-east-1",
                                aws_access_key_id=key, aws_secret_access_key="test")

        assert client("sts", "test").get_caller_identity()["Account"] == "123456789012"
        assert client("sts", "111111111111").get_caller_identity()["Account"] == "111111111111"
        url = client("sqs", "test").create_queue(QueueName="q")["QueueUrl"]
        assert "/123456789012/q" in url
        assert "QueueUrls" not in client("sqs", "111111111111").list_queues()
    finally:
        stop_server(server)

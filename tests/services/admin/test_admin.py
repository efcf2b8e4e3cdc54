"""Admin endpoints: health, reset, clock, coverage, and the drop-in ones of other local clouds."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

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

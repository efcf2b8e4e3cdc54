"""Fixtures every test can use: one live fogbank server per test session (in memory, on a free
port), a boto3 client factory pointed at it, and the admin calls (reset, clock)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running fogbank and the admin calls tests make on it."""

    endpoint: str
    process: subprocess.Popen
    log_path: str = ""

    def log(self) -> str:
        """What the server has written to its log so far."""
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def admin(self, method: str, path: str, payload: Any = None) -> Any:
        """Call an admin endpoint and return its JSON answer."""
        data = json.dumps(payload).encode() if payload is not None else (b"" if method == "POST" else None)
        req = urllib.request.Request(self.endpoint + path, data=data, method=method)
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    def reset(self, service: str | None = None) -> None:
        """Forget all state (or one service's)."""
        self.admin("POST", "/_fogbank/reset" + (f"?service={service}" if service else ""))

    def advance(self, seconds: float) -> float:
        """Move fogbank's clock forward; returns its new time."""
        return self.admin("POST", "/_fogbank/clock", {"advance": seconds})["now"]


def start_server(*extra: str, env: dict[str, str] | None = None) -> Server:
    """Start ``fogbank serve`` on a free port and wait until it answers."""
    port = free_port()
    cmd = [sys.executable, "-m", "fogbank", "serve", "--port", str(port), "--log-level", "warning", *extra]
    if "--data-dir" not in extra:
        cmd.append("--in-memory")
    # the server's log goes to a file, never to a pipe nobody reads (a full pipe would block it)
    log = tempfile.NamedTemporaryFile(prefix="fogbank-test-", suffix=".log", delete=False)
    proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=log)
    log.close()
    server = Server(f"http://127.0.0.1:{port}", proc, log.name)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("fogbank exited at start: " + server.log())
        try:
            server.admin("GET", "/_fogbank/health")
            return server
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("fogbank did not answer within 30 s")


def stop_server(server: Server) -> None:
    """Stop a server started by ``start_server`` (SIGTERM, then SIGKILL)."""
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    if server.log_path:
        os.unlink(server.log_path)


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    """One in-memory fogbank for the whole test session."""
    srv = start_server()
    yield srv
    stop_server(srv)


@pytest.fixture
def fogbank(server: Server) -> Server:
    """The session's server with fresh state for this test."""
    server.reset()
    return server


@pytest.fixture
def aws(fogbank: Server) -> Callable[..., Any]:
    """``aws("sqs", region="eu-west-1", account="111111111111")``: a boto3 client on fogbank."""
    import boto3
    from botocore.config import Config as BotoConfig

    def make(service: str, region: str = "us-east-1", account: str | None = None, **kwargs: Any) -> Any:
        return boto3.client(
            service,
            endpoint_url=fogbank.endpoint,
            region_name=region,
            aws_access_key_id=account or "test",
            aws_secret_access_key="test",
            config=BotoConfig(**{"retries": {"max_attempts": 1}, **kwargs}),
        )

    return make

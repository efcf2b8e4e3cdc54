"""Raw HTTP load: keep-alive connections replaying one signed STS GetCallerIdentity request.

It takes boto3 out of the picture so that the server's own per-request cost and throughput
show, and the same load against a bare uvicorn app gives the ceiling to compare with.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

STS_BODY = b"Action=GetCallerIdentity&Version=2011-06-15"
# Bounds the reconnects of one connection, should a server close keep-alive connections.
MAX_RECONNECTS = 100_000


def sts_request(host: str, port: int) -> bytes:
    """The bytes of one SigV4-signed STS GetCallerIdentity query request (POST /).

    Signed once with botocore, then replayed unchanged: the signature stays valid for the few
    seconds of a run, and signing costs nothing per request.
    """
    netloc = f"{host}:{port}"
    request = AWSRequest(
        method="POST",
        url=f"http://{netloc}/",
        data=STS_BODY,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(Credentials("test", "test"), "sts", "us-east-1").add_auth(request)
    lines = [
        "POST / HTTP/1.1",
        f"Host: {netloc}",
        "User-Agent: fogbank-bench-raw",
        "Accept-Encoding: identity",
        f"Content-Length: {len(STS_BODY)}",
    ]
    lines += [f"{k}: {v}" for k, v in request.headers.items() if k.lower() not in ("host", "content-length")]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + STS_BODY


def response_end(buf: bytes | bytearray) -> tuple[int, int, bool] | None:
    """(length, status, closing) of the first complete HTTP/1.1 response in `buf`, or None.

    None means the response is not complete yet. Handles Content-Length and chunked bodies;
    `closing` is true when the server said `Connection: close` (moto's server always does).
    """
    head_end = buf.find(b"\r\n\r\n")
    if head_end < 0:
        return None
    head = bytes(buf[:head_end]).lower()
    status = int(head[9:12])
    body_start = head_end + 4
    end: int | None = body_start
    closing = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        value = value.strip()
        if name == b"content-length":
            end = body_start + int(value)
        elif name == b"transfer-encoding" and b"chunked" in value:
            terminator = buf.find(b"0\r\n\r\n", body_start)
            end = None if terminator < 0 else terminator + 5
        elif name == b"connection" and value == b"close":
            closing = True
    if end is None or len(buf) < end:
        return None
    return end, status, closing


@dataclass
class RawResult:
    """Latencies of answered requests, non-200 answers, reconnects and the run's wall time."""

    latencies_s: list[float] = field(default_factory=list)
    errors: int = 0
    reconnects: int = 0
    wall_s: float = 0.0


class _Connection(asyncio.Protocol):
    """One keep-alive connection sending the next request as soon as the previous is answered."""

    def __init__(self, request: bytes, deadline: float, result: RawResult, done: asyncio.Future[None]):
        self.request = request
        self.deadline = deadline
        self.result = result
        self.done = done
        self.buf = bytearray()
        self.sent_at = 0.0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self._send()

    def _send(self) -> None:
        assert self.transport is not None
        self.sent_at = time.perf_counter()
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.buf += data
        found = response_end(self.buf)
        if found is None:
            return
        end, status, closing = found
        now = time.perf_counter()
        del self.buf[:end]
        if status == 200:
            self.result.latencies_s.append(now - self.sent_at)
        else:
            self.result.errors += 1
        if now < self.deadline and not closing:
            self._send()
        elif self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(None)


async def _drive(host: str, port: int, request: bytes, deadline: float, result: RawResult) -> None:
    loop = asyncio.get_running_loop()
    for _ in range(MAX_RECONNECTS):
        done: asyncio.Future[None] = loop.create_future()
        await loop.create_connection(
            lambda done=done: _Connection(request, deadline, result, done), host, port
        )
        await done
        if time.perf_counter() >= deadline:
            return
        result.reconnects += 1  # the server closed a keep-alive connection; open another


async def _run(host: str, port: int, connections: int, duration_s: float) -> RawResult:
    request = sts_request(host, port)
    result = RawResult()
    started = time.perf_counter()
    deadline = started + duration_s
    await asyncio.gather(*(_drive(host, port, request, deadline, result) for _ in range(connections)))
    result.wall_s = time.perf_counter() - started
    return result


def run(host: str, port: int, connections: int, duration_s: float) -> RawResult:
    """Drive `connections` keep-alive connections at host:port for `duration_s` seconds."""
    return asyncio.run(_run(host, port, connections, duration_s))

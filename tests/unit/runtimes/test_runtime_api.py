"""The Runtime API listener and the environment pool, without a fogbank server."""

from __future__ import annotations

import asyncio
import io
import json
import uuid
import zipfile
from pathlib import Path

from fogbank.runtimes import code, launch
from fogbank.runtimes.environment import Invocation, Spec
from fogbank.runtimes.httpserver import HttpServer, Request, Response
from fogbank.runtimes.manager import Manager


async def _raw(port: int, data: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    answer = await reader.read(65536)
    writer.close()
    return answer


def test_http_server_reads_chunked_and_length_bodies() -> None:
    seen: list[Request] = []

    async def handler(req: Request) -> Response:
        seen.append(req)
        return Response(202, b'{"status":"OK"}')

    async def main() -> None:
        server = HttpServer(handler)
        port = await server.start()
        chunked = (b"POST /2018-06-01/runtime/invocation/x/response HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                   b"Connection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
        assert (await _raw(port, chunked)).startswith(b"HTTP/1.1 202")
        plain = b"POST /p?q=1 HTTP/1.1\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc"
        assert b"Content-Length: 15" in await _raw(port, plain)
        await server.close()

    asyncio.run(main())
    assert [(r.path, r.body) for r in seen] == [("/2018-06-01/runtime/invocation/x/response", b"hello world"), ("/p", b"abc")]


def _spec(tmp_path: Path, source: str, timeout: float = 3) -> Spec:
    archive = tmp_path / "code.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("app.py", source)
    archive.write_bytes(buffer.getvalue())
    root = code.unpack(tmp_path, "abc", archive)
    env = {"_HANDLER": "app.handler", "LAMBDA_TASK_ROOT": str(root), "PATH": "/usr/bin:/bin", **launch.search_env("python3.11", root, None)}
    return Spec(("k",), tuple(launch.command("python3.11", root, None)), root, tuple(env.items()), timeout, 128)


def test_pool_reuses_warm_environments_until_idle_time(tmp_path: Path) -> None:
    now = [1000.0]
    spec = _spec(tmp_path, "N = [0]\ndef handler(e, c):\n    N[0] += 1\n    return N[0]\n")

    async def main() -> list[tuple[bytes, bool]]:
        manager = Manager(tmp_path / "env", lambda: now[0], idle_seconds=60)
        results = []
        for step in range(3):
            if step == 2:
                now[0] += 61
            outcome, cold = await manager.run(spec, Invocation(str(uuid.uuid4()), b"{}", 3, "arn"))
            results.append((outcome.body, cold))
        await manager.shutdown()
        return results

    assert asyncio.run(main()) == [(b"1", True), (b"2", False), (b"1", True)]
    assert list((tmp_path / "env").iterdir()) == []  # environments leave no files behind


def test_invalid_request_id_is_refused(tmp_path: Path) -> None:
    spec = _spec(tmp_path, "import json, os, urllib.request\n"
                 "def handler(e, c):\n"
                 "    api = os.environ['AWS_LAMBDA_RUNTIME_API']\n"
                 "    req = urllib.request.Request(f'http://{api}/2018-06-01/runtime/invocation/nope/response', data=b'1', method='POST')\n"
                 "    try:\n        urllib.request.urlopen(req)\n    except urllib.error.HTTPError as err:\n"
                 "        return [err.code, json.loads(err.read())['errorType']]\n")

    async def main() -> bytes:
        manager = Manager(tmp_path / "env", lambda: 0.0)
        outcome, _cold = await manager.run(spec, Invocation(str(uuid.uuid4()), b"{}", 3, "arn"))
        await manager.shutdown()
        return outcome.body

    assert json.loads(asyncio.run(main())) == [400, "InvalidRequestID"]

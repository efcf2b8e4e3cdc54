"""Servers to benchmark: how to start each one on a free local port, wait for it, and stop it.

A target is either a process the harness starts (so its startup time, memory and CPU can be
read from /proc) or a URL of a server that is already running (no process figures then).
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PEERS_BIN = REPO / "bench" / ".venv-peers" / "bin"
HOST = "127.0.0.1"
STARTUP_TIMEOUT_S = 60.0
POLL_INTERVAL_S = 0.005
NAMED = ("fogbank", "moto", "ministack", "bare")


@dataclass
class Target:
    """A server under test; `pid` is None for one the harness did not start."""

    name: str
    url: str
    pid: int | None = None
    startup_s: float | None = None
    log_path: str | None = None
    popen: subprocess.Popen | None = field(default=None, repr=False)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def project_python() -> str:
    """The project's interpreter (its .venv when present), which also runs the harness."""
    venv = REPO / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def command_for(name: str, port: int) -> tuple[list[str], dict[str, str]]:
    """Command line and extra environment that start the named server on `port`."""
    if name == "fogbank":
        if (REPO / "fogbank" / "__main__.py").exists():
            return [project_python(), "-m", "fogbank", "serve", "--in-memory", "--port", str(port)], {}
        script = REPO / ".venv" / "bin" / "fogbank"
        return [str(script), "serve", "--in-memory", "--port", str(port)], {}
    if name == "moto":
        return [str(PEERS_BIN / "moto_server"), "-H", HOST, "-p", str(port)], {}
    if name == "ministack":
        # MiniStack takes its port and bind address from the environment only.
        return [str(PEERS_BIN / "ministack")], {"GATEWAY_PORT": str(port), "BIND_HOST": HOST}
    if name == "bare":
        return [project_python(), str(REPO / "bench" / "bare_app.py"), "--port", str(port)], {}
    raise ValueError(f"unknown target {name!r}; expected one of {', '.join(NAMED)} or a http:// URL")


def answers(url: str, timeout_s: float = 1.0) -> bool:
    """True once anything answers HTTP at `url` (any status counts: the server is serving)."""
    host, _, port = url.removeprefix("http://").rstrip("/").partition(":")
    conn = http.client.HTTPConnection(host, int(port or 80), timeout=timeout_s)
    try:
        conn.request("GET", "/")
        conn.getresponse().read()
        return True
    except OSError:
        return False
    finally:
        conn.close()


def start(name: str) -> Target:
    """Start a named server on a free port and return once it answers its first request.

    Startup time runs from just before the process is spawned to the first answered request.
    """
    if name.startswith("http://"):
        return Target(name=name, url=name.rstrip("/"))
    port = free_port()
    cmd, extra_env = command_for(name, port)
    if not Path(cmd[0]).exists():
        raise RuntimeError(f"{name}: {cmd[0]} not found (run bench/peers.sh for the peer servers)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(extra_env)
    log = tempfile.NamedTemporaryFile(prefix=f"bench-{name}-", suffix=".log", delete=False)
    url = f"http://{HOST}:{port}"
    started = time.perf_counter()
    popen = subprocess.Popen(
        cmd,
        cwd=str(REPO),
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so stop() reaches its children too
    )
    log.close()
    target = Target(name=name, url=url, pid=popen.pid, log_path=log.name, popen=popen)
    deadline = started + STARTUP_TIMEOUT_S
    while time.perf_counter() < deadline:
        if popen.poll() is not None:
            tail = Path(log.name).read_text(errors="replace")[-800:]
            raise RuntimeError(f"{name} exited with {popen.returncode} before answering: {tail}")
        if answers(url, timeout_s=0.5):
            target.startup_s = time.perf_counter() - started
            return target
        time.sleep(POLL_INTERVAL_S)
    stop(target)
    raise RuntimeError(f"{name} did not answer within {STARTUP_TIMEOUT_S:.0f} s")


def stop(target: Target) -> None:
    """Stop a server the harness started (its whole process group); no-op for a URL target."""
    popen = target.popen
    if popen is None or popen.poll() is not None:
        return
    try:
        os.killpg(popen.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        popen.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(popen.pid, signal.SIGKILL)
        popen.wait(timeout=10)

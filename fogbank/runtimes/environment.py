"""One execution environment: a bootstrap process, its Runtime API listener, /tmp and logs.

Life: ``start()`` spawns the process (its own session, killed with the server), waits for its
first ``invocation/next`` (init done) or an init error; ``invoke()`` hands one invocation over
and waits for the response, the error, the process's exit or the timeout, which kills it. One
invocation at a time. stdout and stderr are drained all the time (a function that prints
gigabytes cannot stall) and kept, up to a cap, as the current invocation's log.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import os
import shutil
import signal
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from fogbank.runtimes import api
from fogbank.runtimes.httpserver import HttpServer, Request, Response

# An environment's log kept per invocation; the rest is counted, not stored.
MAX_LOG = 256 * 1024
# AWS gives the init phase 10 seconds.
INIT_TIMEOUT = 10.0


@dataclass
class Invocation:
    """One event handed to an environment and the future its outcome arrives in."""

    request_id: str
    payload: bytes
    timeout: float
    invoked_arn: str
    trace_id: str = ""
    client_context: str | None = None
    cognito_identity: str | None = None
    deadline_ms: int = 0
    result: asyncio.Future = field(default_factory=lambda: asyncio.get_running_loop().create_future())

    def headers(self) -> dict[str, str]:
        """The headers ``invocation/next`` carries."""
        headers = {
            "Lambda-Runtime-Aws-Request-Id": self.request_id,
            "Lambda-Runtime-Deadline-Ms": str(self.deadline_ms),
            "Lambda-Runtime-Invoked-Function-Arn": self.invoked_arn,
            "Lambda-Runtime-Trace-Id": self.trace_id,
        }
        if self.client_context:
            headers["Lambda-Runtime-Client-Context"] = self.client_context
        if self.cognito_identity:
            headers["Lambda-Runtime-Cognito-Identity"] = self.cognito_identity
        return headers


@dataclass
class Outcome:
    """What became of an invocation (or of an init)."""

    ok: bool
    body: bytes
    error_type: str | None = None
    log: str = ""
    duration_ms: float = 0.0
    max_memory_mb: int = 0
    init_duration_ms: float | None = None
    fatal: bool = False  # the environment is gone (timeout, crash, init failure)


@dataclass(frozen=True)
class Spec:
    """Everything needed to start environments of one function version."""

    key: tuple
    command: tuple[str, ...]
    code_dir: Path
    env: tuple[tuple[str, str], ...]
    timeout: float
    memory_mb: int


def _pdeathsig() -> None:  # pragma: no cover - runs in the child between fork and exec
    # the child dies with fogbank, even when fogbank is killed with SIGKILL
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)


def error_body(error_type: str, message: str) -> bytes:
    """An error document as the Lambda service writes it."""
    return json.dumps({"errorType": error_type, "errorMessage": message}).encode()


class Environment:
    """One process running a bootstrap, with its own Runtime API port and /tmp directory."""

    def __init__(self, spec: Spec, root: Path) -> None:
        self.spec = spec
        self.id = uuid.uuid4().hex
        self.dir = root / self.id
        self.tmp = self.dir / "tmp"
        self.process: asyncio.subprocess.Process | None = None
        self.server = HttpServer(self._serve)
        self.current: Invocation | None = None
        self.last_used = 0.0
        self.dead = False  # killed: nothing of it is left
        self.exited = False  # the process ended by itself
        self._queue: asyncio.Queue[Invocation | None] = asyncio.Queue()
        self._init: asyncio.Future | None = None
        self._log: list[str] = []
        self._log_size = 0
        self._tasks: list[asyncio.Task] = []

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> Outcome:
        """Spawn the process and wait for its init; an ``ok`` outcome means ready for events."""
        loop = asyncio.get_running_loop()
        self._init = loop.create_future()
        self.tmp.mkdir(parents=True, exist_ok=True)
        port = await self.server.start()
        env = dict(self.spec.env)
        env["AWS_LAMBDA_RUNTIME_API"] = f"127.0.0.1:{port}"
        env["TMPDIR"] = str(self.tmp)
        env["FOGBANK_TMP_DIR"] = str(self.tmp)
        started = time.perf_counter()
        try:
            self.process = await asyncio.create_subprocess_exec(
                *self.spec.command,
                cwd=str(self.spec.code_dir),
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_pdeathsig,
            )
        except OSError as exc:
            await self.kill()
            message = f"Couldn't start the runtime: {exc.strerror or exc}"
            return Outcome(False, error_body("Runtime.InvalidEntrypoint", message), "Runtime.InvalidEntrypoint", message, fatal=True)
        self._tasks = [loop.create_task(self._drain()), loop.create_task(self._watch())]
        try:
            failure = await asyncio.wait_for(asyncio.shield(self._init), INIT_TIMEOUT)
        except TimeoutError:
            failure = error_body("Sandbox.Timedout", f"Init timed out after {INIT_TIMEOUT:.2f} seconds")
        init_ms = (time.perf_counter() - started) * 1000
        log = self.take_log()
        if failure is not None:
            await self.kill()
            error_type = _type_of(failure)
            return Outcome(False, failure, error_type, log, init_duration_ms=init_ms, fatal=True)
        return Outcome(True, b"", None, log, init_duration_ms=init_ms)

    async def kill(self) -> None:
        """Stop the process (its whole session), the listener, and remove the environment's files."""
        if self.dead:
            return
        self.dead = True
        if self.process is not None and self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.process.wait(), 5)
        self._queue.put_nowait(None)
        await self.server.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.to_thread(shutil.rmtree, self.dir, True)

    # --- invocations -----------------------------------------------------------------------

    async def invoke(self, inv: Invocation) -> Outcome:
        """Run one invocation to its end; a timeout or crash kills the environment."""
        self.take_log()
        self.current = inv
        started = time.perf_counter()
        inv.deadline_ms = int((time.time() + inv.timeout) * 1000)
        self._queue.put_nowait(inv)
        timed_out = False
        try:
            kind, body = await asyncio.wait_for(asyncio.shield(inv.result), inv.timeout)
        except TimeoutError:
            timed_out = True
            kind, body = "timeout", b""
        duration = (time.perf_counter() - started) * 1000
        memory = self._max_memory()
        # let output written just before the response reach the log
        for _ in range(3):
            await asyncio.sleep(0)
        self.current = None
        if timed_out:
            await self.kill()
            message = f"RequestId: {inv.request_id} Error: Task timed out after {inv.timeout:.2f} seconds"
            log = self.take_log() + f"{_stamp()} {inv.request_id} Task timed out after {inv.timeout:.2f} seconds\n"
            return Outcome(False, error_body("Sandbox.Timedout", message), "Sandbox.Timedout", log, duration, memory, fatal=True)
        if kind == "exit":
            await self.kill()
            return Outcome(False, body, "Runtime.ExitError", self.take_log(), duration, memory, fatal=True)
        if kind == "error":
            return Outcome(False, body, _type_of(body), self.take_log(), duration, memory)
        return Outcome(True, body, None, self.take_log(), duration, memory)

    async def next_invocation(self) -> Invocation | None:
        """The next event for the runtime (called by ``invocation/next``); marks init as done."""
        if self._init is not None and not self._init.done():
            self._init.set_result(None)
        return await self._queue.get()

    def init_failed(self, body: bytes) -> None:
        """The runtime posted ``init/error``."""
        if self._init is not None and not self._init.done():
            self._init.set_result(body)
        elif self.current is not None and not self.current.result.done():
            self.current.result.set_result(("error", body))

    def finish(self, inv: Invocation, kind: str, body: bytes) -> None:
        """The runtime posted the response (``ok``) or the error of ``inv``."""
        if not inv.result.done():
            inv.result.set_result((kind, body))

    @property
    def alive(self) -> bool:
        """Whether the environment can take another invocation."""
        return not self.dead and not self.exited

    def take_log(self) -> str:
        """The output collected since the last call."""
        text = "".join(self._log)
        self._log.clear()
        self._log_size = 0
        return text

    # --- internals -------------------------------------------------------------------------

    async def _serve(self, req: Request) -> Response:
        return await api.handle(self, req)

    async def _drain(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        stream = self.process.stdout
        while True:
            chunk = await stream.read(65536)
            if not chunk:
                return
            if self._log_size < MAX_LOG:
                text = chunk[: MAX_LOG - self._log_size].decode("utf-8", "replace")
                self._log.append(text)
                self._log_size += len(chunk)

    async def _watch(self) -> None:
        assert self.process is not None
        code = await self.process.wait()
        if self.dead:
            return
        reason = f"signal: {_signal_name(-code)}" if code < 0 else f"exit status {code}"
        if self._init is not None and not self._init.done():
            self._init.set_result(error_body("Runtime.ExitError", f"RequestId: Error: Runtime exited with error: {reason}"))
        inv = self.current
        if inv is not None and not inv.result.done():
            message = f"RequestId: {inv.request_id} Error: Runtime exited with error: {reason}"
            inv.result.set_result(("exit", error_body("Runtime.ExitError", message)))
        self.exited = True
        self._queue.put_nowait(None)

    def _max_memory(self) -> int:
        if self.process is None:
            return 0
        try:
            with open(f"/proc/{self.process.pid}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return max(1, int(line.split()[1]) // 1024)
        except (OSError, ValueError):
            pass
        return 0


def _type_of(body: bytes) -> str:
    try:
        doc = json.loads(body)
    except ValueError:
        return "Runtime.Unknown"
    return str(doc.get("errorType") or "Runtime.Unknown") if isinstance(doc, dict) else "Runtime.Unknown"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name.removeprefix("SIG").lower()
    except ValueError:
        return str(number)


def _stamp() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + f".{int(time.time() * 1000) % 1000:03d}Z"

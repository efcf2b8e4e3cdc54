"""The ``fogbank`` command: serve | status | reset | coverage | env.

Exit codes scripts can rely on: 0 success; 1 the server could not be reached or answered an
error; 2 bad arguments or settings; 3 the port is already in use; 4 the data directory cannot
be used (unwritable, corrupt, foreign or from a newer fogbank).
"""

from __future__ import annotations

import argparse
import errno
import json
import logging
import os
import signal
import socket
import sys
from typing import Any

from fogbank import __version__
from fogbank.config import Config

EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE, EXIT_PORT_IN_USE, EXIT_DATA_DIR = 0, 1, 2, 3, 4


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        config = Config.from_env(
            host=getattr(args, "host", None),
            port=getattr(args, "port", None),
            data_dir=getattr(args, "data_dir", None),
            in_memory=True if getattr(args, "in_memory", False) else None,
            log_level=getattr(args, "log_level", None),
            default_account=getattr(args, "default_account", None),
            strict_credentials=True if getattr(args, "strict_credentials", False) else None,
            verify_signatures=True if getattr(args, "verify_signatures", False) else None,
            enforce_iam=True if getattr(args, "enforce_iam", None) else None,
            iam_report=True if getattr(args, "enforce_iam", None) == "report" else None,
        )
    except ValueError as exc:
        print(f"fogbank: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return int(args.func(config, args))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fogbank", description="A local AWS cloud.")
    parser.add_argument("--version", action="version", version=f"fogbank {__version__}")
    sub = parser.add_subparsers(dest="command")

    def endpoint_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--host", help="address (default 127.0.0.1; FOGBANK_HOST)")
        p.add_argument("--port", type=int, help="port (default 4566; FOGBANK_PORT)")

    serve = sub.add_parser("serve", help="start the server")
    endpoint_args(serve)
    serve.add_argument("--data-dir", help="where state is kept (default ./.fogbank; FOGBANK_DATA_DIR)")
    serve.add_argument("--in-memory", action="store_true", help="keep nothing on disk (FOGBANK_IN_MEMORY)")
    serve.add_argument("--log-level", help="critical|error|warning|info|debug (FOGBANK_LOG_LEVEL)")
    serve.add_argument("--default-account", help="account of non-account access keys (FOGBANK_DEFAULT_ACCOUNT)")
    serve.add_argument("--strict-credentials", action="store_true",
                       help="refuse access keys IAM/STS did not issue, except 12-digit account ids (FOGBANK_STRICT_CREDENTIALS)")
    serve.add_argument("--verify-signatures", action="store_true",
                       help="check every request's SigV4 signature (FOGBANK_VERIFY_SIGNATURES)")
    serve.add_argument("--enforce-iam", nargs="?", const="on", choices=("on", "report"),
                       help="authorise every request by IAM policies; 'report' only logs would-be denials "
                            "(FOGBANK_ENFORCE_IAM=1|report)")
    serve.set_defaults(func=cmd_serve)

    status = sub.add_parser("status", help="ask a running server's health")
    endpoint_args(status)
    status.set_defaults(func=cmd_status)

    reset = sub.add_parser("reset", help="forget all state of a running server, or one service's")
    endpoint_args(reset)
    reset.add_argument("service", nargs="?", help="only this service (e.g. sqs)")
    reset.set_defaults(func=cmd_reset)

    cov = sub.add_parser("coverage", help="implemented vs modelled operations per service")
    cov.add_argument("--json", action="store_true", help="print JSON instead of a table")
    cov.set_defaults(func=cmd_coverage)

    env = sub.add_parser("env", help="print the export lines that point AWS clients at fogbank")
    endpoint_args(env)
    env.set_defaults(func=cmd_env)
    return parser


def cmd_serve(config: Config, args: argparse.Namespace) -> int:
    """Start serving until Ctrl-C or SIGTERM."""
    logging.basicConfig(level=config.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        sock = _bind(config.host, config.port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            print(f"fogbank: port {config.port} on {config.host} is already in use "
                  f"(another fogbank? try --port or FOGBANK_PORT)", file=sys.stderr)
            return EXIT_PORT_IN_USE
        print(f"fogbank: cannot listen on {config.host}:{config.port}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    from fogbank.store import open_store
    from fogbank.store.contract import StoreOpenError

    try:
        store, blobs = open_store(config)
    except (StoreOpenError, OSError) as exc:
        sock.close()
        print(f"fogbank: cannot use data directory {config.data_dir}: {exc}", file=sys.stderr)
        return EXIT_DATA_DIR

    import uvicorn

    from fogbank.server.app import App

    app = App(config, store, blobs)
    if not _loopback(config.host) and not config.verify_signatures:
        print(f"fogbank: warning: listening on {config.host}, reachable from other machines, and accepting any "
              f"credentials; consider --verify-signatures (and --enforce-iam)", file=sys.stderr, flush=True)
    where = "in memory" if config.in_memory else f"data in {os.path.abspath(config.data_dir)}"
    print(f"fogbank {__version__} ready on {config.endpoint} ({where})", file=sys.stderr, flush=True)
    server = uvicorn.Server(uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=10,
        http=_http_impl(), loop=_loop_impl(),
    ))
    # uvicorn re-raises the stop signal once it has shut down gracefully; with these no-op
    # handlers restored under it, a clean stop by Ctrl-C or SIGTERM exits 0 after the store closes.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _ignore_signal)
    try:
        server.run(sockets=[sock])
    finally:
        store.close()
        close = getattr(blobs, "close", None)
        if callable(close):
            close()
    return EXIT_OK


def _loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this machine."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _ignore_signal(signum: int, frame: Any) -> None:
    """A signal handler that does nothing (see cmd_serve)."""


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def _http_impl() -> str:
    try:
        import httptools  # noqa: F401
    except ImportError:
        return "h11"
    return "httptools"


def _loop_impl() -> str:
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return "asyncio"
    return "uvloop"


def _request(config: Config, method: str, path: str) -> tuple[int, Any]:
    import urllib.error
    import urllib.request

    url = f"http://{_client_host(config.host)}:{config.port}{path}"
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def _client_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "") else ("[::1]" if host == "::" else host)


def cmd_status(config: Config, args: argparse.Namespace) -> int:
    """Print the running server's health."""
    try:
        status, body = _request(config, "GET", "/_fogbank/health")
    except (OSError, ValueError) as exc:
        print(f"fogbank: no server answers at {config.endpoint}: {exc}", file=sys.stderr)
        return EXIT_UNREACHABLE
    print(json.dumps(body, indent=2))
    return EXIT_OK if status == 200 else EXIT_UNREACHABLE


def cmd_reset(config: Config, args: argparse.Namespace) -> int:
    """Ask the running server to forget its state."""
    path = "/_fogbank/reset" + (f"?service={args.service}" if args.service else "")
    try:
        status, body = _request(config, "POST", path)
    except (OSError, ValueError) as exc:
        print(f"fogbank: no server answers at {config.endpoint}: {exc}", file=sys.stderr)
        return EXIT_UNREACHABLE
    if status != 200:
        print(f"fogbank: {body.get('error') if isinstance(body, dict) else body}", file=sys.stderr)
        return EXIT_USAGE if status == 400 else EXIT_UNREACHABLE
    print("reset: " + ", ".join(body["reset"]))
    return EXIT_OK


def cmd_coverage(config: Config, args: argparse.Namespace) -> int:
    """Print implemented vs modelled operations."""
    from fogbank.coverage import coverage, format_table

    report = coverage()
    print(json.dumps(report, indent=2) if args.json else format_table(report))
    return EXIT_OK


def cmd_env(config: Config, args: argparse.Namespace) -> int:
    """Print the shell lines that point AWS clients at this fogbank."""
    # 127.0.0.1 rather than localhost: Node.js tries ::1 first for localhost (fogbank listens on
    # IPv4), and SDKs use S3 path-style addressing with an IP endpoint, no *.localhost DNS needed
    endpoint = f"http://{'127.0.0.1' if config.host in ('127.0.0.1', '0.0.0.0', 'localhost') else config.host}:{config.port}"
    for line in (
        f"export AWS_ENDPOINT_URL={endpoint}",
        "export AWS_ACCESS_KEY_ID=test",
        "export AWS_SECRET_ACCESS_KEY=test",
        f"export AWS_DEFAULT_REGION={config.default_region}",
    ):
        print(line)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

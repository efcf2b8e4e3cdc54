"""`fogbank serve` with a data directory: SIGTERM stops it cleanly, and a foreign or damaged data
directory is refused with exit code 4 and left untouched."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import start_server, stop_server


def test_sigterm_shuts_down_cleanly(tmp_path: Path) -> None:
    server = start_server("--data-dir", str(tmp_path / "data"))
    assert server.admin("GET", "/_fogbank/health")["data_dir"] == str((tmp_path / "data").resolve())
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=15) == 0
    assert (tmp_path / "data" / "fogbank.db").exists()


def test_restart_on_same_data_dir(tmp_path: Path) -> None:
    for _ in range(2):
        server = start_server("--data-dir", str(tmp_path / "data"))
        server.process.send_signal(signal.SIGINT)
        assert server.process.wait(timeout=15) == 0


def test_foreign_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    foreign = data / "fogbank.db"
    foreign.write_bytes(b"this is somebody else's file\n" * 10)
    before = foreign.read_bytes()
    out = subprocess.run([sys.executable, "-m", "fogbank", "serve", "--data-dir", str(data), "--port", "0"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 4, out.stderr
    assert "data directory" in out.stderr
    assert foreign.read_bytes() == before


def _refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return False
    except OSError:
        return True


def test_sigterm_finishes_a_write_in_flight(tmp_path: Path) -> None:
    import boto3

    server = start_server("--data-dir", str(tmp_path / "data"))
    port = int(server.endpoint.rsplit(":", 1)[1])
    s3 = boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id="test",
                      aws_secret_access_key="test")
    s3.create_bucket(Bucket="bkt")
    body = b"q" * 1_000_000
    with socket.create_connection(("127.0.0.1", port), timeout=20) as conn:
        conn.sendall(
            b"PUT /bkt/in-flight HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\n"
            b"Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, "
            b"SignedHeaders=host, Signature=00\r\nContent-Length: %d\r\n\r\n" % len(body))
        # "100 Continue" comes once fogbank is reading the body: the request is in flight
        assert conn.recv(100).startswith(b"HTTP/1.1 100")
        server.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        while not _refuses_connections(port):  # shutting down: no new connections
            assert time.monotonic() < deadline
        conn.sendall(body)
        assert conn.recv(100).startswith(b"HTTP/1.1 200")
    assert server.process.wait(timeout=15) == 0
    again = start_server("--data-dir", str(tmp_path / "data"))
    try:
        s3 = boto3.client("s3", endpoint_url=again.endpoint, region_name="us-east-1", aws_access_key_id="test",
                          aws_secret_access_key="test")
        assert s3.get_object(Bucket="bkt", Key="in-flight")["Body"].read() == body
    finally:
        stop_server(again)


def test_one_access_log_line_per_request(tmp_path: Path) -> None:
    import boto3
    from botocore.exceptions import ClientError

    server = start_server("--log-level", "info")
    sts = boto3.client("sts", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id="test",
                       aws_secret_access_key="test")
    sts.get_caller_identity()
    try:
        boto3.client("firehose", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id="test",
                     aws_secret_access_key="test").list_delivery_streams()
    except ClientError:
        pass
    server.process.send_signal(signal.SIGTERM)  # shutting down flushes the log
    assert server.process.wait(timeout=15) == 0
    log = server.log()
    stop_server(server)
    assert re.search(r"sts\.GetCallerIdentity -> 200 \(\d+\.\d ms\)", log), log
    assert re.search(r"firehose\.ListDeliveryStreams -> 501 \(\d+\.\d ms\)", log), log
